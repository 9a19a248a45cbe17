"""The event tallies (``events.tallies``) against the events themselves after every kind of
write the services make: each test ends by comparing the whole table with what
``counted_from_events`` works out one event at a time, independently of the grouped query the
tallies are computed with."""

import datetime
import io
import zoneinfo
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventTally
from events.services import event_bulk_create, event_delete, event_update
from events.tallies import retally_all, tally_year
from programmes.models import Programme
from reports import selectors
from reports.selectors import ReportFilters
from tests.factories import EventFactory, ProgrammeFactory
from tests.reports.conftest import TASHKENT

pytestmark = pytest.mark.django_db

KEYS = ("programme_id", "year", "status", "kind", "country_id", "host_institution_id")
MEASURES = ("events", "audience", "with_both", "audience_with_both", "youth")


def counted_from_events() -> dict[tuple, dict[str, int]]:
    """The tallies worked out from each event in turn, the year in the site's time zone."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    counted: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for held in Event.objects.all():
        row = counted[
            (
                held.programme_id,
                held.starts_at.astimezone(zone).year,
                held.status,
                held.kind,
                held.country_id,
                held.host_institution_id,
            )
        ]
        row["events"] += 1
        row["audience"] += held.actual_attendance or 0
        if held.actual_attendance is not None and held.youth_attendance is not None:
            row["with_both"] += 1
            row["audience_with_both"] += held.actual_attendance
            row["youth"] += held.youth_attendance
    return dict(counted)


def tallied() -> dict[tuple, dict[str, int]]:
    return {
        tuple(row[key] for key in KEYS): {measure: row[measure] for measure in MEASURES}
        for row in EventTally.objects.values(*KEYS, *MEASURES)
    }


def tally_queries(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "eventtally" in query["sql"]]


def test_the_events_of_the_world_are_tallied(world):
    e1 = world.events["E1"]

    assert tallied() == counted_from_events()
    # E1 alone: held, 200 people of whom 120 under 30.
    assert tallied()[
        (e1.programme_id, 2025, "held", "exhibition", world.uz.pk, world.uz_uni.pk)
    ] == {"events": 1, "audience": 200, "with_both": 1, "audience_with_both": 200, "youth": 120}
    assert len(tallied()) == 8


def test_a_new_title_leaves_the_tallies_alone(world):
    with CaptureQueriesContext(connection) as captured:
        event_update(event=world.events["E1"], actor=None, title="Abay and the steppe")

    assert tally_queries(captured) == []
    assert tallied() == counted_from_events()


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Event.Status.POSTPONED},
        {"status": Event.Status.CANCELLED},
        {"kind": Event.Kind.FAIR},
        {"actual_attendance": 500, "youth_attendance": 400},
        {"youth_attendance": None},
    ],
    ids=["postponed", "cancelled", "kind", "attendance", "no-youth-count"],
)
def test_an_edit_recounts_the_event(world, changes):
    before = tallied()

    event_update(event=world.events["E3"], actor=None, **changes)

    assert tallied() == counted_from_events()
    assert tallied() != before


# The events moved and deleted below belong to programmes not yet approved, or no longer under
# way: an approved or active programme's events change only by an amendment.


def test_an_event_moved_to_another_year_leaves_the_year_it_left(world):
    e5 = world.events["E5"]
    starts_at = datetime.datetime(2024, 11, 5, 18, tzinfo=TASHKENT)

    event_update(
        event=e5, actor=None, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
    )

    assert tallied() == counted_from_events()
    assert not EventTally.objects.filter(programme=e5.programme, year=2025, kind="lecture")


def test_an_event_moved_to_another_programme_leaves_the_programme_it_left(world):
    # E3's host, the Kazakh university, leads P3.
    p2, p3 = world.programmes["P2"], world.programmes["P3"]

    event_update(event=world.events["E3"], actor=None, programme=p3)

    assert tallied() == counted_from_events()
    assert sorted(EventTally.objects.filter(programme=p2).values_list("kind", flat=True)) == [
        "fair",
        "fair",
    ]


def test_an_event_moved_twice_leaves_each_place_it_was(world):
    moved = world.events["E3"]

    event_update(event=moved, actor=None, programme=world.programmes["P3"])
    event_update(event=moved, actor=None, programme=world.programmes["P4"])

    assert tallied() == counted_from_events()
    assert not EventTally.objects.filter(programme=world.programmes["P3"], kind="concert").filter(
        host_institution=world.kz_uni, country=world.uz
    )


def test_an_edit_from_a_copy_loaded_without_its_start_still_leaves_the_year_it_left(world):
    moved = Event.objects.only("pk", "title").get(pk=world.events["E5"].pk)
    starts_at = datetime.datetime(2026, 2, 1, 10, tzinfo=TASHKENT)

    event_update(
        event=moved,
        actor=None,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )

    assert tallied() == counted_from_events()


def test_a_deleted_event_is_no_longer_counted(world):
    event_delete(event=world.events["E5"], actor=None)

    assert tallied() == counted_from_events()


def test_events_deleted_in_the_admin_are_no_longer_counted(world, admin_client):
    doomed = list(
        Event.objects.filter(programme=world.programmes["P2"]).values_list("pk", flat=True)
    )

    response = admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "delete_selected", "_selected_action": doomed, "post": "yes"},
    )

    assert (response.status_code, Event.objects.filter(pk__in=doomed).count()) == (302, 0)
    assert tallied() == counted_from_events()
    assert not EventTally.objects.filter(programme=world.programmes["P2"])


def test_events_created_in_bulk_are_counted(world):
    p1, p3 = world.programmes["P1"], world.programmes["P3"]
    starts = [
        datetime.datetime(2025, 4, 10, 12, tzinfo=TASHKENT),  # E1's bucket and combination
        datetime.datetime(2026, 3, 1, 12, tzinfo=TASHKENT),
        datetime.datetime(2024, 12, 31, 23, 30, tzinfo=TASHKENT),
    ]
    prepared = [
        Event(
            programme=programme,
            title=f"Generated {number}",
            kind=Event.Kind.EXHIBITION,
            host_institution=world.uz_uni,
            city="Tashkent",
            country=world.uz,
            time_zone="Asia/Tashkent",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
            status=Event.Status.HELD,
            actual_attendance=10 * number,
            youth_attendance=number,
        )
        for number, (programme, starts_at) in enumerate(
            [(p1, starts[0]), (p3, starts[1]), (p1, starts[2]), (p3, starts[0])], start=1
        )
    ]

    assert event_bulk_create(events=prepared) == 4

    assert tallied() == counted_from_events()
    e1_row = tallied()[(p1.pk, 2025, "held", "exhibition", world.uz.pk, world.uz_uni.pk)]
    assert e1_row == {
        "events": 2,
        "audience": 210,
        "with_both": 2,
        "audience_with_both": 210,
        "youth": 121,
    }


def test_a_deleted_programme_takes_its_tallies_along(world):
    world.programmes["P2"].delete()

    assert tallied() == counted_from_events()
    assert not EventTally.objects.filter(programme_id=world.programmes["P2"].pk)


def test_deleting_a_programme_recounts_nothing_however_many_events_it_has(world):
    def deleting(events: int) -> list[str]:
        doomed = ProgrammeFactory()
        for day in range(events):
            EventFactory(
                programme=doomed,
                starts_at=datetime.datetime(2025, 1, 1 + day, 10, tzinfo=TASHKENT),
                ends_at=datetime.datetime(2025, 1, 1 + day, 12, tzinfo=TASHKENT),
            )
        with CaptureQueriesContext(connection) as captured:
            Programme.objects.filter(pk=doomed.pk).delete()
        return tally_queries(captured)

    # The rows of the programme go with it, one query for both (CASCADE); no event recounts.
    assert len(deleting(1)) == len(deleting(20))
    assert tallied() == counted_from_events()


def test_retally_all_rebuilds_a_damaged_table(world):
    expected = counted_from_events()
    EventTally.objects.filter(year=2025).update(events=99)
    EventTally.objects.filter(year=2024).delete()

    written = retally_all()

    assert (written, tallied()) == (len(expected), expected)


def test_migrate_rebuilds_the_tallies(world):
    EventTally.objects.all().delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    assert tallied() == counted_from_events()


def test_the_retally_command_says_how_many_rows_it_wrote(world):
    EventTally.objects.all().delete()
    output = io.StringIO()

    call_command("retally", stdout=output)

    assert output.getvalue() == (
        "Wrote 8 event tally rows. Every cached page and calendar is made again from the records.\n"
    )
    assert tallied() == counted_from_events()


# ---------- The year of an event ----------


def test_the_evening_of_new_years_eve_in_utc_is_already_next_year_in_tashkent(world, settings):
    settings.TIME_ZONE = "Asia/Tashkent"
    starts_at = datetime.datetime(2025, 12, 31, 20, tzinfo=datetime.UTC)  # 01:00 on 1 January
    late = EventFactory(
        programme=world.programmes["P3"],
        host_institution=world.kz_uni,
        status=Event.Status.HELD,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )

    def held(year: int) -> int:
        figure = selectors.events_held_by_kind(user=world.admin, filters=ReportFilters(year))
        return figure.overall.get(Event.Kind.EXHIBITION, 0)

    assert tally_year(late.starts_at) == 2026
    assert tallied() == counted_from_events()
    # 2025: E1, E7; 2026: the late one alone.
    assert (held(2025), held(2026)) == (2, 1)


def test_a_new_time_zone_moves_the_event_once_the_tallies_are_rebuilt(world, settings):
    starts_at = datetime.datetime(2025, 12, 31, 20, tzinfo=datetime.UTC)
    late = EventFactory(
        programme=world.programmes["P3"],
        host_institution=world.kz_uni,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    settings.TIME_ZONE = "UTC"

    retally_all()

    assert tally_year(late.starts_at) == 2025
    assert tallied() == counted_from_events()
    assert EventTally.objects.get(programme=world.programmes["P3"], kind="exhibition").year == 2025


def test_the_year_does_not_follow_the_readers_time_zone(world):
    starts_at = datetime.datetime(2025, 12, 31, 20, tzinfo=datetime.UTC)
    with timezone.override("UTC"):
        late = EventFactory(
            programme=world.programmes["P3"],
            host_institution=world.kz_uni,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
        )

    assert EventTally.objects.get(programme=late.programme, kind="exhibition").year == 2026
    assert tallied() == counted_from_events()
