"""Reads behind the shared calendar: the days a period shows, the events that run in it, the
days each of them appears on, their warnings and the public holidays of the countries involved.

A timed event is placed in the reader's time zone: someone in Tashkent sees a concert in
Bishkek at 00:30 on the evening before, at 23:30, as their own calendar app would. An all-day
event has no time of day, so it keeps its own local dates wherever the reader is.
"""

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import ngettext

from accounts.models import User
from accounts.time_zones import reading_zone
from events.holidays import holidays_between
from events.models import Event
from events.selectors import local_days
from events.spans import overlapping
from events.warnings import Warnings, warnings_for_events
from institutions.models import Country

# Whose holidays a calendar shows when the reader has not chosen a country: the two countries
# the desk serves, beside every country an event of the period happens in.
HOME_COUNTRIES = ("UZ", "KZ")

ONE_DAY = datetime.timedelta(days=1)
# An all-day event keeps its own dates, and time zones lie at most 26 hours apart: widening
# the query by a day on each side of the reader's period catches every all-day event whose
# dates touch it (the days are then checked exactly).
ZONE_MARGIN = datetime.timedelta(days=1)
# How many of an event's warnings the calendar spells out beside it.
SHOWN_WARNINGS = 3


def reader_zone(user: User) -> zoneinfo.ZoneInfo:
    """The time zone a person reads times in: their own if they set one, else their browser's,
    else their institution's country's, else the site's (``accounts.time_zones``)."""
    return reading_zone(user)


