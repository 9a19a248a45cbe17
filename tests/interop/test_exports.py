"""Every calendar file Dostlik serves, read by three independent parsers (ical.js, vobject,
icalendar): each must give the instants, dates and texts the database holds.

The events are chosen where parsers part ways: zones with daylight saving (Berlin, New York,
Lord Howe's half hour), zones without (Tashkent, Almaty), years before 1970 and after 2038,
all-day events over several days, and texts with the characters iCalendar escapes.
"""

import dataclasses
import datetime
import zoneinfo

import pytest
from django.urls import reverse

from calendars.services import feed_create
from events.models import Event, all_day_bounds
from events.services import event_create
from programmes.models import Programme
from programmes.services import applying_an_amendment
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    UserFactory,
    joint_programme,
    weekly_series_with_changes,
)

from .parsers import Occurrence

ODD_TITLE = "Poets, painters; back\\slash “quotes” — 🎻 Dombra & doira"
ODD_TEXT = ODD_TITLE.replace(" “", "\n“")


@dataclasses.dataclass
class World:
    programme: Programme
    events: list[Event]
    admin: object


def _timed(programme, host, title, zone, *local) -> Event:
    tz = zoneinfo.ZoneInfo(zone)
    starts = datetime.datetime(*local, tzinfo=tz)
    return event_create(
        actor=None,
        programme=programme,
        title=title,
        kind=Event.Kind.CONCERT,
        host_institution=host,
        time_zone=zone,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2, minutes=30),
        visibility=Event.Visibility.PUBLIC,
        description=ODD_TEXT,
    )


