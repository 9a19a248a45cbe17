"""Warnings, not walls: an event that overlaps another at the same venue, or falls on a public
holiday of a participating country, is flagged for the coordinator to acknowledge. Nothing
here ever blocks a save."""

import datetime
import hashlib
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.utils.translation import gettext as _

from accounts.models import User
from calendars.holidays import holidays_between
from events.models import Event, Venue
from events.spans import overlap_sql
from institutions.models import Country
from programmes.models import Partnership, Programme
from programmes.selectors import programme_visibility


@dataclass(frozen=True)
class EventWarning:
    kind: str  # "overlap" or "holiday"
    message: str


def _local_days(starts_at, ends_at, time_zone: str, all_day: bool) -> tuple[datetime.date, ...]:
    """The first and last day the event touches on its place's calendar; an end at midnight
    (always so for an all-day event) belongs to the day before."""
    zone = zoneinfo.ZoneInfo(time_zone)
    first = starts_at.astimezone(zone).date()
    last_moment = ends_at.astimezone(zone)
    if all_day or last_moment.time() == datetime.time(0):
        last_moment -= datetime.timedelta(microseconds=1)
    last = max(first, last_moment.date())
    return first, last


def _country_codes_by_programme(programme_ids) -> dict[int, set[str]]:
    codes = defaultdict(set)
    for programme_id, code in Partnership.objects.filter(programme__in=programme_ids).values_list(
        "programme", "institution__country__code"
    ):
        codes[programme_id].add(code)
    return codes


def _country_names() -> dict[str, str]:
    return dict(Country.objects.values_list("code", "name"))


class _HolidayWarnings:
    """Public holidays told in the active language, its text translated once for many
    events."""

    def __init__(self, names: dict[str, str]):
        self.names = names
        self.text = _("%(date)s is a public holiday in %(country)s: %(holiday)s.")

    def __call__(self, codes, first, last, holidays: dict | None = None) -> list[EventWarning]:
        """The holidays of the countries ``codes`` from ``first`` to ``last``, looked up in
        ``holidays`` (``holidays_between`` of a longer stretch, for many events) if given."""
        if holidays is None:
            holidays = holidays_between(codes, first, last)
        return [
            EventWarning(
                "holiday",
                self.text
                % {"date": day.isoformat(), "country": self.names.get(code, code), "holiday": name},
            )
            for day, entries in holidays.items()
            if first <= day <= last
            for code, name in entries
            if code in codes
        ]


@dataclass(frozen=True)
class _Neighbour:
    """Another event at a venue, as far as a clash with it is told: read as bare fields."""

    pk: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    readable: bool


class _OverlapWarnings:
    """Clashes told in the active language, its texts translated once for many events."""

    def __init__(self):
        self.unreadable = _("Another event is booked at the same venue at the same time.")
        self.readable = _("“%(title)s” is at the same venue at the same time.")

    def __call__(self, other: Event | _Neighbour) -> EventWarning:
        """A clash names the other event only to a reader who may see it: a draft of other
        institutions is still worth knowing about, but its title is not theirs to read."""
        if not getattr(other, "readable", True):
            return EventWarning("overlap", self.unreadable)
        return EventWarning("overlap", self.readable % {"title": other.title})


def event_warnings(
    *,
    programme: Programme,
    venue: Venue | None,
    country: Country,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    time_zone: str,
    all_day: bool = False,
    reader: User,
    status: str = Event.Status.PLANNED,
    exclude_pk: int | None = None,
) -> list[EventWarning]:
    """What a coordinator should know before saving an event with these details: the events at
    the same venue at the same time, then the public holidays of the countries taking part (the
    programme's partners' and the event's own) on the event's local days. A cancelled event
    holds no venue, so it overlaps nothing; ``exclude_pk`` is the event being edited, which
    does not overlap itself. The same as ``warnings_for_events`` gives for a stored event."""
    warnings = []
    if venue is not None and status != Event.Status.CANCELLED:
        overlap_warning = _OverlapWarnings()
        warnings += [
            overlap_warning(_Neighbour(*fields))
            for _venue, *fields in _neighbours([(venue.pk, starts_at, ends_at)], reader)
            if fields[0] != exclude_pk
        ]
    codes = _country_codes_by_programme([programme.pk]).get(programme.pk, set()) | {country.code}
    first, last = _local_days(starts_at, ends_at, time_zone, all_day)
    return warnings + _HolidayWarnings(_country_names())(codes, first, last)


