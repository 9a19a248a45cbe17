"""The iCalendar Dostlik writes, parsed back with ``icalendar`` as a calendar app would read it:
time zones, UIDs and sequences, all-day dates, the calendar's name and refresh interval, the
event's page, place and host; the stored blocks that keep unchanged events from being
serialised again, and what they ask of a change to the VEVENT; the validators of cheap polling;
and the Google Calendar and Outlook links."""

import datetime
import hashlib
import logging
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import translation

from calendars import ical
from calendars.models import VeventBlock
from calendars.vtimezones import vtimezone
from core.caching import content_changed
from events.models import Event, Venue, all_day_bounds
from events.selectors import event_list
from events.services import event_create, event_delete, event_update, venue_create
from institutions.models import Country, Institution
from programmes.models import Programme
from programmes.services import applying_an_amendment, programme_update
from tests.admin import post_change
from tests.calendars.reading import calendar_text
from tests.factories import CountryFactory, InstitutionFactory, UserFactory, joint_programme

pytestmark = pytest.mark.django_db

SITE_URL = "https://dostlik.example.org"
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Feed states live in the cache: each test starts without them. Stored VEVENTs
    (``VeventBlock``) are rows, rolled back after each test."""
    settings.SITE_URL = SITE_URL
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    gallery: Institution
    kaznu: Institution
    gallery_hall: Venue
    programme: Programme
    abay: Event  # all day, 19 and 20 December 2022, Tashkent
    lecture: Event  # timed, Tashkent
    concert: Event  # timed, Almaty


@pytest.fixture
def world() -> Iterator[World]:
    """An active programme and its events. Whatever a test changes in them, it changes as an
    amendment every country approved would: how a change reached an event is not the
    calendar's business."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    gallery = InstitutionFactory(name="Fine Arts Gallery of Uzbekistan", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    programme = joint_programme(
        uz=gallery,
        kz=kaznu,
        title="Abay. Heritage of Fraternal Peoples",
        status=Programme.Status.ACTIVE,
    )
    with applying_an_amendment(programme):
        yield _events_of(programme, gallery, kaznu, uz)


def _events_of(programme: Programme, gallery, kaznu, uz) -> World:
    hall = venue_create(
        name="Fine Arts Gallery of Uzbekistan", city="Tashkent", country=uz, institution=gallery
    )
    abay_starts, abay_ends = all_day_bounds(
        datetime.date(2022, 12, 19), datetime.date(2022, 12, 20), "Asia/Tashkent"
    )
    return World(
        gallery=gallery,
        kaznu=kaznu,
        gallery_hall=hall,
        programme=programme,
        abay=event_create(
            actor=None,
            programme=programme,
            title="Abay. Heritage of Fraternal Peoples",
            kind=Event.Kind.EXHIBITION,
            host_institution=gallery,
            venue=hall,
            starts_at=abay_starts,
            ends_at=abay_ends,
            all_day=True,
            visibility=Event.Visibility.PUBLIC,
            description="Exhibition on the Kazakh poet and thinker Abay Kunanbayev.",
        ),
        lecture=event_create(
            actor=None,
            programme=programme,
            title="Abay and Navoi: a lecture",
            kind=Event.Kind.LECTURE,
            host_institution=gallery,
            starts_at=datetime.datetime(2026, 10, 6, 15, 0, tzinfo=TASHKENT),
            ends_at=datetime.datetime(2026, 10, 6, 17, 0, tzinfo=TASHKENT),
        ),
        concert=event_create(
            actor=None,
            programme=programme,
            title="Dombra & doira: “Two rivers”",
            kind=Event.Kind.CONCERT,
            host_institution=kaznu,
            starts_at=datetime.datetime(2026, 10, 5, 14, 0, tzinfo=ALMATY),
            ends_at=datetime.datetime(2026, 10, 5, 16, 30, tzinfo=ALMATY),
            visibility=Event.Visibility.PUBLIC,
        ),
    )


def selected(*events: Event) -> QuerySet[Event]:
    """The events as a feed reads them: through the selector, as a queryset."""
    admin = UserFactory(is_superuser=True)
    return event_list(user=admin).filter(pk__in=[event.pk for event in events])


def loaded(*events: Event) -> list[Event]:
    """The events as one event's or one programme's file has them: loaded, with what a VEVENT
    shows."""
    return list(selected(*events))


def parse(*events: Event, name: str = "Dostlik — shared calendar") -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ical.calendar_bytes(loaded(*events), name=name))


def vevent_lines(raw: str, *names: str) -> list[str]:
    """The content lines of the VEVENTs in ``raw`` that set one of ``names``."""
    lines = raw.split("\r\n")
    inside = lines[lines.index("BEGIN:VEVENT") :]
    return [line for line in inside if line.split(";")[0].split(":")[0] in names]


def vevent_of(calendar: icalendar.Calendar, event: Event) -> icalendar.Event:
    (component,) = [c for c in calendar.walk("VEVENT") if str(c["UID"]) == event.uid]
    return component


def tzids_used(calendar: icalendar.Calendar) -> set[str]:
    return {
        component[name].params["TZID"]
        for component in calendar.walk("VEVENT")
        for name in ("DTSTART", "DTEND")
        if "TZID" in component[name].params
    }


