"""Warnings, not walls: events at the same venue at the same time and events on a public holiday
of a country taking part are flagged, one event at a time and for a whole calendar at once; the
event form shows them and saves once they are acknowledged, never refusing the event."""

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from events.models import Event, Venue, all_day_bounds
from events.services import event_update
from events.warnings import EventWarning, event_warnings, warnings_digest, warnings_for_events
from institutions.models import Country, Institution
from programmes.models import Partnership, Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    PartnershipFactory,
    ProgrammeFactory,
    VenueFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

# What a coordinator is told when an event of a submitted programme changes what is decided on.
NEW_VERSION = (
    "The event's dates, place, host or whether it goes ahead are part of what the national "
    "coordinators decide on: they decide on the programme's new version."
)

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


def clash(other: Event) -> EventWarning:
    """The warning of an event at ``other``'s venue while it runs."""
    return EventWarning(
        "overlap", f"“{other.title}” is at the same venue at the same time.", key=str(other.pk)
    )


REPUBLIC_DAY = EventWarning(
    "holiday",
    "25 October 2026 is a public holiday in Kazakhstan: Republic Day.",
    key="2026-10-25 KZ",
)


@dataclass
class World:
    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution
    programme: Programme
    palace: Venue
    kaznu_coordinator: User


@pytest.fixture
def world() -> World:
    """An active programme led by a Tashkent university with an Almaty partner, and a concert
    hall in Almaty."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    return World(
        uz=uz,
        kz=kz,
        uwed=uwed,
        kaznu=kaznu,
        programme=joint_programme(
            uz=uwed, kz=kaznu, title="Kazakhstan Education Days", status=Programme.Status.SUBMITTED
        ),
        palace=VenueFactory(name="Palace of the Republic", city="Almaty", country=kz),
        kaznu_coordinator=MembershipFactory(institution=kaznu).user,
    )


def almaty_event(world: World, day: datetime.date, start: int, end: int, **fields) -> Event:
    """An event of the programme at the Palace of the Republic, ``start`` to ``end`` o'clock."""
    return EventFactory(
        programme=world.programme,
        host_institution=world.kaznu,
        venue=world.palace,
        starts_at=datetime.datetime.combine(day, datetime.time(start), ALMATY),
        ends_at=datetime.datetime.combine(day, datetime.time(end), ALMATY),
        **fields,
    )


def warnings_at(
    world: World,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    venue: Venue | None = None,
    country: Country | None = None,
    programme: Programme | None = None,
    **options,
) -> list[EventWarning]:
    country = country or world.kz
    options.setdefault("reader", world.kaznu_coordinator)
    return event_warnings(
        programme=programme or world.programme,
        venue=venue,
        country=country,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=country.time_zone,
        **options,
    )


def stored_event_warnings(event: Event, reader: User) -> list[EventWarning]:
    """``event_warnings`` for an event as it is stored."""
    return event_warnings(
        reader=reader,
        programme=event.programme,
        venue=event.venue,
        country=event.country,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        status=event.status,
        exclude_pk=event.pk,
    )


OCTOBER_5 = datetime.date(2026, 10, 5)  # a Monday, a holiday in neither country


def at(day: datetime.date, hour: int, zone=ALMATY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), zone)


# ---------- one event ----------