@dataclass(frozen=True)
class Period:
    """Consecutive days, ``first`` to ``last`` inclusive."""

    first: datetime.date
    last: datetime.date

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1

    def days(self) -> list[datetime.date]:
        return [self.first + datetime.timedelta(days=offset) for offset in range(self.length)]

    def bounds(self, zone: zoneinfo.ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
        """Midnight before the first day and after the last one, in ``zone``."""
        midnight = datetime.time(0, tzinfo=zone)
        return (
            datetime.datetime.combine(self.first, midnight),
            datetime.datetime.combine(self.last + ONE_DAY, midnight),
        )


def month_of(day: datetime.date) -> Period:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return Period(day.replace(day=1), following - ONE_DAY)


def week_of(day: datetime.date) -> Period:
    """Monday to Sunday: the week as it is counted in Uzbekistan and Kazakhstan (ISO 8601)."""
    monday = day - datetime.timedelta(days=day.weekday())
    return Period(monday, monday + datetime.timedelta(days=6))


def month_grid_of(day: datetime.date) -> Period:
    """The whole weeks that hold the month of ``day``, as a wall calendar prints them."""
    month = month_of(day)
    return Period(week_of(month.first).first, week_of(month.last).last)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class CalendarEntry:
    """An event as the calendar shows it: the days it covers and what to say about it."""

    event: Event
    first_day: datetime.date
    last_day: datetime.date
    # The event's own clock reads differently from the reader's, so both are shown.
    shows_local_time: bool
    warnings: Warnings = field(default_factory=Warnings)

    @property
    def spans_days(self) -> bool:
        return self.first_day != self.last_day

    @property
    def warning_text(self) -> str:
        """The first ``SHOWN_WARNINGS`` warnings, then how many more the event's page lists:
        at a busy venue an event can clash with dozens, more than a tooltip can hold."""
        shown = [warning.message for warning in self.warnings[:SHOWN_WARNINGS]]
        more = len(self.warnings) + self.warnings.not_shown - len(shown)
        if more:
            shown.append(
                ngettext(
                    "And %(count)s more warning: see the event's page.",
                    "And %(count)s more warnings: see the event's page.",
                    more,
                )
                % {"count": more}
            )
        return " ".join(shown)


@dataclass
class DayEntry:
    """One event on one of its days."""

    entry: CalendarEntry
    day: datetime.date

    @property
    def is_first_day(self) -> bool:
        return self.day == self.entry.first_day

    @property
    def is_last_day(self) -> bool:
        return self.day == self.entry.last_day

    @property
    def sort_key(self) -> tuple:
        # What fills the day (all-day events and those carried over from the day before)
        # comes first, then what starts that day, by its time.
        event = self.entry.event
        runs_all_day = event.all_day or not self.is_first_day
        return (not runs_all_day, event.starts_at, event.pk)


@dataclass(frozen=True)
class Holiday:
    """A public holiday on one day, in every country that keeps it under that name (New
    Year's Day in Uzbekistan and in Kazakhstan is shown once, with both codes, in any
    language: ``events.holidays`` names it alike for both)."""

    name: str
    countries: tuple[Country, ...]

    @property
    def country_codes(self) -> str:
        return " ".join(country.code for country in self.countries)

    @property
    def country_names(self) -> str:
        return ", ".join(str(country) for country in self.countries)


@dataclass
class CalendarDay:
    """A day of a month grid or a week, with its events and holidays. ``shown`` holds the
    entries that fit in the day's cell, ``more`` how many are left out of it. In a month grid
    ``entries`` are only the loaded ones (``month_entries``), the first of them those shown."""

    date: datetime.date
    entries: list[DayEntry]
    holidays: list[Holiday]
    in_focus: bool
    is_today: bool
    shown: list[DayEntry] = field(default_factory=list)
    more: int = 0

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


def covered_days(event: Event, zone: zoneinfo.ZoneInfo) -> tuple[datetime.date, datetime.date]:
    """The first and last day ``event`` covers: the reader's days for a timed event, its own
    local dates for an all-day one. An end at midnight does not reach into the next day."""
    return local_days(event.starts_at, event.ends_at, event.zone if event.all_day else zone)


def _clocks_differ(event: Event, zone: zoneinfo.ZoneInfo) -> bool:
    if event.all_day:
        return False
    return any(
        moment.astimezone(event.zone).utcoffset() != moment.astimezone(zone).utcoffset()
        for moment in (event.starts_at, event.ends_at)
    )


def _in_period(events: QuerySet[Event], period: Period, zone: zoneinfo.ZoneInfo) -> QuerySet:
    """``events`` that may run on a day of ``period``; the days are then checked exactly."""
    start, end = period.bounds(zone)
    return overlapping(events, start - ZONE_MARGIN, end + ZONE_MARGIN)


def _with_warnings(
    entries: list[CalendarEntry], user: User, limit: int | None = None
) -> list[CalendarEntry]:
    warnings = warnings_for_events([entry.event for entry in entries], reader=user, limit=limit)
    for entry in entries:
        entry.warnings = warnings.get(entry.event.pk, Warnings())
    return entries


def calendar_entries(
    *, user: User, events: QuerySet[Event], period: Period, zone: zoneinfo.ZoneInfo
) -> list[CalendarEntry]:
    """The events of ``events`` that run on a day of ``period``, earliest first, with their
    warnings. ``events`` must already be scoped to what ``user`` may see; only the period's
    events are loaded, whatever the size of the table."""
    entries = []
    for event in _in_period(events, period, zone).order_by("starts_at", "pk"):
        first, last = covered_days(event, zone)
        if first <= period.last and last >= period.first:
            entries.append(CalendarEntry(event, first, last, _clocks_differ(event, zone)))
    return _with_warnings(entries, user)


@dataclass
class MonthEntries:
    """What a month grid shows of its period's events: the entries its cells list (each day's
    first ``limit``), how many events each day has, and where the period's events happen."""

    entries: list[CalendarEntry]
    counts: dict[datetime.date, int]
    country_codes: set[str]


# A month grid's events placed on its days in one query, whatever their number: only each
# day's first events and counts come back. ``first`` and ``last`` are the indexes of the days
# an event covers (``covered_days``), found by a binary search of the days' midnights
# (``_day_index``); a timed event is placed on the reader's days, an all-day
# one on those of its own time zone. A day's events are ordered as ``DayEntry.sort_key``
# orders them: what fills the day first, then by starting time. Each day's first ``limit``
# events come back with their number, then one row (day -1) for each country an event of
# the period happens in (named once a country, not for each of thousands of events).
MONTH_PLACES = """
WITH candidate (id, starts_at, ends_at, all_day, time_zone, country) AS ({candidates}),
spans AS (
    SELECT id, starts_at, all_day, country, {first} AS first, {last} AS last FROM candidate
),
days (day) AS (VALUES {days}),
placed AS (
    SELECT first AS day, id, starts_at, all_day, country, first FROM spans
    WHERE last <= first AND first >= 0 AND first < {count}
    UNION ALL
    SELECT d.day, s.id, s.starts_at, s.all_day, s.country, s.first
    FROM spans s JOIN days d ON d.day >= s.first AND d.day <= s.last
    WHERE s.last > s.first
),
ranked AS (
    SELECT day, id,
        ROW_NUMBER() OVER (
            PARTITION BY day
            ORDER BY CASE WHEN all_day OR first < day THEN 0 ELSE 1 END, starts_at, id
        ) AS place,
        COUNT(*) OVER (PARTITION BY day) AS events
    FROM placed
)
SELECT day, id, '', place, events FROM ranked WHERE place <= %s
UNION ALL
SELECT -1, 0, code, 0, 0 FROM {countries} WHERE id IN (SELECT country FROM placed)
"""


# What a month cell shows of an event and its warnings need: a busy month lists 168 events.
MONTH_CHIP_FIELDS = (
    "programme_id", "venue_id", "title", "translations", "status", "starts_at", "ends_at",
    "all_day", "time_zone", "country__code", "country__name",
)  # fmt: skip


def _day_index(column: str, midnights: list, *, ending: bool, connection) -> tuple[str, list]:
    """SQL for the index of the day ``column`` falls on, given the ``midnights`` that begin
    each day and end the last one: -1 before the first, ``len(midnights) - 1`` after the
    last. An ``ending`` moment belongs to the day before when it is a midnight."""
    if connection.vendor == "postgresql":
        # A binary search of the midnights, built in.
        moment = f"{column} - INTERVAL '1 microsecond'" if ending else column
        return f"WIDTH_BUCKET({moment}, %s::timestamptz[]) - 1", [midnights]
    below = "<=" if ending else "<"

    def search(low: int, high: int) -> tuple[str, list]:
        # The same search written out: ``column`` is known to lie from midnight ``low`` (-1:
        # any time before) up to midnight ``high`` (``len(midnights)``: any time after).
        if high - low == 1:
            return str(low), []
        middle = (low + high) // 2
        before, before_params = search(low, middle)
        after, after_params = search(middle, high)
        sql = f"CASE WHEN {column} {below} %s THEN {before} ELSE {after} END"
        return sql, [midnights[middle], *before_params, *after_params]

    return search(-1, len(midnights))


def _days_of(
    period: Period, zone: zoneinfo.ZoneInfo, all_day_zones: list[str], connection, column: str, **kw
) -> tuple[str, list]:
    """``_day_index`` of ``column`` on the reader's days (``zone``) for a timed event, on those
    of its own time zone (one of ``all_day_zones``) for an all-day one."""
    adapt = connection.ops.adapt_datetimefield_value

    def index(zone: zoneinfo.ZoneInfo) -> tuple[str, list]:
        midnights = [
            adapt(datetime.datetime.combine(day, datetime.time(0, tzinfo=zone)))
            for day in [*period.days(), period.last + ONE_DAY]
        ]
        return _day_index(column, midnights, connection=connection, **kw)

    sql, params = index(zone)
    cases = [f"WHEN NOT all_day THEN {sql}"]
    for key in all_day_zones:
        own, own_params = index(zoneinfo.ZoneInfo(key))
        cases.append(f"WHEN time_zone = %s THEN {own}")
        params += [key, *own_params]
    return f"CASE {' '.join(cases)} END", params


def month_entries(
    *,
    user: User,
    events: QuerySet[Event],
    period: Period,
    zone: zoneinfo.ZoneInfo,
    limit: int,
) -> MonthEntries:
    """``calendar_entries`` for a grid whose cells list ``limit`` events a day. The database
    places the period's events on their days (``MONTH_PLACES``), counts them and names their
    countries; only the events a cell lists are loaded, with their warnings: what is read
    grows with the cells a month fills, not with the events of its weeks."""
    candidates = _in_period(events, period, zone).order_by()
    all_day_zones = sorted(
        set(candidates.filter(all_day=True).values_list("time_zone", flat=True).distinct())
    )
    connection = connections[candidates.db]
    try:
        candidate_sql, candidate_params = (
            candidates.values_list("pk", "starts_at", "ends_at", "all_day", "time_zone", "country")
            .query.get_compiler(connection=connection)
            .as_sql()
        )
    except EmptyResultSet:  # ``events`` is ``none()``: filters that could not be used
        return MonthEntries([], {}, set())
    first, first_params = _days_of(
        period, zone, all_day_zones, connection, "starts_at", ending=False
    )
    last, last_params = _days_of(period, zone, all_day_zones, connection, "ends_at", ending=True)
    days = period.days()
    sql = MONTH_PLACES.format(
        candidates=candidate_sql,
        first=first,
        last=last,
        days=", ".join(f"({index})" for index in range(len(days))),
        count=len(days),
        countries=connection.ops.quote_name(Country._meta.db_table),
    )
    listed, counts, codes = set(), {}, set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*candidate_params, *first_params, *last_params, limit])
        for day, pk, code, _place, number in cursor.fetchall():
            if day < 0:  # a country the period's events happen in
                codes.add(code)
            else:
                listed.add(pk)
                counts[days[day]] = number
    entries = []
    for event in (
        events.filter(pk__in=listed)
        .select_related(None)
        .select_related("country")
        .only(*MONTH_CHIP_FIELDS)
        .order_by("starts_at", "pk")
    ):
        first_day, last_day = covered_days(event, zone)
        entries.append(CalendarEntry(event, first_day, last_day, _clocks_differ(event, zone)))
    return MonthEntries(_with_warnings(entries, user, SHOWN_WARNINGS), counts, codes)


