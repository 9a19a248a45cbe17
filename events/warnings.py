"""Warnings, not walls: an event that overlaps another at the same venue, falls on a public
holiday of a participating country or outside its programme's period is flagged for the
coordinator to acknowledge. Nothing here ever blocks a save. A warning is told from the others
of its kind by a key (the other event, the holiday's day and country, the days outside the
period), which is what an acknowledgement (``WarningAcknowledgement``) names: a warning already
acknowledged is not asked about again."""

import datetime
import hashlib
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from events.holidays import holidays_between
from events.models import Event, Venue, WarningAcknowledgement
from events.selectors import local_days
from events.spans import overlap_sql
from institutions.models import Country
from programmes.models import Partnership, Programme
from programmes.selectors import programme_visibility

Kind = WarningAcknowledgement.Kind


@dataclass(frozen=True)
class EventWarning:
    kind: str  # a ``WarningAcknowledgement.Kind``
    message: str
    # Which warning of its kind: the other event's pk of a clash, "<day> <country code>" of a
    # holiday, "<first day>/<last day> <programme's first>/<last>" outside the period.
    key: str = ""

    @property
    def identity(self) -> tuple[str, str]:
        """What an acknowledgement names: the same warning is the same kind and key, whatever
        its text (another language, the other event renamed)."""
        return (self.kind, self.key)


def _day(day: datetime.date) -> str:
    """A day as the reader's language writes it."""
    return date_format(day, "DATE_FORMAT")


def _country_codes_by_programme(programme_ids) -> dict[int, set[str]]:
    codes = defaultdict(set)
    for programme_id, code in Partnership.objects.filter(programme__in=programme_ids).values_list(
        "programme", "institution__country__code"
    ):
        codes[programme_id].add(code)
    return codes


def _country_names() -> dict[str, str]:
    """Each country's name in the active language, by its code."""
    return {country.code: country.local_name for country in Country.objects.only("code", "name")}


