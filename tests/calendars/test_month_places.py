"""The month grid's events placed by the database (``month_entries``) are those a reader counts
by hand: each event on every day it covers (``covered_days``), each day's first events in the
order ``DayEntry.sort_key`` gives, the number of events of each day, and the countries they
happen in. Drawn events of every shape (timed, all-day in other time zones, over several days,
ending at midnight) in readers' time zones with and without summer time."""

import datetime
import zoneinfo
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.selectors import (
    CalendarEntry,
    DayEntry,
    covered_days,
    month_entries,
    month_grid_of,
)
from events.models import Event, all_day_bounds
from events.selectors import event_list, event_local_days
from tests.factories import CountryFactory, EventFactory, InstitutionFactory, UserFactory
from tests.fuzz.examples import rolled_back

pytestmark = pytest.mark.django_db

ZONES = [
    "Asia/Tashkent", "Asia/Almaty", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
    "Asia/Beirut", "Pacific/Kiritimati", "Etc/GMT+12",
]  # fmt: skip
# March 2027: summer time starts in Berlin, New York and Beirut (at midnight there) within the
# grid; Kiritimati and GMT-12 are the zones furthest apart.
MONTH = datetime.date(2027, 3, 1)
GRID = month_grid_of(MONTH)


@st.composite
def shapes(draw) -> dict:
    """An event's dates and times, around the grid and over its edges."""
    zone = draw(st.sampled_from(ZONES))
    first = GRID.first + datetime.timedelta(days=draw(st.integers(-4, GRID.length + 2)))
    if draw(st.booleans()):
        last = first + datetime.timedelta(days=draw(st.sampled_from([0, 1, 2, 4, 50])))
        starts_at, ends_at = all_day_bounds(first, last, zone)
        return {"all_day": True, "time_zone": zone, "starts_at": starts_at, "ends_at": ends_at}
    starts_at = datetime.datetime.combine(
        first,
        datetime.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
        tzinfo=zoneinfo.ZoneInfo(zone),
    )
    # Up to four days long, now and then longer than the grid; whole days end at a midnight.
    days = draw(st.sampled_from([4, 4, 4, 60]))
    minutes = draw(st.integers(1, days * 24 * 2)) * 30
    return {
        "all_day": False,
        "time_zone": zone,
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(minutes=minutes),
    }


def counted_by_hand(events, zone, limit):
    """Every event on each of its days in the grid, each day in ``sort_key`` order."""
    by_day = defaultdict(list)
    for event in events:
        first, last = covered_days(event, zone)
        entry = CalendarEntry(event, first, last, shows_local_time=False)
        day = max(first, GRID.first)
        while day <= min(last, GRID.last):
            by_day[day].append(DayEntry(entry, day))
            day += datetime.timedelta(days=1)
    for entries in by_day.values():
        entries.sort(key=lambda day_entry: day_entry.sort_key)
    listed = {item.entry.event.pk for entries in by_day.values() for item in entries[:limit]}
    counts = {day: len(entries) for day, entries in by_day.items()}
    codes = {item.entry.event.country.code for entries in by_day.values() for item in entries}
    return listed, counts, codes


@pytest.fixture
def hosts():
    return [
        InstitutionFactory(country=CountryFactory(code=code, time_zone=zone))
        for code, zone in (("UZ", "Asia/Tashkent"), ("KZ", "Asia/Almaty"))
    ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drawn=st.lists(
        st.tuples(shapes(), st.booleans(), st.sampled_from(Event.Status.values)), max_size=14
    ),
    reader=st.sampled_from(ZONES),
    limit=st.integers(1, 4),
)
def test_the_database_places_events_as_a_reader_counts_them(hosts, drawn, reader, limit):
    with rolled_back():
        admin = UserFactory(is_superuser=True)
        for shape, in_kazakhstan, status in drawn:
            host = hosts[in_kazakhstan]
            EventFactory(host_institution=host, kind=Event.Kind.CONCERT, status=status, **shape)
        zone = zoneinfo.ZoneInfo(reader)
        events = event_list(user=admin)

        placed = month_entries(user=admin, events=events, period=GRID, zone=zone, limit=limit)

        listed, counts, codes = counted_by_hand(events, zone, limit)
        assert {entry.event.pk for entry in placed.entries} == listed
        assert placed.counts == counts
        assert placed.country_codes == codes
        assert [(entry.first_day, entry.last_day) for entry in placed.entries] == [
            covered_days(entry.event, zone) for entry in placed.entries
        ]


def test_an_event_ending_where_clocks_skip_midnight_stays_on_its_day(hosts):
    """In Beirut clocks go from 00:00 to 01:00 on 28 March 2027, so that day begins at 01:00:
    an all-day event of the 27th, and an evening ending as the 28th begins, cover the 27th
    only, in Python as in the database."""
    admin = UserFactory(is_superuser=True)
    beirut = zoneinfo.ZoneInfo("Asia/Beirut")
    the_27th = datetime.date(2027, 3, 27)
    starts_at, ends_at = all_day_bounds(the_27th, the_27th, "Asia/Beirut")
    all_day = EventFactory(
        host_institution=hosts[0],
        all_day=True,
        time_zone="Asia/Beirut",
        starts_at=starts_at,
        ends_at=ends_at,
    )
    evening = EventFactory(
        host_institution=hosts[0],
        time_zone="Asia/Beirut",
        starts_at=datetime.datetime(2027, 3, 27, 20, 0, tzinfo=beirut),
        ends_at=ends_at,
    )
    events = event_list(user=admin)
    # As the database gives them back: in UTC, not on Beirut's clock.
    all_day, evening = events.get(pk=all_day.pk), events.get(pk=evening.pk)

    placed = month_entries(user=admin, events=events, period=GRID, zone=beirut, limit=4)

    assert ends_at.astimezone(datetime.UTC).astimezone(beirut).time() == datetime.time(1, 0)
    assert [covered_days(event, beirut) for event in (all_day, evening)] == [
        (the_27th, the_27th),
        (the_27th, the_27th),
    ]
    assert event_local_days(all_day) == (the_27th, the_27th)
    assert placed.counts == {the_27th: 2}