def calendar_countries(*, chosen: Country | None, codes: Iterable[str]) -> list[Country]:
    """The countries a calendar shows the holidays and colours of: the one the reader filtered
    on; otherwise the home countries and every country an event of the period happens in
    (``codes``)."""
    if chosen is not None:
        return [chosen]
    return list(Country.objects.filter(code__in={*HOME_COUNTRIES, *codes}).order_by("name"))


def calendar_holidays(
    *, countries: Iterable[Country], period: Period
) -> dict[datetime.date, list[Holiday]]:
    """The public holidays of ``countries`` in ``period``, by day."""
    by_code = {country.code: country for country in countries}
    found = {}
    for day, entries in holidays_between(set(by_code), period.first, period.last).items():
        keeping = defaultdict(list)
        for code, name in entries:
            keeping[name].append(by_code[code])
        found[day] = [Holiday(name, tuple(kept)) for name, kept in keeping.items()]
    return found


def _by_day(entries: Iterable[CalendarEntry], period: Period) -> dict[datetime.date, list]:
    found = defaultdict(list)
    for entry in entries:
        day = max(entry.first_day, period.first)
        while day <= min(entry.last_day, period.last):
            found[day].append(DayEntry(entry, day))
            day += ONE_DAY
    for day_entries in found.values():
        day_entries.sort(key=lambda day_entry: day_entry.sort_key)
    return found