@pytest.fixture
def world(db) -> World:
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    gallery = InstitutionFactory(name="Gallery, Tashkent; “Fine Arts”", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    programme = joint_programme(
        uz=gallery, kz=kaznu, title="Abay; Navoi, and \\ friends", status=Programme.Status.ACTIVE
    )
    with applying_an_amendment(programme):
        events = [
            _timed(programme, gallery, "Tashkent evening", "Asia/Tashkent", 2026, 10, 6, 19),
            _timed(programme, kaznu, "Almaty before the change", "Asia/Almaty", 2023, 6, 1, 19),
            _timed(programme, gallery, "Berlin summer", "Europe/Berlin", 2026, 7, 3, 19),
            _timed(programme, gallery, "Berlin winter", "Europe/Berlin", 2026, 12, 3, 19),
            _timed(programme, gallery, "Lord Howe summer", "Australia/Lord_Howe", 2026, 12, 1, 19),
            _timed(programme, gallery, "New York, 1965", "America/New_York", 1965, 7, 1, 19),
            _timed(programme, gallery, "Berlin, 2045", "Europe/Berlin", 2045, 7, 1, 19),
            _timed(programme, gallery, ODD_TITLE, "Asia/Tashkent", 2026, 10, 7, 10),
        ]
        starts, ends = all_day_bounds(
            datetime.date(2026, 12, 19), datetime.date(2026, 12, 21), "Asia/Tashkent"
        )
        events.append(
            event_create(
                actor=None,
                programme=programme,
                title="Three days of Education Days",
                kind=Event.Kind.FAIR,
                host_institution=gallery,
                starts_at=starts,
                ends_at=ends,
                all_day=True,
                visibility=Event.Visibility.PUBLIC,
            )
        )
        yield World(programme, events, UserFactory(is_staff=True, is_superuser=True))


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expected(events: list[Event]) -> list[tuple]:
    """What the database says each event is, as the parsers give it."""
    rows = []
    for event in events:
        if event.all_day:
            local = zoneinfo.ZoneInfo(event.time_zone)
            first = event.starts_at.astimezone(local).date()
            end = event.ends_at.astimezone(local).date()
            rows.append((event.uid, first.isoformat(), end.isoformat(), True, event.title))
        else:
            rows.append((event.uid, _utc(event.starts_at), _utc(event.ends_at), False, event.title))
    return sorted(rows)


def read_back(occurrences: list[Occurrence]) -> list[tuple]:
    return sorted(
        (o.uid, o.start, o.end, o.all_day, o.summary) for o in occurrences if not o.floating
    )


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _files(client, world: World) -> dict[str, bytes]:
    """Every kind of calendar file, each holding all of ``world``'s events."""
    client.force_login(world.admin)
    feed = feed_create(owner=world.admin, name=ODD_TITLE, filters={"from": "1960-01-01"})
    one = world.events[2]
    signed_in = {
        "export": client.get(reverse("calendars:export"), {"programme": world.programme.pk}),
        "feed": client.get(reverse("calendars:feed", args=[feed.token])),
        "programme": client.get(reverse("calendars:programme_ics", args=[world.programme.pk])),
        "event": client.get(reverse("calendars:event_ics", args=[one.pk])),
    }
    client.logout()
    public = {
        "public": client.get(reverse("public:calendar_ics"), {"from": "1960-01-01"}),
        "public programme": client.get(reverse("public:programme_ics", args=[world.programme.pk])),
        "public event": client.get(reverse("public:event_ics", args=[one.pk])),
    }
    return {name: _body(response) for name, response in (signed_in | public).items()}


def test_every_calendar_file_reads_the_same_in_every_parser(client, world, read):
    files = _files(client, world)

    for name, ics in files.items():
        events = [world.events[2]] if name.endswith("event") else world.events
        assert (name, read_back(read(ics))) == (name, expected(events))


def test_the_parsers_read_the_escaped_name_and_texts(client, world, read):
    """A comma, a semicolon, a backslash, a new line and an emoji, in a feed's name, a title, a
    description, a host's and a programme's name, survive every parser."""
    ics = _files(client, world)["feed"]
    odd = next(o for o in read(ics) if o.start == "2026-10-07T05:00:00Z")

    assert odd.summary == ODD_TITLE


def _series_world(world: World) -> list[Event]:
    """A weekly film club over Berlin's clock change: one date moved, one cancelled, one taken
    out; and an all-day exhibition every day for a week."""
    programme, host = world.programme, world.events[0].host_institution
    with applying_an_amendment(programme):
        club = weekly_series_with_changes(
            programme, host, title="Film club, Berlin", visibility=Event.Visibility.PUBLIC
        )
        first_day, last_day = all_day_bounds(
            datetime.date(2026, 10, 24), datetime.date(2026, 10, 24), "Europe/Berlin"
        )
        show = event_create(
            actor=None,
            programme=programme,
            title="Exhibition, Berlin",
            kind=Event.Kind.EXHIBITION,
            host_institution=host,
            time_zone="Europe/Berlin",
            starts_at=first_day,
            ends_at=last_day,
            all_day=True,
            visibility=Event.Visibility.PUBLIC,
            recurrence_rule="FREQ=DAILY;UNTIL=20261030T225959Z",
        )
    return list(Event.objects.filter(title__in=[club.title, show.title]).order_by("starts_at"))


def expected_series(events: list[Event]) -> list[tuple]:
    """Every date of the series as the database holds it, with the UID of its series."""
    rows = []
    for event in events:
        uid = event.series.uid if event.series_id else event.uid
        local = zoneinfo.ZoneInfo(event.time_zone)
        if event.all_day:
            start = event.starts_at.astimezone(local).date().isoformat()
            end = event.ends_at.astimezone(local).date().isoformat()
        else:
            start, end = _utc(event.starts_at), _utc(event.ends_at)
        rows.append((uid, start, end, event.all_day, event.title, event.status == "cancelled"))
    return sorted(rows)


def test_a_series_reads_as_its_dates_in_every_parser(client, world, read):
    """RRULE, EXDATE and RECURRENCE-ID overrides: every parser gives the dates the database
    has, a moved one moved and a cancelled one cancelled, across a clock change."""
    dates = _series_world(world)
    for name, ics in _files(client, world).items():
        if name.endswith("event"):
            continue
        got = sorted(
            (o.uid, o.start, o.end, o.all_day, o.summary, o.status == "CANCELLED")
            for o in read(ics)
            if o.summary in {"Film club, Berlin", "Exhibition, Berlin"}
        )
        assert (name, got) == (name, expected_series(dates))


def test_an_endless_series_reads_right_years_after_its_dates_made_here(client, world, read):
    """Dostlik makes an endless series' dates two years ahead; a calendar app makes them for
    ever, by the rule, reading each in the zone's yearly rules after the changes listed."""
    first = datetime.datetime(2026, 12, 1, 19, 0, tzinfo=zoneinfo.ZoneInfo("Australia/Lord_Howe"))
    with applying_an_amendment(world.programme):
        event_create(
            actor=None,
            programme=world.programme,
            title="Readings, Lord Howe",
            kind=Event.Kind.OTHER,
            host_institution=world.events[0].host_institution,
            time_zone="Australia/Lord_Howe",
            starts_at=first,
            ends_at=first + datetime.timedelta(hours=1),
            visibility=Event.Visibility.PUBLIC,
            recurrence_rule="FREQ=MONTHLY;BYMONTHDAY=1",
        )
    expected_starts = [_utc(first.replace(year=2041, month=month)) for month in range(1, 13)]
    # Summer time (+11) from October to April, +10:30 between: two times of day in UTC.
    assert len({start[11:] for start in expected_starts}) == 2

    for name, ics in _files(client, world).items():
        if name.endswith("event"):
            continue
        got = [
            o.start
            for o in read(ics, window=("2041-01-01", "2042-01-01"))
            if o.summary == "Readings, Lord Howe"
        ]
        assert (name, sorted(got)) == (name, expected_starts)