def test_an_event_at_the_same_venue_at_the_same_time_is_flagged(world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")

    warnings = warnings_at(world, at(OCTOBER_5, 15), at(OCTOBER_5, 17), venue=world.palace)

    assert warnings == [clash(concert)]


def test_a_draft_the_reader_may_not_see_makes_no_warning(world):
    """Else the draft's times could be found by moving one's own event until the warning goes."""
    draft = joint_programme(
        uz=InstitutionFactory(country=world.uz),
        kz=InstitutionFactory(country=world.kz),
        title="Confidential festival",
    )
    EventFactory(
        programme=draft,
        host_institution=draft.partnerships.first().institution,
        venue=world.palace,
        title="Confidential festival opening",
        starts_at=at(OCTOBER_5, 14),
        ends_at=at(OCTOBER_5, 18),
    )

    warnings = warnings_at(world, at(OCTOBER_5, 15), at(OCTOBER_5, 17), venue=world.palace)

    assert warnings == []


def test_no_overlap_at_another_venue_back_to_back_or_with_a_cancelled_event(world):
    almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    almaty_event(world, OCTOBER_5, 18, 20, title="Cancelled recital", status="cancelled")
    other_hall = VenueFactory(name="Kazakh State Philharmonic", city="Almaty", country=world.kz)

    elsewhere = warnings_at(world, at(OCTOBER_5, 15), at(OCTOBER_5, 17), venue=other_hall)
    right_after = warnings_at(world, at(OCTOBER_5, 18), at(OCTOBER_5, 20), venue=world.palace)

    assert (elsewhere, right_after) == ([], [])


def test_a_cancelled_event_overlaps_nothing(world):
    almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")

    warnings = warnings_at(
        world, at(OCTOBER_5, 15), at(OCTOBER_5, 17), venue=world.palace, status="cancelled"
    )

    assert warnings == []


def test_an_event_being_edited_does_not_overlap_itself(world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")

    warnings = warnings_at(
        world, at(OCTOBER_5, 15), at(OCTOBER_5, 19), venue=world.palace, exclude_pk=concert.pk
    )

    assert warnings == []


def test_nowruz_is_flagged_for_both_countries_of_a_joint_programme(world):
    nowruz = datetime.date(2026, 3, 21)

    warnings = warnings_at(
        world, at(nowruz, 10, TASHKENT), at(nowruz, 12, TASHKENT), country=world.uz
    )

    assert warnings == [
        EventWarning(
            "holiday",
            "21 March 2026 is a public holiday in Kazakhstan: Nowruz Holiday.",
            key="2026-03-21 KZ",
        ),
        EventWarning(
            "holiday",
            "21 March 2026 is a public holiday in Uzbekistan: Nowruz.",
            key="2026-03-21 UZ",
        ),
    ]


def test_a_uz_holiday_is_flagged_for_an_almaty_event_of_a_programme_with_uz_partners(world):
    independence_day = datetime.date(2026, 9, 1)

    warnings = warnings_at(world, at(independence_day, 10), at(independence_day, 12))

    assert warnings == [
        EventWarning(
            "holiday",
            "1 September 2026 is a public holiday in Uzbekistan: Independence Day.",
            key="2026-09-01 UZ",
        )
    ]


def test_a_holiday_warning_names_the_country_and_the_day_in_the_readers_language(world):
    independence_day = datetime.date(2026, 9, 1)

    with translation.override("ru"):
        (warning,) = warnings_at(world, at(independence_day, 10), at(independence_day, 12))

    assert warning.message == (
        "1 сентября 2026 г. — государственный праздник (Узбекистан): День независимости."  # noqa: RUF001
    )


def test_a_kz_holiday_is_flagged_for_a_tashkent_event_of_a_programme_with_kz_partners(world):
    capital_day = datetime.date(2026, 7, 6)
    uz_only = ProgrammeFactory(title="Tashkent film week")
    PartnershipFactory(programme=uz_only, institution=world.uwed, role=Partnership.Role.LEAD)
    starts_at, ends_at = at(capital_day, 10, TASHKENT), at(capital_day, 12, TASHKENT)

    joint = warnings_at(world, starts_at, ends_at, country=world.uz)
    uzbek_only = warnings_at(world, starts_at, ends_at, country=world.uz, programme=uz_only)

    assert joint == [
        EventWarning(
            "holiday",
            "6 July 2026 is a public holiday in Kazakhstan: Capital Day.",
            key="2026-07-06 KZ",
        )
    ]
    assert uzbek_only == []


def test_an_ordinary_day_brings_no_warning(world):
    assert warnings_at(world, at(OCTOBER_5, 10), at(OCTOBER_5, 12), venue=world.palace) == []


def test_an_all_day_events_exclusive_end_does_not_touch_the_next_day(world):
    """An all-day event on 5 July ends at midnight starting 6 July, Capital Day: not on it."""
    starts_at, ends_at = all_day_bounds(
        datetime.date(2026, 7, 5), datetime.date(2026, 7, 5), "Asia/Almaty"
    )

    warnings = warnings_at(world, starts_at, ends_at)

    assert warnings == []


# ---------- many events at once ----------


def test_a_batch_gets_the_same_warnings_as_each_event_alone(world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    lecture = almaty_event(world, OCTOBER_5, 16, 19, title="Lecture on Abai")
    cancelled = almaty_event(world, OCTOBER_5, 15, 16, title="Recital", status="cancelled")
    republic_day = almaty_event(world, datetime.date(2026, 10, 25), 10, 12, title="Fair")
    ordinary = almaty_event(world, datetime.date(2026, 10, 6), 10, 12, title="Workshop")
    events = list(Event.objects.select_related("country", "programme", "venue"))

    found = warnings_for_events(events, reader=world.kaznu_coordinator)

    assert found == {
        event.pk: stored_event_warnings(event, world.kaznu_coordinator) for event in events
    }
    assert found == {
        concert.pk: [clash(lecture)],
        lecture.pk: [clash(concert)],
        cancelled.pk: [],
        republic_day.pk: [REPUBLIC_DAY],
        ordinary.pk: [],
    }


def test_a_batch_costs_as_many_queries_for_thirty_events_as_for_one(world):
    halls = [VenueFactory(city="Almaty", country=world.kz) for _ in range(3)]
    for number in range(30):
        other_programme = joint_programme(
            uz=InstitutionFactory(country=world.uz), kz=InstitutionFactory(country=world.kz)
        )
        EventFactory(
            programme=world.programme if number % 2 else other_programme,
            host_institution=world.kaznu,
            venue=halls[number % 3],
            starts_at=at(datetime.date(2026, 10, 1 + number % 28), 10),
            ends_at=at(datetime.date(2026, 10, 1 + number % 28), 12),
        )
    events = list(Event.objects.select_related("country"))

    with CaptureQueriesContext(connection) as for_one:
        one = warnings_for_events(events[:1], reader=world.kaznu_coordinator)
    with CaptureQueriesContext(connection) as for_thirty:
        thirty = warnings_for_events(events, reader=world.kaznu_coordinator)

    assert (len(one), len(thirty)) == (1, 30)
    assert len(for_one.captured_queries) == len(for_thirty.captured_queries) == 3


def test_the_digest_follows_the_warnings():
    concert = EventWarning("overlap", "“Dombra concert” is at the same venue…", key="7")
    assert warnings_digest([REPUBLIC_DAY]) == warnings_digest([REPUBLIC_DAY])
    assert warnings_digest([REPUBLIC_DAY]) != warnings_digest([concert])
    assert warnings_digest([REPUBLIC_DAY]) != warnings_digest([REPUBLIC_DAY, REPUBLIC_DAY])


# ---------- the event form ----------


def add_url(programme: Programme) -> str:
    return f"{reverse('events:create')}?programme={programme.pk}"


def new_event_data(world: World, **overrides) -> dict:
    """A lecture at the Palace of the Republic on 5 October 2026, 15:00 to 17:00 Almaty time."""
    return {
        "title": "Lecture on Abai",
        "description": "",
        "kind": Event.Kind.LECTURE,
        "status": Event.Status.PLANNED,
        "visibility": Event.Visibility.INTERNAL,
        "host_institution": world.kaznu.pk,
        "venue": world.palace.pk,
        "city": "",
        "country": "",
        "time_zone": "",
        "start_date": "2026-10-05",
        "start_time": "15:00",
        "end_date": "2026-10-05",
        "end_time": "17:00",
        "expected_attendance": "",
        "actual_attendance": "",
        "youth_attendance": "",
        **overrides,
    }


def acknowledged(warnings: list[EventWarning]) -> dict:
    """What ticking "save anyway" under ``warnings`` sends."""
    return {"acknowledge": "on", "warnings_digest": warnings_digest(warnings)}


def edit_form_data(client, event: Event, **overrides) -> dict:
    """The edit page's form as the browser would send it back, with ``overrides`` typed in."""
    form = client.get(reverse("events:edit", args=[event.pk])).context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.name] = "on"
            continue
        shown = None if value is None else bound.field.widget.format_value(value)
        data[bound.name] = "" if shown is None else shown
    return {**data, **overrides}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def shown_warnings(response) -> list[EventWarning]:
    return response.context["acknowledgement"].warnings


def test_an_overlapping_event_is_shown_again_with_its_warning_and_not_saved(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)

    response = client.post(add_url(world.programme), new_event_data(world))

    page = response.content.decode()
    assert response.status_code == 200
    assert list(Event.objects.all()) == [concert]
    assert shown_warnings(response) == [clash(concert)]
    assert "<li>“Dombra concert” is at the same venue at the same time.</li>" in page
    assert response.context["acknowledgement"]["warnings_digest"].value() == warnings_digest(
        [clash(concert)]
    )
    assert 'name="acknowledge"' in page
    assert messages_of(response) == []


def test_the_acknowledged_overlap_is_saved(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)

    response = client.post(
        add_url(world.programme),
        {**new_event_data(world), **acknowledged([clash(concert)])},
    )

    lecture = Event.objects.get(title="Lecture on Abai")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[lecture.pk])
    assert (lecture.venue, lecture.starts_at) == (world.palace, at(OCTOBER_5, 15))
    assert messages_of(response) == [
        "The event “Lecture on Abai” was added despite 1 acknowledged warning.",
        NEW_VERSION,
    ]


def test_ticking_the_box_before_seeing_any_warning_saves_nothing(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)

    response = client.post(add_url(world.programme), {**new_event_data(world), "acknowledge": "on"})

    assert response.status_code == 200
    assert shown_warnings(response) == [clash(concert)]
    assert Event.objects.filter(title="Lecture on Abai").count() == 0


def test_new_warnings_after_a_change_of_date_are_shown_again(client, world):
    """Acknowledged the overlap, then moved to Republic Day: that warning was never read."""
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    later = almaty_event(world, datetime.date(2026, 10, 25), 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)
    moved = new_event_data(world, start_date="2026-10-25", end_date="2026-10-25")

    response = client.post(add_url(world.programme), {**moved, **acknowledged([clash(concert)])})

    assert response.status_code == 200
    assert shown_warnings(response) == [clash(later), REPUBLIC_DAY]
    assert response.context["acknowledgement"]["acknowledge"].value() is None
    assert Event.objects.filter(title="Lecture on Abai").count() == 0


def test_an_event_without_warnings_is_saved_at_once(client, world):
    almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)

    response = client.post(
        add_url(world.programme),
        new_event_data(world, start_time="18:00", end_time="20:00"),
    )

    lecture = Event.objects.get(title="Lecture on Abai")
    assert response["Location"] == reverse("events:detail", args=[lecture.pk])
    assert lecture.starts_at == at(OCTOBER_5, 18)
    assert messages_of(response) == ["The event “Lecture on Abai” was added.", NEW_VERSION]