def calendar_days(
    *,
    period: Period,
    focus: Period,
    entries: Iterable[CalendarEntry],
    holidays: dict[datetime.date, list[Holiday]],
    today: datetime.date,
    limit: int | None = None,
    counts: dict[datetime.date, int] | None = None,
) -> list[CalendarDay]:
    """Every day of ``period`` with the events on it (a multi-day event on each of its days)
    and its holidays. Days outside ``focus`` (the neighbouring months' days of a month grid)
    are marked; a day with more than ``limit`` events shows the first ``limit``. ``counts``
    are the days' numbers of events when ``entries`` hold only what the cells list
    (``month_entries``)."""
    by_day = _by_day(entries, period)
    days = []
    for date in period.days():
        day_entries = by_day.get(date, [])
        shown = day_entries if limit is None else day_entries[:limit]
        total = len(day_entries) if counts is None else counts.get(date, 0)
        days.append(
            CalendarDay(
                date=date,
                entries=day_entries,
                holidays=holidays.get(date, []),
                in_focus=focus.first <= date <= focus.last,
                is_today=date == today,
                shown=shown,
                more=total - len(shown),
            )
        )
    return days


def weeks(days: Sequence[CalendarDay]) -> list[list[CalendarDay]]:
    return [list(days[start : start + 7]) for start in range(0, len(days), 7)]


@dataclass
class AgendaDay:
    date: datetime.date
    entries: list[CalendarEntry]
    holidays: list[Holiday]
    is_today: bool


def agenda_days(
    *,
    period: Period,
    entries: Iterable[CalendarEntry],
    holidays: dict[datetime.date, list[Holiday]],
    today: datetime.date,
) -> list[AgendaDay]:
    """The days of ``period`` on which something starts, each event listed once: on its first
    day, or on the period's first day if it began earlier and still runs."""
    found = defaultdict(list)
    for entry in entries:
        found[max(entry.first_day, period.first)].append(entry)
    return [
        AgendaDay(
            date=date,
            entries=sorted(
                found[date],
                key=lambda entry: (not entry.event.all_day, entry.event.starts_at, entry.event.pk),
            ),
            holidays=holidays.get(date, []),
            is_today=date == today,
        )
        for date in sorted(found)
    ]