# ---------- time zones and dates ----------


def test_every_tzid_used_has_exactly_one_vtimezone(world):
    calendar = parse(world.abay, world.lecture, world.concert)

    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    assert sorted(zones) == ["Asia/Almaty", "Asia/Tashkent"]
    assert tzids_used(calendar) == {"Asia/Almaty", "Asia/Tashkent"}


def test_a_calendar_of_all_day_events_only_has_no_vtimezone(world):
    calendar = parse(world.abay)

    assert calendar.walk("VTIMEZONE") == []
    assert tzids_used(calendar) == set()


def test_an_all_day_event_is_dates_with_an_exclusive_end(world):
    """19 and 20 December 2022: DTSTART the 19th, DTEND the 21st, as DATE values."""
    raw = ical.calendar_bytes(loaded(world.abay), name="Abay").decode()
    component = vevent_of(icalendar.Calendar.from_ical(raw), world.abay)

    assert vevent_lines(raw, "DTSTART", "DTEND") == [
        "DTSTART;VALUE=DATE:20221219",
        "DTEND;VALUE=DATE:20221221",
    ]
    assert component["DTSTART"].dt == datetime.date(2022, 12, 19)
    assert component["DTEND"].dt == datetime.date(2022, 12, 21)
    assert type(component["DTSTART"].dt) is datetime.date
    assert str(component["TRANSP"]) == "TRANSPARENT"


def test_a_timed_event_is_written_in_its_own_zone_and_is_the_stored_instant(world):
    raw = ical.calendar_bytes(loaded(world.concert), name="Concert").decode()
    calendar = icalendar.Calendar.from_ical(raw)
    component = vevent_of(calendar, world.concert)

    # Almaty has been UTC+5 since 1 March 2024: 14:00 there is 09:00 UTC.
    assert vevent_lines(raw, "DTSTART", "DTEND") == [
        "DTSTART;TZID=Asia/Almaty:20261005T140000",
        "DTEND;TZID=Asia/Almaty:20261005T163000",
    ]
    assert component["DTSTART"].dt == world.concert.starts_at
    assert component["DTEND"].dt == world.concert.ends_at
    assert component["DTSTART"].dt.astimezone(UTC) == datetime.datetime(2026, 10, 5, 9, tzinfo=UTC)


def test_the_vtimezone_alone_gives_the_stored_instant(world):
    """A calendar app without a time zone database reads the offsets from the VTIMEZONE."""
    calendar = parse(world.concert, world.lecture)
    written = {
        str(zone["TZID"]): zone.to_tz(lookup_tzid=False) for zone in calendar.walk("VTIMEZONE")
    }

    for event in (world.concert, world.lecture):
        local = event.local_starts_at.replace(tzinfo=None)
        assert local.replace(tzinfo=written[event.time_zone]) == event.starts_at


def _moved(event: Event, *, zone: str, starts: datetime.datetime) -> Event:
    local = zoneinfo.ZoneInfo(zone)
    return event_update(
        event=event,
        actor=None,
        time_zone=zone,
        starts_at=starts.replace(tzinfo=local),
        ends_at=(starts + datetime.timedelta(hours=2)).replace(tzinfo=local),
    )


@pytest.mark.parametrize(
    "zone, starts",
    [
        ("Europe/Berlin", datetime.datetime(2045, 7, 1, 19, 0)),
        ("Europe/Berlin", datetime.datetime(1965, 7, 1, 19, 0)),
        ("Australia/Lord_Howe", datetime.datetime(2026, 12, 1, 19, 0)),
        ("America/New_York", datetime.datetime(2026, 3, 8, 12, 0)),
    ],
)
def test_a_vtimezone_spans_its_events_with_one_rdate_per_line(world, zone, starts):
    """ical.js and vobject read only the first of comma-separated RDATE values, and a
    definition that stops before an event's year leaves it to each parser's guess."""
    event = _moved(world.concert, zone=zone, starts=starts)
    raw = ical.calendar_bytes(loaded(event), name="Far")
    calendar = icalendar.Calendar.from_ical(raw)
    (definition,) = calendar.walk("VTIMEZONE")
    tz = definition.to_tz(lookup_tzid=False)

    assert b"RDATE:" not in raw or all(
        b"," not in line for line in raw.split(b"\r\n") if line.startswith(b"RDATE")
    )
    assert starts.replace(tzinfo=tz) == event.starts_at
    assert (starts + datetime.timedelta(hours=2)).replace(tzinfo=tz) == event.ends_at