def test_an_edit_into_an_overlap_waits_for_the_acknowledgement(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    lecture = almaty_event(world, OCTOBER_5, 18, 20, title="Lecture on Abai")
    client.force_login(world.kaznu_coordinator)
    url = reverse("events:edit", args=[lecture.pk])
    earlier = edit_form_data(client, lecture, start_time="17:00")

    first = client.post(url, earlier)
    stored_after_first = Event.objects.get(pk=lecture.pk)
    second = client.post(url, {**earlier, **acknowledged([clash(concert)])})
    stored_after_second = Event.objects.get(pk=lecture.pk)

    assert (first.status_code, shown_warnings(first)) == (200, [clash(concert)])
    assert (stored_after_first.starts_at, stored_after_first.version) == (at(OCTOBER_5, 18), 1)
    assert second["Location"] == reverse("events:detail", args=[lecture.pk])
    assert (stored_after_second.starts_at, stored_after_second.version) == (
        at(OCTOBER_5, 17),
        2,
    )
    assert messages_of(second) == [
        "The event “Lecture on Abai” was saved despite 1 acknowledged warning.",
        NEW_VERSION,
    ]


def test_an_edit_that_only_overlaps_itself_is_saved_at_once(client, world):
    lecture = almaty_event(world, OCTOBER_5, 14, 18, title="Lecture on Abai")
    client.force_login(world.kaznu_coordinator)

    response = client.post(
        reverse("events:edit", args=[lecture.pk]),
        edit_form_data(client, lecture, end_time="19:00"),
    )

    stored = Event.objects.get(pk=lecture.pk)
    assert messages_of(response) == ["The event “Lecture on Abai” was saved.", NEW_VERSION]
    assert (stored.ends_at, stored.version) == (at(OCTOBER_5, 19), 2)


def test_a_stale_edit_is_refused_before_its_warnings(client, world):
    """Someone saved the lecture while it was being moved into the concert's hours: the
    conflict is shown, not the overlap, which would only lead to a refusal once acknowledged."""
    almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    lecture = almaty_event(world, OCTOBER_5, 18, 20, title="Lecture on Abai")
    client.force_login(world.kaznu_coordinator)
    data = edit_form_data(client, lecture, start_time="17:00")
    event_update(event=lecture, actor=None, expected_attendance=300)

    response = client.post(reverse("events:edit", args=[lecture.pk]), data)

    stored = Event.objects.get(pk=lecture.pk)
    assert response.status_code == 409
    assert [d.label for d in response.context["conflict"].differences] == [
        "Starts",
        "Expected attendance",
    ]
    assert response.context["acknowledgement"] is None
    assert (stored.starts_at, stored.expected_attendance, stored.version) == (
        at(OCTOBER_5, 18),
        300,
        2,
    )