class _HolidayWarnings:
    """Public holidays named in the active language, its text translated once for many
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
                Kind.HOLIDAY,
                self.text
                % {"date": _day(day), "country": self.names.get(code, code), "holiday": name},
                key=f"{day.isoformat()} {code}",
            )
            for day, entries in holidays.items()
            if first <= day <= last
            for code, name in entries
            if code in codes
        ]


class Warnings(list):
    """An event's warnings in order: its clashes, then its holidays. Where only the first
    clashes were read (``warnings_for_events(limit=…)``), ``not_shown`` says how many more there
    are."""

    def __init__(self, warnings=(), not_shown: int = 0):
        super().__init__(warnings)
        self.not_shown = not_shown


class _OverlapWarnings:
    """Clashes named in the active language, its text translated once for many events."""

    def __init__(self):
        self.text = _("“%(title)s” is at the same venue at the same time.")

    def __call__(self, title: str, other_pk: int) -> EventWarning:
        return EventWarning(Kind.OVERLAP, self.text % {"title": title}, key=str(other_pk))


def _period_warning(
    first: datetime.date, last: datetime.date, starts_on: datetime.date, ends_on: datetime.date
) -> list[EventWarning]:
    """The warning of an event on the days ``first`` to ``last`` in a programme that runs from
    ``starts_on`` to ``ends_on``, if it falls outside them."""
    if starts_on <= first and last <= ends_on:
        return []
    return [
        EventWarning(
            Kind.PERIOD,
            _("The event falls outside the programme's period, %(starts)s to %(ends)s.")
            % {"starts": _day(starts_on), "ends": _day(ends_on)},
            key=f"{first.isoformat()}/{last.isoformat()} "
            f"{starts_on.isoformat()}/{ends_on.isoformat()}",
        )
    ]


def event_warnings(
    *,
    programme: Programme,
    venue: Venue | None,
    country: Country,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    time_zone: str,
    reader: User,
    status: str = Event.Status.PLANNED,
    exclude_pk: int | None = None,
) -> list[EventWarning]:
    """What a coordinator should know before saving an event with these details: the events
    ``reader`` may see at the same venue at the same time, the public holidays of the
    countries taking part (the programme's partners' and the event's own) on the event's local
    days, then whether those days fall outside the programme's period. A cancelled event
    holds no venue, so it overlaps nothing; ``exclude_pk`` is the event being edited, which
    does not overlap itself. The same as ``warnings_for_events(period=True)`` gives for a stored
    event."""
    warnings = []
    if venue is not None and status != Event.Status.CANCELLED:
        overlap_warning = _OverlapWarnings()
        moment = (exclude_pk or 0, venue.pk, starts_at, ends_at)
        warnings += [
            overlap_warning(title, other_pk)
            for _event, _count, title, other_pk in _clashes([moment], reader)
        ]
    codes = _country_codes_by_programme([programme.pk]).get(programme.pk, set()) | {country.code}
    first, last = local_days(starts_at, ends_at, zoneinfo.ZoneInfo(time_zone))
    warnings += _HolidayWarnings(_country_names())(codes, first, last)
    return warnings + _period_warning(first, last, programme.starts_on, programme.ends_on)


# The events not cancelled at the venue of each of some events while it runs, earliest first,
# among those the reader may see: those of the whole stretch the events cover (through the span
# index on PostgreSQL, which holds their venues), matched with each event at its venue, numbered
# and counted for each. An event the reader may not see makes no warning at all, or its times
# could be told apart by moving one's own event until the warning goes. A month's clashes are
# looked for among the few thousand events of its weeks: a search of the index for each of its
# events would cost more than reading them. Only the titles shown are read from the table.
CLASHES = """
WITH nearby AS (
    SELECT id, venue_id, starts_at, ends_at FROM {table}
    WHERE {overlaps} AND status <> %s AND venue_id IS NOT NULL AND {visible}
),
spans (event, venue, starts, ends) AS (VALUES {spans}),
clashes AS (
    SELECT spans.event, nearby.id,
        ROW_NUMBER() OVER (
            PARTITION BY spans.event ORDER BY nearby.starts_at, nearby.id
        ) AS place,
        COUNT(*) OVER (PARTITION BY spans.event) AS clashes
    FROM nearby JOIN spans
        ON spans.venue = nearby.venue_id
        AND nearby.starts_at < spans.ends AND nearby.ends_at > spans.starts
        AND nearby.id <> spans.event
)
SELECT nearby.event, nearby.clashes, other.title, other.id
FROM clashes nearby JOIN {table} other ON other.id = nearby.id
{limit}
ORDER BY nearby.event, nearby.place
"""


def _clashes(spans: Sequence[tuple], reader: User, limit: int | None = None) -> list[tuple]:
    """(event pk, its number of clashes, title, pk) of the first ``limit`` (else all) events not
    cancelled that ``reader`` may see at a venue while one of ``spans`` runs there, earliest
    first, for each ``(event pk, venue pk, start, end)`` of ``spans`` (the event itself left
    out; 0 for an event not yet saved). One query: written out, since a condition of hundreds
    of spans costs the ORM more to build than the database to answer."""
    if not spans:
        return []
    connection = connections[router.db_for_read(Event)]
    adapt = connection.ops.adapt_datetimefield_value
    overlaps, params = overlap_sql(
        connection, min(span[2] for span in spans), max(span[3] for span in spans)
    )
    row = "(%s, %s, %s, %s)"
    if connection.vendor == "postgresql":  # VALUES does not tell PostgreSQL the type
        row = "(%s, %s, %s::timestamptz, %s::timestamptz)"
    params.append(Event.Status.CANCELLED.value)
    visible, visible_params = _visible_sql(reader, connection)
    params += visible_params
    for event_id, venue_id, start, end in spans:
        params += [event_id, venue_id, adapt(start), adapt(end)]
    sql = CLASHES.format(
        table=connection.ops.quote_name(Event._meta.db_table),
        overlaps=overlaps,
        visible=visible,
        spans=", ".join([row] * len(spans)),
        limit="" if limit is None else "WHERE nearby.place <= %s",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *([] if limit is None else [limit])])
        return cursor.fetchall()


def _visible_sql(reader: User, connection) -> tuple[str, list]:
    """SQL of an event row whose programme ``reader`` may see (``programme_visibility``), and
    its parameters."""
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
    return f"programme_id IN ({visible})", list(params)


def warnings_for_events(
    events: Sequence[Event], *, reader: User, limit: int | None = None, period: bool = False
) -> dict[int, Warnings]:
    """The warnings of many events at once, in three queries whatever their number: for marking
    them on a calendar. With ``limit``, only the first ``limit`` clashes of an event are read, the
    others counted (``Warnings.not_shown``): a calendar spells out a few. With ``period``, an
    event outside its programme's period is flagged too, in one query more: what the event and
    programme pages show. ``events`` need their country loaded."""
    if not events:
        return {}
    spans = [
        (event.pk, event.venue_id, event.starts_at, event.ends_at)
        for event in events
        if event.venue_id and event.status != Event.Status.CANCELLED
    ]
    overlap_warning = _OverlapWarnings()
    clashes, counts = defaultdict(list), {}
    for event_id, count, title, other_pk in _clashes(spans, reader, limit):
        clashes[event_id].append(overlap_warning(title, other_pk))
        counts[event_id] = count
    codes = _country_codes_by_programme({event.programme_id for event in events})
    holiday_warnings = _HolidayWarnings(_country_names())
    days = {event.pk: local_days(event.starts_at, event.ends_at, event.zone) for event in events}
    # The holidays of every country involved over the whole stretch, looked up once.
    holidays = holidays_between(
        {code for programme_codes in codes.values() for code in programme_codes}
        | {event.country.code for event in events},
        min(first for first, _last in days.values()),
        max(last for _first, last in days.values()),
    )
    periods = {}
    if period:
        periods = {
            pk: (starts_on, ends_on)
            for pk, starts_on, ends_on in Programme.objects.filter(
                pk__in={event.programme_id for event in events}
            ).values_list("pk", "starts_on", "ends_on")
        }
    found = {}
    for event in events:
        shown_clashes = clashes.get(event.pk, [])
        countries = codes.get(event.programme_id, set()) | {event.country.code}
        outside = (
            _period_warning(*days[event.pk], *periods[event.programme_id])
            if event.programme_id in periods
            else []
        )
        found[event.pk] = Warnings(
            shown_clashes + holiday_warnings(countries, *days[event.pk], holidays) + outside,
            not_shown=counts.get(event.pk, 0) - len(shown_clashes),
        )
    return found


def warnings_digest(warnings: Sequence[EventWarning]) -> str:
    """A fingerprint of the warnings a person was shown. An acknowledgement carries it
    back, so that it holds only for those very warnings: other dates or another venue that
    bring other warnings make them shown again instead of taken as read. Made of what tells
    the warnings apart, not of their text, which depends on the reader's language."""
    text = "\n".join(f"{warning.kind}:{warning.key}" for warning in warnings)
    return hashlib.sha256(text.encode()).hexdigest()


def not_acknowledged(event: Event | None, warnings: Sequence[EventWarning]) -> list[EventWarning]:
    """Those of ``warnings`` about ``event`` (None: one not yet saved) that no one has
    acknowledged yet: an edit asks only about these."""
    if event is None or event.pk is None or not warnings:
        return list(warnings)
    done = set(WarningAcknowledgement.objects.filter(event=event).values_list("kind", "key"))
    return [warning for warning in warnings if warning.identity not in done]


@dataclass(frozen=True)
class ShownWarning:
    """A warning on an event's or a programme's page, with its acknowledgement if one was
    made."""

    warning: EventWarning
    acknowledgement: WarningAcknowledgement | None = None


def shown_warnings(events: Sequence[Event], *, reader: User) -> dict[int, list[ShownWarning]]:
    """The warnings of ``events`` that have any, each with who acknowledged it and when: in
    five queries whatever their number. ``events`` need their country loaded."""
    found = warnings_for_events(events, reader=reader, period=True)
    acknowledgements = {
        (acknowledgement.event_id, acknowledgement.kind, acknowledgement.key): acknowledgement
        # Asked of every event, with warnings or not, so that the number of queries does not
        # depend on whether any warns.
        for acknowledgement in WarningAcknowledgement.objects.filter(
            event__in=[event.pk for event in events]
        ).select_related("acknowledged_by")
    }
    return {
        pk: [
            ShownWarning(warning, acknowledgements.get((pk, *warning.identity)))
            for warning in warnings
        ]
        for pk, warnings in found.items()
        if warnings
    }