@pytest.mark.parametrize(
    ("zone", "rules"),
    [
        (
            "Europe/Berlin",
            ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"],
        ),
        (
            "America/New_York",
            ["FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"],
        ),
        (
            "Asia/Jerusalem",
            [
                "FREQ=YEARLY;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29;BYMONTH=3",
                "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            ],
        ),
        ("Asia/Tashkent", []),
        ("Africa/Casablanca", []),  # its changes follow Ramadan: listed only
    ],
)
def test_a_vtimezone_goes_on_by_the_zones_yearly_rules(zone, rules):
    """After the changes listed for a calendar's years, the zone's summer time goes on by
    yearly rules, so an endless series reads right decades ahead (where the rules repeat)."""
    raw = vtimezone(zone, 2026, 2026)
    definition = icalendar.Timezone.from_ical(raw)
    tz = definition.to_tz(lookup_tzid=False)
    zone_info = zoneinfo.ZoneInfo(zone)
    months = [datetime.datetime(year, month, 15, 12) for year in (2030, 2055) for month in (1, 7)]

    assert [
        observance["RRULE"].to_ical().decode()
        for observance in definition.subcomponents
        if "RRULE" in observance
    ] == rules
    if rules:
        assert [m.replace(tzinfo=tz).utcoffset() for m in months] == [
            m.replace(tzinfo=zone_info).utcoffset() for m in months
        ]


def test_a_zone_written_as_utc_has_no_vtimezone(world):
    event = _moved(world.concert, zone="UTC", starts=datetime.datetime(2026, 10, 5, 9, 0))
    raw = ical.calendar_bytes(loaded(event), name="UTC")

    assert icalendar.Calendar.from_ical(raw).walk("VTIMEZONE") == []
    assert b"\r\nDTSTART:20261005T090000Z\r\n" in raw


# ---------- identity and changes ----------


def test_the_location_names_the_country_in_the_calendars_language(world):
    with translation.override("ru"):
        russian = vevent_of(parse(world.concert), world.concert)
    english = vevent_of(parse(world.concert), world.concert)

    assert (str(russian["LOCATION"]), str(english["LOCATION"])) == (
        "Almaty, Казахстан",
        "Almaty, Kazakhstan",
    )


def test_the_uid_is_stable_and_the_sequence_rises_with_each_change(world):
    before = vevent_of(parse(world.concert), world.concert)
    again = vevent_of(parse(world.concert), world.concert)
    event_update(event=world.concert, actor=None, title="Two rivers: a dombra concert")
    retitled = vevent_of(parse(world.concert), world.concert)
    event_update(
        event=world.concert,
        actor=None,
        starts_at=datetime.datetime(2026, 10, 5, 18, 0, tzinfo=ALMATY),
        ends_at=datetime.datetime(2026, 10, 5, 20, 0, tzinfo=ALMATY),
    )
    moved = vevent_of(parse(world.concert), world.concert)

    assert [str(c["UID"]) for c in (before, again, retitled, moved)] == [world.concert.uid] * 4
    assert [c["SEQUENCE"] for c in (before, again, retitled, moved)] == [0, 0, 1, 2]
    assert str(retitled["SUMMARY"]) == "Two rivers: a dombra concert"
    assert moved["DTSTART"].dt == datetime.datetime(2026, 10, 5, 18, 0, tzinfo=ALMATY)


def _revision(event: Event) -> tuple[int, datetime.datetime, str]:
    """SEQUENCE, the moment LAST-MODIFIED and DTSTAMP give (to the second) and DESCRIPTION."""
    event.refresh_from_db()
    component = vevent_of(parse(event), event)
    return component["SEQUENCE"], event.updated_at, str(component["DESCRIPTION"])


def test_renaming_the_programme_is_a_new_revision_of_its_events(world, client):
    before = _revision(world.lecture)
    programme_update(
        programme=world.programme,
        actor=None,
        version=world.programme.version,
        title="Abay and Navoi",
    )
    after = _revision(world.lecture)

    assert after[0] == before[0] + 1
    assert after[1] > before[1]
    assert (before[2].count("Abay. Heritage"), after[2].count("Abay and Navoi ·")) == (1, 1)


def test_renaming_the_host_or_country_in_the_admin_is_a_new_revision(world, admin_client):
    lecture, concert = _revision(world.lecture), _revision(world.concert)
    post_change(admin_client, world.gallery, name="State Fine Arts Gallery")
    post_change(admin_client, world.concert.country, name="Qazaqstan")

    assert [_revision(world.lecture)[0], _revision(world.concert)[0]] == [
        lecture[0] + 1,
        concert[0] + 1,
    ]
    assert str(vevent_of(parse(world.concert), world.concert)["LOCATION"]) == "Almaty, Qazaqstan"


def test_dtstamp_created_and_last_modified_are_the_events_own_moments(world):
    """iCalendar counts whole seconds, in UTC."""
    component = vevent_of(parse(world.lecture), world.lecture)
    updated_at = world.lecture.updated_at.replace(microsecond=0)

    assert component["DTSTAMP"].dt == updated_at
    assert component["DTSTAMP"].dt.utcoffset() == datetime.timedelta(0)
    assert component["CREATED"].dt == world.lecture.created_at.replace(microsecond=0)
    assert component["LAST-MODIFIED"].dt == updated_at


def test_a_cancelled_event_stays_in_the_calendar_as_cancelled(world):
    event_update(event=world.lecture, actor=None, status=Event.Status.CANCELLED)
    calendar = parse(world.lecture, world.concert)

    statuses = {str(c["UID"]): str(c["STATUS"]) for c in calendar.walk("VEVENT")}
    assert statuses == {world.lecture.uid: "CANCELLED", world.concert.uid: "TENTATIVE"}
    assert vevent_of(calendar, world.lecture)["SEQUENCE"] == 1


def test_the_calendar_names_itself_and_asks_to_be_refreshed_hourly(world):
    raw = ical.calendar_bytes(
        loaded(world.abay), name="Dostlik — shared calendar", description="Joint programmes"
    )
    calendar = icalendar.Calendar.from_ical(raw)

    assert calendar_text(calendar, "X-WR-CALNAME") == "Dostlik — shared calendar"
    assert calendar_text(calendar, "NAME") == "Dostlik — shared calendar"
    assert calendar_text(calendar, "X-WR-CALDESC") == "Joint programmes"
    assert calendar["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=1)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in raw
    assert str(calendar["VERSION"]) == "2.0"
    # PUBLISH would ask for an ORGANIZER in every event (RFC 5546), which a shared calendar
    # has none to name.
    assert "METHOD" not in calendar
    assert str(calendar["PRODID"]) == ical.PRODID


def test_names_and_descriptions_are_escaped_text(world):
    name = "Uzbekistan, Concert; a\\b"
    description = "First line\nsecond, with; all"
    raw = ical.calendar_bytes(loaded(world.abay), name=name, description=description)
    calendar = icalendar.Calendar.from_ical(raw)

    assert b"\r\nX-WR-CALNAME:Uzbekistan\\, Concert\\; a\\\\b\r\n" in raw
    assert [calendar_text(calendar, key) for key in ("NAME", "X-WR-CALNAME")] == [name, name]
    assert [calendar_text(calendar, key) for key in ("DESCRIPTION", "X-WR-CALDESC")] == [
        description,
        description,
    ]


def test_an_internal_event_links_the_desk_page_behind_sign_in(world):
    component = vevent_of(parse(world.lecture), world.lecture)

    assert str(component["URL"]) == f"{SITE_URL}/events/{world.lecture.pk}/"


def test_an_event_links_its_page_and_names_its_place_and_host(world):
    component = vevent_of(parse(world.abay), world.abay)

    page = f"{SITE_URL}/public/events/{world.abay.pk}/"
    assert str(component["URL"]) == page
    assert ical.event_url(world.abay) == page
    assert str(component["LOCATION"]) == ("Fine Arts Gallery of Uzbekistan, Tashkent, Uzbekistan")
    assert str(component["CONTACT"]) == "Fine Arts Gallery of Uzbekistan"
    assert str(component["DESCRIPTION"]) == (
        "Exhibition on the Kazakh poet and thinker Abay Kunanbayev.\n\n"
        "Abay. Heritage of Fraternal Peoples · Fine Arts Gallery of Uzbekistan\n\n"
        f"{page}"
    )
    assert component["CATEGORIES"].cats == ["Exhibition"]
    assert str(component["CLASS"]) == "PUBLIC"
    assert {name: str(component[name]) for name in component if name.startswith("X-DOSTLIK-")} == {
        "X-DOSTLIK-KIND": "exhibition",
        "X-DOSTLIK-STATUS": world.abay.status,
        "X-DOSTLIK-HOST": "Fine Arts Gallery of Uzbekistan",
        "X-DOSTLIK-VENUE": "Fine Arts Gallery of Uzbekistan",
        "X-DOSTLIK-CITY": "Tashkent",
        "X-DOSTLIK-COUNTRY": "UZ",
    }


def test_an_event_without_a_venue_is_placed_in_its_city(world):
    component = vevent_of(parse(world.concert), world.concert)

    assert str(component["LOCATION"]) == "Almaty, Kazakhstan"
    assert str(component["CONTACT"]) == "Al-Farabi Kazakh National University"
    assert "X-DOSTLIK-VENUE" not in component
    assert (str(component["X-DOSTLIK-CITY"]), str(component["X-DOSTLIK-COUNTRY"])) == (
        "Almaty",
        "KZ",
    )


def test_an_internal_event_is_private(world):
    assert str(vevent_of(parse(world.lecture), world.lecture)["CLASS"]) == "PRIVATE"


# ---------- serialised once per version, stored ----------


@pytest.fixture
def serialised(monkeypatch) -> list[int]:
    """The pks of the events ``vevent`` is called for, in order; the real ``vevent`` runs."""
    calls = []
    real_vevent = ical.vevent

    def counting_vevent(event):
        calls.append(event.pk)
        return real_vevent(event)

    monkeypatch.setattr(ical, "vevent", counting_vevent)
    return calls


def stored(*events: Event) -> dict[int, list[str]]:
    """The languages each event's VEVENT is stored in."""
    found = {event.pk: [] for event in events}
    rows = VeventBlock.objects.filter(event__in=events).order_by("event", "language")
    for event_pk, language in rows.values_list("event", "language"):
        found[event_pk].append(language)
    return found


def test_a_second_render_of_unchanged_events_serialises_none_of_them(world, serialised):
    """Not even after the cache was emptied, as a deploy or a flush of Redis empties it: the
    blocks are stored in the database."""
    events = (world.abay, world.lecture, world.concert)
    first = ical.calendar_bytes(selected(*events), name="All")
    assert sorted(serialised) == sorted(event.pk for event in events)

    serialised.clear()
    cache.clear()
    second = ical.calendar_bytes(selected(*events), name="All")

    assert serialised == []
    assert second == first


def test_after_a_change_only_the_changed_event_is_serialised_again(world, serialised):
    events = (world.abay, world.lecture, world.concert)
    ical.calendar_bytes(selected(*events), name="All")
    serialised.clear()

    event_update(event=world.lecture, actor=None, description="With readings in two languages.")
    calendar = icalendar.Calendar.from_ical(ical.calendar_bytes(selected(*events), name="All"))

    assert serialised == [world.lecture.pk]
    assert vevent_of(calendar, world.lecture)["SEQUENCE"] == 1


def test_an_update_typed_by_hand_gives_a_new_block(world, serialised):
    """SQL typed by hand moves no version and leaves the cache alone: the digest of what the
    event shows, which the database computes, still names another block."""
    ical.calendar_bytes(selected(world.lecture, world.concert), name="All")
    serialised.clear()

    Event.objects.filter(pk=world.lecture.pk).update(title="Abay and Navoi")
    calendar = icalendar.Calendar.from_ical(
        ical.calendar_bytes(selected(world.lecture, world.concert), name="All")
    )

    assert serialised == [world.lecture.pk]
    assert str(vevent_of(calendar, world.lecture)["SUMMARY"]) == "Abay and Navoi"


def test_renaming_the_host_serialises_its_events_again(world, serialised):
    """The host's name is on another row than the event: its change still reaches the feed."""
    ical.calendar_bytes(selected(world.lecture, world.concert), name="All")
    serialised.clear()

    Institution.objects.filter(pk=world.kaznu.pk).update(name="Al-Farabi University")
    calendar = icalendar.Calendar.from_ical(
        ical.calendar_bytes(selected(world.lecture, world.concert), name="All")
    )

    assert serialised == [world.concert.pk]
    assert str(vevent_of(calendar, world.concert)["CONTACT"]) == "Al-Farabi University"


def test_an_event_keeps_one_block_per_language_whatever_changes(world):
    """A new version replaces the block of the old one, so versions do not pile up; each
    language has a block of its own."""
    events = (world.lecture, world.concert)
    ical.calendar_bytes(selected(*events), name="All")
    event_update(event=world.lecture, actor=None, title="Abay and Navoi")
    ical.calendar_bytes(selected(*events), name="All")
    with translation.override("ru"):
        ical.calendar_bytes(selected(*events), name="All")

    assert stored(*events) == {world.lecture.pk: ["en", "ru"], world.concert.pk: ["en", "ru"]}
    english = VeventBlock.objects.get(event=world.lecture, language="en")
    assert english.text.encode() == ical.vevent(loaded(world.lecture)[0]).to_ical()


def test_a_block_of_another_format_or_site_address_is_made_again(
    world, serialised, settings, monkeypatch
):
    ical.calendar_bytes(selected(world.concert), name="All")
    serialised.clear()

    settings.SITE_URL = "https://calendar.example.org"
    moved = icalendar.Calendar.from_ical(ical.calendar_bytes(selected(world.concert), name="All"))
    monkeypatch.setattr(ical, "_VEVENT_FORMAT", ical._VEVENT_FORMAT + 1)
    ical.calendar_bytes(selected(world.concert), name="All")

    assert serialised == [world.concert.pk, world.concert.pk]
    assert str(vevent_of(moved, world.concert)["URL"]) == ical.event_url(loaded(world.concert)[0])
    assert stored(world.concert) == {world.concert.pk: ["en"]}


def test_an_events_blocks_go_with_it(world):
    ical.calendar_bytes(selected(world.lecture, world.concert), name="All")

    event_delete(event=world.lecture, actor=None)

    blocks = VeventBlock.objects.order_by("event", "language").values_list("event", "language")
    assert list(blocks) == [(world.concert.pk, "en")]


def test_a_fetch_cut_short_leaves_the_batches_it_stored(world, serialised, monkeypatch):
    """Events are loaded, serialised and stored a batch at a time: a first fetch of a large
    feed that a worker's timeout cuts short leaves the batches it finished to the next."""
    events = (world.abay, world.lecture, world.concert)
    first, second, third = sorted(event.pk for event in events)
    monkeypatch.setattr(ical, "_STORE_BATCH", 2)
    serialising = ical.vevent

    def timed_out_at_the_third(event):
        if event.pk == third:
            raise TimeoutError
        return serialising(event)

    monkeypatch.setattr(ical, "vevent", timed_out_at_the_third)
    with pytest.raises(TimeoutError):
        ical.calendar_bytes(selected(*events), name="All")
    monkeypatch.setattr(ical, "vevent", serialising)
    serialised.clear()
    ical.calendar_bytes(selected(*events), name="All")

    assert serialised == [third]
    assert stored(*events) == {first: ["en"], second: ["en"], third: ["en"]}


@contextmanager
def database_refusing_blocks() -> Iterator[None]:
    """The database refuses to store a VEVENT, as a full disk or a cancelled statement would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_block() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_block BEFORE INSERT ON calendars_veventblock "
                "FOR EACH ROW EXECUTE FUNCTION refuse_block()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_block BEFORE INSERT ON calendars_veventblock "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER refuse_block ON calendars_veventblock")
            cursor.execute("DROP FUNCTION refuse_block()")
        else:
            cursor.execute("DROP TRIGGER refuse_block")


def test_blocks_the_database_refuses_to_store_fail_nothing(world, serialised, caplog):
    """The calendar is made all the same, the transaction it is made in goes on, and the next
    calendar serialises the events again, and stores them."""
    events = (world.lecture, world.concert)
    with database_refusing_blocks(), caplog.at_level(logging.WARNING, logger="calendars.ical"):
        refused = ical.calendar_bytes(selected(*events), name="All")

    assert stored(*events) == {world.lecture.pk: [], world.concert.pk: []}
    assert [record.getMessage() for record in caplog.records] == [
        "Serialised events not stored; they are serialised again"
    ]
    serialised.clear()
    again = ical.calendar_bytes(selected(*events), name="All")
    assert again == refused
    assert sorted(serialised) == sorted(event.pk for event in events)
    assert stored(*events) == {world.lecture.pk: ["en"], world.concert.pk: ["en"]}


# ---------- what the stored blocks ask of a change to the VEVENT ----------
#
# A stored block is made again only when its key changes, and it outlasts deploys. So whatever
# a VEVENT shows must be in its key: every column ``vevent`` reads, in ``_SHOWN_FIELDS`` (the
# database's digest), and the way ``vevent`` writes them, in ``_VEVENT_FORMAT``.


def columns_read_by_vevent(event: Event) -> set[str]:
    """The columns ``vevent`` reads of ``event`` and of the rows it names, named as
    ``_SHOWN_FIELDS`` names them. Every column is deferred, so each is loaded when first read:
    what is no longer deferred afterwards was read."""
    row = Event.objects.only("pk").get(pk=event.pk)
    named = {}
    for field in Event._meta.concrete_fields:
        if field.is_relation:
            pk = getattr(event, field.attname)
            model = field.related_model
            named[field.name] = None if pk is None else model.objects.only("pk").get(pk=pk)
            setattr(row, field.name, named[field.name])
    ical.vevent(row).to_ical()

    def read(instance) -> set[str]:
        columns = {field.attname for field in instance._meta.concrete_fields}
        return columns - instance.get_deferred_fields() - {instance._meta.pk.attname}

    relations = {field.attname for field in Event._meta.concrete_fields if field.is_relation}
    columns = read(row) - relations
    for name, instance in named.items():
        if instance is not None:
            columns |= {f"{name}__{column}" for column in read(instance)}
    return columns


def test_every_column_a_vevent_reads_is_in_its_key_and_nothing_else(world):
    """A column read but not digested: a change to it would never reach a stored block. A
    column digested but never read: a branch of ``vevent`` these events miss (add one that
    takes it), or a column the key need not hold."""
    first = event_create(
        actor=None,
        programme=world.programme,
        title="Film club",
        kind=Event.Kind.FILM_SCREENING,
        host_institution=world.gallery,
        starts_at=datetime.datetime(2026, 10, 6, 19, 0, tzinfo=TASHKENT),
        ends_at=datetime.datetime(2026, 10, 6, 21, 0, tzinfo=TASHKENT),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
    )
    moved, left_out = first.occurrences.order_by("starts_at")
    event_delete(event=left_out, actor=None)
    moved = event_update(event=moved, actor=None, title="Film club: a guest")
    # All day or timed, with a venue or not; the first date of a series, one changed on its own.
    events = (world.abay, world.lecture, world.concert, first, moved)

    read = set().union(*(columns_read_by_vevent(event) for event in events))

    assert sorted(read) == sorted(ical._SHOWN_FIELDS)


# What ``vevent`` writes of ``fixed_events()`` in each ``_VEVENT_FORMAT``, as a SHA-256 of the
# bytes. Writing a VEVENT differently (another property, another order, another escaping, an
# upgrade of icalendar that folds lines otherwise) makes a new format: raise ``_VEVENT_FORMAT``
# and add its digest here, so that blocks stored in the old one are made again. Never change a
# digest: it is what the blocks stored in its format hold.
WRITTEN_IN_FORMAT = {
    5: "233122ba57108f884ad3aebbf0442812aa124ae142f7e49ac6ac9867809816b8",
    # The country of LOCATION in the language of the calendar: the same bytes in English.
    6: "233122ba57108f884ad3aebbf0442812aa124ae142f7e49ac6ac9867809816b8",
}


def fixed_events() -> list[Event]:
    """A timed event and an all-day one, held in memory with every column fixed, so that they
    are written alike on every run and every database."""
    uz = Country(pk=1, code="UZ", name="Uzbekistan", time_zone="Asia/Tashkent")
    gallery = Institution(pk=1, name="Fine Arts Gallery of Uzbekistan", country=uz)
    hall = Venue(pk=1, name="Gallery hall", city="Tashkent", country=uz, institution=gallery)
    programme = Programme(
        pk=1, title="Abay. Heritage of Fraternal Peoples", status=Programme.Status.ACTIVE
    )
    created = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    alike = {
        "programme": programme,
        "host_institution": gallery,
        "city": "Tashkent",
        "country": uz,
        "time_zone": "Asia/Tashkent",
        "created_at": created,
        "updated_at": created + datetime.timedelta(days=2, seconds=7),
        "sequence": 2,
    }
    first_day, last_day = all_day_bounds(
        datetime.date(2026, 12, 19), datetime.date(2026, 12, 20), "Asia/Tashkent"
    )
    return [
        Event(
            pk=41,
            uid="written-concert@dostlik",
            title="Dombra & doira: “Two rivers”; a concert long enough to fold over two lines",
            description="An evening of two rivers.\nWith words, commas; and semicolons.",
            kind=Event.Kind.CONCERT,
            status=Event.Status.CONFIRMED,
            visibility=Event.Visibility.PUBLIC,
            venue=hall,
            all_day=False,
            starts_at=datetime.datetime(2026, 10, 5, 19, 0, tzinfo=TASHKENT),
            ends_at=datetime.datetime(2026, 10, 5, 21, 30, tzinfo=TASHKENT),
            **alike,
        ),
        Event(
            pk=42,
            uid="written-exhibition@dostlik",
            title="Abay",
            kind=Event.Kind.EXHIBITION,
            status=Event.Status.PLANNED,
            visibility=Event.Visibility.INTERNAL,
            all_day=True,
            starts_at=first_day,
            ends_at=last_day,
            **alike,
        ),
    ]


def test_a_vevent_written_differently_is_a_new_format():
    written = b"".join(ical.vevent(event).to_ical() for event in fixed_events())
    digest = hashlib.sha256(written).hexdigest()

    assert (max(WRITTEN_IN_FORMAT), WRITTEN_IN_FORMAT.get(ical._VEVENT_FORMAT)) == (
        ical._VEVENT_FORMAT,
        digest,
    ), (
        "A VEVENT written differently is a new format: raise _VEVENT_FORMAT (calendars/ical.py) "
        f"and add its digest, {digest!r}, to WRITTEN_IN_FORMAT. Written now:\n" + written.decode()
    )


# ---------- validators for cheap polling ----------


def programme_events(world: World):
    admin = UserFactory(is_superuser=True)
    return event_list(user=admin).filter(programme=world.programme)


def test_a_queryset_is_the_same_calendar_as_its_loaded_events(world):
    events = (world.abay, world.lecture, world.concert)

    from_queryset = ical.calendar_bytes(programme_events(world), name="All")
    cache.clear()
    from_loaded = ical.calendar_bytes(loaded(*events), name="All")

    assert from_queryset == from_loaded


def test_a_queryset_loads_only_the_events_not_stored(world, serialised, django_assert_num_queries):
    ical.calendar_bytes(programme_events(world), name="All")
    serialised.clear()
    event_update(event=world.lecture, actor=None, description="With readings in two languages.")
    events = programme_events(world)

    # Every event's key with its stored block, then the one event whose block is not current,
    # and its new block stored (in a savepoint: SAVEPOINT, INSERT, RELEASE).
    with django_assert_num_queries(5):
        calendar = icalendar.Calendar.from_ical(ical.calendar_bytes(events, name="All"))

    assert serialised == [world.lecture.pk]
    assert vevent_of(calendar, world.lecture)["SEQUENCE"] == 1
    assert sorted(str(c["UID"]) for c in calendar.walk("VEVENT")) == sorted(
        event.uid for event in (world.abay, world.lecture, world.concert)
    )


def feed_of(world: World) -> bytes:
    return ical.calendar_bytes(programme_events(world), name="All")


def test_a_feed_is_made_again_after_an_edit_and_after_a_host_is_renamed(world):
    feed_of(world)

    event_update(event=world.lecture, actor=None, title="Abay and Navoi")
    edited = icalendar.Calendar.from_ical(feed_of(world))
    etag_before = ical.feed_validators(programme_events(world), cache_key="feed 1")[0]
    world.kaznu.name = "Al-Farabi University"
    world.kaznu.save()
    content_changed()  # as the admin does on every write (core.admin)
    renamed = icalendar.Calendar.from_ical(feed_of(world))

    assert str(vevent_of(edited, world.lecture)["SUMMARY"]) == "Abay and Navoi"
    assert str(vevent_of(renamed, world.concert)["CONTACT"]) == "Al-Farabi University"
    # The host's name is part of the ETag: a calendar app holding the old one gets the new.
    assert ical.feed_validators(programme_events(world), cache_key="feed 1")[0] != etag_before


def test_text_moved_from_one_field_to_the_next_changes_the_etag(world):
    """SQL typed by hand that moves a word from the title to the description, moving no
    version: the feed shows something else, so its ETag must be another."""
    Event.objects.filter(pk=world.lecture.pk).update(title="Concert|", description="Abay")
    before = ical.feed_validators(programme_events(world), cache_key="feed 1")[0]
    Event.objects.filter(pk=world.lecture.pk).update(title="Concert", description="|Abay")
    content_changed()

    assert ical.feed_validators(programme_events(world), cache_key="feed 1")[0] != before


def test_validators_stay_while_nothing_changes(world):
    first = ical.feed_validators(programme_events(world), cache_key="feed 1")
    second = ical.feed_validators(programme_events(world), cache_key="feed 1")

    assert second == first


def test_validators_change_with_an_edit_and_with_the_cache_key(world):
    etag, last_modified = ical.feed_validators(programme_events(world), cache_key="feed 1")
    other_etag, _ = ical.feed_validators(programme_events(world), cache_key="feed 2")
    event_update(event=world.lecture, actor=None, title="Abay and Navoi")
    edited_etag, edited_last_modified = ical.feed_validators(
        programme_events(world), cache_key="feed 1"
    )

    assert len({etag, other_etag, edited_etag}) == 3
    assert edited_last_modified > last_modified


def test_last_modified_moves_on_when_an_event_leaves_the_feed(world):
    """The newest remaining ``updated_at`` stays as it was when an event goes (here: moved out
    of the feed's dates); Last-Modified must still move on, or "changed since?" says no."""
    from_2026 = programme_events(world).filter(starts_at__year=2026)
    etag, last_modified = ical.feed_validators(from_2026, cache_key="2026")
    newest_left = world.lecture.updated_at

    event_update(
        event=world.concert,
        actor=None,
        starts_at=datetime.datetime(2025, 10, 5, 14, 0, tzinfo=ALMATY),
        ends_at=datetime.datetime(2025, 10, 5, 16, 30, tzinfo=ALMATY),
    )
    after_etag, after_last_modified = ical.feed_validators(from_2026, cache_key="2026")

    assert from_2026.get().updated_at == newest_left
    assert after_etag != etag
    # Whole seconds, as HTTP dates carry them.
    assert int(after_last_modified.timestamp()) > int(last_modified.timestamp())


# ---------- Google Calendar and Outlook links ----------


def query_of(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()}
    return f"{parts.scheme}://{parts.netloc}{parts.path}", query


def test_google_link_of_a_timed_event_gives_utc_instants_and_the_events_zone(world):
    address, query = query_of(ical.google_calendar_url(loaded(world.concert)[0]))

    assert address == "https://calendar.google.com/calendar/render"
    assert query == {
        "action": "TEMPLATE",
        "text": "Dombra & doira: “Two rivers”",
        "dates": "20261005T090000Z/20261005T113000Z",
        "details": f"{SITE_URL}/public/events/{world.concert.pk}/",
        "location": "Almaty, Kazakhstan",
        "ctz": "Asia/Almaty",
    }


def test_google_link_of_an_all_day_event_gives_dates_with_an_exclusive_end(world):
    _, query = query_of(ical.google_calendar_url(loaded(world.abay)[0]))

    assert query["dates"] == "20221219/20221221"
    assert query["details"] == (
        "Exhibition on the Kazakh poet and thinker Abay Kunanbayev.\n\n"
        f"{SITE_URL}/public/events/{world.abay.pk}/"
    )
    assert query["location"] == "Fine Arts Gallery of Uzbekistan, Tashkent, Uzbekistan"


def test_outlook_links_of_timed_and_all_day_events(world):
    concert_address, concert = query_of(ical.outlook_calendar_url(loaded(world.concert)[0]))
    _, abay = query_of(ical.outlook_calendar_url(loaded(world.abay)[0]))

    assert concert_address == "https://outlook.office.com/calendar/0/deeplink/compose"
    assert concert == {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": "Dombra & doira: “Two rivers”",
        "startdt": "2026-10-05T09:00:00Z",
        "enddt": "2026-10-05T11:30:00Z",
        "body": f"{SITE_URL}/public/events/{world.concert.pk}/",
        "location": "Almaty, Kazakhstan",
        "allday": "false",
    }
    assert (abay["startdt"], abay["enddt"], abay["allday"]) == ("2022-12-19", "2022-12-21", "true")


def test_links_encode_what_would_break_a_query_string(world):
    """ "&", "#", "+" and spaces in a title stay in the title: nothing is split or lost."""
    event_update(event=world.lecture, actor=None, title="Q&A #2: 1+1 = two rivers")
    lecture = loaded(world.lecture)[0]

    for url, field in (
        (ical.google_calendar_url(lecture), "text"),
        (ical.outlook_calendar_url(lecture), "subject"),
    ):
        assert " " not in url
        assert "#" not in url
        assert "Q%26A%20%232%3A%201%2B1%20%3D%20two%20rivers" in url
        assert query_of(url)[1][field] == "Q&A #2: 1+1 = two rivers"


def test_a_long_description_is_shortened_in_links_but_keeps_the_page(world):
    event_update(event=world.lecture, actor=None, description="Abay " * 400)
    _, query = query_of(ical.google_calendar_url(loaded(world.lecture)[0]))

    description, page = query["details"].split("\n\n")
    assert len(description) == ical.LINK_DESCRIPTION_LENGTH
    assert page == f"{SITE_URL}/events/{world.lecture.pk}/"