# The events not cancelled at the venues of some events while they run: those of the whole
# stretch the events cover (through the span index on PostgreSQL), matched with each event at
# their venue. A month's clashes are looked for among the few thousand events of its weeks: a
# search of the index for each of its events would cost more than reading them.
NEIGHBOURS = """
WITH nearby AS (
    SELECT id, venue_id, title, starts_at, ends_at, programme_id FROM {table}
    WHERE {overlaps} AND status <> %s AND venue_id IS NOT NULL
),
moments (venue, starts, ends) AS (VALUES {moments})
SELECT DISTINCT nearby.venue_id, nearby.id, nearby.title, nearby.starts_at, nearby.ends_at,
    CASE WHEN {readable} THEN 1 ELSE 0 END
FROM nearby JOIN moments
    ON moments.venue = nearby.venue_id
    AND nearby.starts_at < moments.ends AND nearby.ends_at > moments.starts
ORDER BY 4, 2
"""


def _neighbours(moments: Sequence[tuple], reader: User) -> list[tuple]:
    """(venue pk, pk, title, start, end, readable by ``reader``) of the events not cancelled
    at a venue at some moment of one of its ``(venue pk, start, end)`` ``moments``, earliest
    first, in one query: written out, since a condition of hundreds of spans costs the ORM more
    to build than the database to answer."""
    if not moments:
        return []
    connection = connections[router.db_for_read(Event)]
    adapt = connection.ops.adapt_datetimefield_value
    overlaps, params = overlap_sql(
        connection, min(start for _v, start, _e in moments), max(end for _v, _s, end in moments)
    )
    row = "(%s, %s, %s)"
    if connection.vendor == "postgresql":  # VALUES does not tell PostgreSQL the type
        row = "(%s, %s::timestamptz, %s::timestamptz)"
    params.append(Event.Status.CANCELLED.value)
    for venue_id, start, end in moments:
        params += [venue_id, adapt(start), adapt(end)]
    readable, readable_params = _readable_sql(reader, connection)
    sql = NEIGHBOURS.format(
        table=connection.ops.quote_name(Event._meta.db_table),
        overlaps=overlaps,
        moments=", ".join([row] * len(moments)),
        readable=readable,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *readable_params])
        found = cursor.fetchall()
    # SQLite gives the moments as they are stored, without their time zone (UTC).
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    return [
        (
            venue,
            pk,
            title,
            *(convert(moment, None, connection) if convert else moment for moment in (start, end)),
            bool(readable),
        )
        for venue, pk, title, start, end, readable in found
    ]


def _readable_sql(reader: User, connection) -> tuple[str, list]:
    """SQL of a row of events ``reader`` may see (``programme_visibility``), and its
    parameters."""
    condition = programme_visibility(user=reader)
    if not condition:  # an administrator sees everything
        return "1 = 1", []
    try:
        visible, params = (
            Programme.objects.filter(condition)
            .order_by()
            .values("pk")
            .query.get_compiler(connection=connection)
            .as_sql()
        )
    except EmptyResultSet:  # no one signed in
        return "1 = 0", []
    return f"nearby.programme_id IN ({visible})", list(params)


def warnings_for_events(events: Sequence[Event], *, reader: User) -> dict[int, list[EventWarning]]:
    """The warnings of many events at once, in three queries whatever their number: for marking
    them on a calendar. ``events`` need their country loaded."""
    if not events:
        return {}
    moments = [
        (event.venue_id, event.starts_at, event.ends_at)
        for event in events
        if event.venue_id and event.status != Event.Status.CANCELLED
    ]
    neighbours = defaultdict(list)
    for venue_id, *fields in _neighbours(moments, reader):
        neighbours[venue_id].append(_Neighbour(*fields))
    codes = _country_codes_by_programme({event.programme_id for event in events})
    names = _country_names()
    overlap_warning = _OverlapWarnings()
    holiday_warnings = _HolidayWarnings(names)
    days = {
        event.pk: _local_days(event.starts_at, event.ends_at, event.time_zone, event.all_day)
        for event in events
    }
    # The holidays of every country involved over the whole stretch, looked up once.
    holidays = holidays_between(
        {code for programme_codes in codes.values() for code in programme_codes}
        | {event.country.code for event in events},
        min(first for first, _last in days.values()),
        max(last for _first, last in days.values()),
    )
    found = {}
    for event in events:
        clashes = () if event.status == Event.Status.CANCELLED else neighbours[event.venue_id]
        warnings = [
            overlap_warning(other)
            for other in clashes
            if other.pk != event.pk
            and other.starts_at < event.ends_at
            and other.ends_at > event.starts_at
        ]
        countries = codes.get(event.programme_id, set()) | {event.country.code}
        found[event.pk] = warnings + holiday_warnings(countries, *days[event.pk], holidays)
    return found


def warnings_digest(warnings: Sequence[EventWarning]) -> str:
    """A fingerprint of the warnings a person was shown. An acknowledgement carries it
    back, so that it holds only for those very warnings: other dates or another venue that
    bring other warnings make them shown again instead of taken as read."""
    text = "\n".join(f"{warning.kind}:{warning.message}" for warning in warnings)
    return hashlib.sha256(text.encode()).hexdigest()
