"""Repeating events: a rule on the first occurrence, a row for each of the others."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Event, all_day_bounds
from events.recurrence import MAX_OCCURRENCES, describe
from events.services import event_create, event_delete, event_series_extend, event_update
from events.warnings import warnings_for_events
from reports.selectors.common import ReportFilters
from reports.selectors.year import events_held_by_kind
from tests.factories import CountryFactory, InstitutionFactory, UserFactory, joint_programme

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


@pytest.fixture
def world(db):
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    gallery = InstitutionFactory(name="Fine Arts Gallery of Uzbekistan", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    return joint_programme(uz=gallery, kz=kaznu, title="Film club"), gallery


def weekly(
    world, *, rule="FREQ=WEEKLY;COUNT=4", starts=None, ends=None, zone="Europe/Berlin", **extra
):
    programme, host = world
    starts = starts or datetime.datetime(2026, 3, 17, 19, 0, tzinfo=zoneinfo.ZoneInfo(zone))
    return event_create(
        actor=None,
        programme=programme,
        title="Film club",
        kind=Event.Kind.FILM_SCREENING,
        host_institution=host,
        time_zone=zone,
        starts_at=starts,
        ends_at=ends or starts + datetime.timedelta(hours=2),
        recurrence_rule=rule,
        **extra,
    )


def series_of(first: Event) -> list[Event]:
    return list(Event.objects.filter(pk=first.pk) | first.occurrences.all())


def local_starts(first: Event) -> list[str]:
    return [f"{e.local_starts_at:%Y-%m-%d %H:%M %z}" for e in series_of(first)]


def test_a_weekly_series_keeps_its_wall_clock_across_a_clock_change(world):
    first = weekly(world)

    assert local_starts(first) == [
        "2026-03-17 19:00 +0100",
        "2026-03-24 19:00 +0100",
        "2026-03-31 19:00 +0200",
        "2026-04-07 19:00 +0200",
    ]
    assert [e.ends_at - e.starts_at for e in series_of(first)] == [datetime.timedelta(hours=2)] * 4
    first.refresh_from_db()
    assert first.series_ends_at == datetime.datetime(2026, 4, 7, 21, 0, tzinfo=BERLIN)
    assert {e.series_id for e in series_of(first)[1:]} == {first.pk}


def test_a_change_to_the_first_reaches_the_others_but_not_one_changed_on_its_own(world):
    first = weekly(world)
    moved = first.occurrences.get(
        recurrence_id=datetime.datetime(2026, 3, 24, 18, 0, tzinfo=datetime.UTC)
    )
    event_update(
        event=moved,
        actor=None,
        starts_at=datetime.datetime(2026, 3, 25, 19, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 3, 25, 21, 0, tzinfo=BERLIN),
    )

    event_update(event=first, actor=None, title="Film club: Kazakh new wave")

    titles = [(e.title, e.detached) for e in series_of(first)]
    assert titles == [
        ("Film club: Kazakh new wave", False),
        ("Film club", True),
        ("Film club: Kazakh new wave", False),
        ("Film club: Kazakh new wave", False),
    ]
    assert local_starts(first)[1] == "2026-03-25 19:00 +0100"
    assert [e.sequence for e in series_of(first)] == [1, 1, 1, 1]


def test_moving_the_first_moves_the_series(world):
    first = weekly(world)

    event_update(
        event=first,
        actor=None,
        starts_at=datetime.datetime(2026, 3, 17, 18, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 3, 17, 19, 30, tzinfo=BERLIN),
    )

    assert [s[11:16] for s in local_starts(first)] == ["18:00"] * 4
    assert [e.ends_at - e.starts_at for e in series_of(first)] == [
        datetime.timedelta(minutes=90)
    ] * 4


def test_a_removed_date_stays_removed_and_a_new_rule_remakes_the_rest(world):
    first = weekly(world)
    third = first.occurrences.get(
        recurrence_id=datetime.datetime(2026, 3, 31, 17, 0, tzinfo=datetime.UTC)
    )

    event_delete(event=third, actor=None)
    first.refresh_from_db()
    assert first.recurrence_skipped == ["2026-03-31T17:00:00+00:00"]
    event_update(event=first, actor=None, recurrence_rule="FREQ=WEEKLY;COUNT=5")

    assert [s[:10] for s in local_starts(first)] == [
        "2026-03-17",
        "2026-03-24",
        "2026-04-07",
        "2026-04-14",
    ]


def test_a_cancelled_first_cancels_the_others_that_were_not_held(world):
    first = weekly(world)
    held = first.occurrences.order_by("starts_at").first()
    event_update(event=held, actor=None, status=Event.Status.HELD)

    event_update(event=first, actor=None, status=Event.Status.CANCELLED)

    assert [e.status for e in series_of(first)] == [
        Event.Status.CANCELLED,
        Event.Status.HELD,
        Event.Status.CANCELLED,
        Event.Status.CANCELLED,
    ]


def test_taking_the_rule_away_leaves_one_event(world):
    first = weekly(world)

    event_update(event=first, actor=None, recurrence_rule="")

    assert (Event.objects.count(), Event.objects.get().series_ends_at) == (1, None)


def test_an_all_day_series_is_whole_days(world):
    starts, ends = all_day_bounds(
        datetime.date(2026, 3, 28), datetime.date(2026, 3, 29), "Europe/Berlin"
    )
    first = weekly(world, rule="FREQ=DAILY;COUNT=3", starts=starts, ends=ends, all_day=True)
    event_update(event=first, actor=None, recurrence_rule="FREQ=DAILY;COUNT=2")

    spans = [(e.local_starts_at.isoformat(), e.local_ends_at.isoformat()) for e in series_of(first)]
    assert spans == [
        ("2026-03-28T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
        ("2026-03-29T00:00:00+01:00", "2026-03-31T00:00:00+02:00"),
    ]


def test_an_endless_rule_is_made_up_to_the_horizon_only(world):
    first = weekly(world, rule="FREQ=DAILY")

    assert 1 < len(series_of(first)) <= MAX_OCCURRENCES
    first.refresh_from_db()
    assert first.recurrence_rule == "FREQ=DAILY"


@pytest.mark.parametrize(
    "rule, message",
    [
        (
            "FREQ=DAILY;COUNT=501",
            f"This repetition gives more than {MAX_OCCURRENCES} dates: end it sooner, or make it "
            "two events.",
        ),
        ("FREQ=HOURLY;COUNT=3", "A repetition is daily, weekly, monthly or yearly."),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "No month has the day this repetition asks for."),
        ("FREQ=WEEKLY;BYHOUR=3", "Dostlik does not read these parts of a repetition: BYHOUR."),
        (
            "FREQ=WEEKLY;BYDAY=WE;COUNT=3",
            "The event's own date must be the first the repetition gives: choose its weekday "
            "among the days it repeats on, or start it on one of them.",
        ),
        (
            "FREQ=WEEKLY;COUNT=3;UNTIL=20270101T000000Z",
            "A repetition ends on a day or after a number of times, not both.",
        ),
    ],
)
def test_a_rule_that_cannot_be_used_is_refused_and_nothing_is_written(world, rule, message):
    with pytest.raises(ValidationError) as refused:
        weekly(world, rule=rule)

    assert refused.value.messages == [message]
    assert Event.objects.count() == 0


def test_each_occurrence_has_its_own_holiday_warning(world):
    """21 March is Navruz in Uzbekistan: only that Saturday of a weekly series is flagged."""
    starts = datetime.datetime(2026, 3, 14, 18, 0, tzinfo=TASHKENT)
    first = weekly(world, starts=starts, zone="Asia/Tashkent", rule="FREQ=WEEKLY;COUNT=3")
    events = list(Event.objects.select_related("country").order_by("starts_at"))

    warnings = warnings_for_events(events, reader=UserFactory(is_superuser=True))

    flagged = [f"{e.local_starts_at:%m-%d}" for e in events if warnings[e.pk]]
    assert (len(events), flagged) == (3, ["03-21"])
    assert first.pk == events[0].pk


def test_the_event_page_names_the_repetition_and_lists_the_dates(client, world):
    first = weekly(world, rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3")
    second = first.occurrences.order_by("starts_at").first()
    client.force_login(UserFactory(is_superuser=True))

    page = client.get(reverse("events:detail", args=[first.pk]))
    other = client.get(reverse("events:detail", args=[second.pk]))

    series = page.context["series"]
    assert (series.rule, series.count) == ("Every 2 weeks on Tuesday; 3 dates", 3)
    assert [e.pk for e in series.dates] == [first.pk, second.pk, series.dates[2].pk]
    assert other.context["series"].first == first
    assert f'href="{reverse("events:detail", args=[first.pk])}">its first date</a>' in (
        other.content.decode()
    )


@pytest.mark.parametrize(
    "rule, words",
    [
        ("FREQ=DAILY;COUNT=1", "Every day; 1 date"),
        ("FREQ=MONTHLY;UNTIL=20270301T185959Z", "Every month; until 1 March 2027"),
        ("FREQ=YEARLY", "Every year; without end"),
        ("FREQ=MONTHLY;BYMONTHDAY=13", "Every month; without end (FREQ=MONTHLY;BYMONTHDAY=13)"),
    ],
)
def test_a_rule_in_words(rule, words):
    assert describe(rule) == words


def test_an_endless_series_is_extended_as_the_days_pass(world):
    first = weekly(world, rule="FREQ=WEEKLY")
    made = first.occurrences.count() + 1

    assert event_series_extend(today=datetime.date(2027, 9, 1)) == 1

    last = Event.objects.order_by("-starts_at").first()
    assert first.occurrences.count() + 1 > made
    assert last.starts_at.date() >= datetime.date(2029, 8, 25)
    assert last.starts_at.date() <= datetime.date(2029, 9, 3)


def test_the_reports_count_each_date_held(world):
    """Two evenings of the film club took place: the year report counts two screenings held."""
    first = weekly(
        world, zone="Asia/Tashkent", starts=datetime.datetime(2026, 3, 17, 19, 0, tzinfo=TASHKENT)
    )
    for date in [first, first.occurrences.order_by("starts_at").first()]:
        event_update(event=date, actor=None, status=Event.Status.HELD)

    held = events_held_by_kind(
        user=UserFactory(is_superuser=True), filters=ReportFilters(year=2026)
    )

    assert held.overall == {Event.Kind.FILM_SCREENING: 2}
