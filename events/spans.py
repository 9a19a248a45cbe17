"""Events that overlap a stretch of time, asked so that the database can use an index.

An overlap is two comparisons (``starts_at < end`` and ``ends_at > start``), and no B-tree
index serves both: on ``starts_at`` alone, a calendar's month reads every event that began
before the month's end, years of them. On PostgreSQL each event's span is also indexed as a
range (migration ``events.0002``: the GiST index ``event_span_gist`` of
``TSTZRANGE(starts_at, ends_at)``), and the same question asked with ``&&`` reads only the
events that do overlap. Other databases ask the two comparisons alone, with the same answer.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.db import connections
from django.db.models import BooleanField, F, Func, QuerySet, Value
from django.db.models import DateTimeField as DateTime
from django.db.models.expressions import RawSQL

from events.models import Event


class SpanOverlaps(Func):
    """PostgreSQL: ``TSTZRANGE(starts_at, ends_at) && TSTZRANGE(start, end)``, the span
    ``[starts_at, ends_at)`` of the row meeting ``[start, end)``."""

    output_field = BooleanField()

    def __init__(self, start: datetime.datetime, end: datetime.datetime):
        super().__init__(
            F("starts_at"),
            F("ends_at"),
            Value(start, output_field=DateTime()),
            Value(end, output_field=DateTime()),
        )

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        starts, ends, start, end = parts
        return f"TSTZRANGE({starts}, {ends}) && TSTZRANGE({start}, {end})", params


def uses_span_index(events: QuerySet) -> bool:
    return connections[events.db].vendor == "postgresql"


def overlapping(events: QuerySet, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """``events`` that run at some moment of ``[start, end)``."""
    events = events.filter(starts_at__lt=end, ends_at__gt=start)
    if uses_span_index(events):
        events = events.filter(SpanOverlaps(start, end))
    return events


def at_venues_during(
    spans: Mapping[int, Iterable[tuple[datetime.datetime, datetime.datetime]]], *, using: str
) -> RawSQL:
    """The condition of an event at a venue of ``spans`` that runs at some moment of one of
    its ``(start, end)`` spans, for ``filter()``: written out, since a condition of hundreds
    of spans costs the ORM more to build than the database to answer."""
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(Event._meta.db_table)
    if connection.vendor == "postgresql":
        meets = f"TSTZRANGE({table}.starts_at, {table}.ends_at) && TSTZRANGE(%s, %s)"
    else:
        meets = f"({table}.starts_at < %s AND {table}.ends_at > %s)"
    venues, params = [], []
    for venue_id, venue_spans in spans.items():
        venue_spans = list(venue_spans)
        venues.append(f"({table}.venue_id = %s AND ({' OR '.join([meets] * len(venue_spans))}))")
        params.append(venue_id)
        for start, end in venue_spans:
            bounds = (start, end) if connection.vendor == "postgresql" else (end, start)
            params += [adapt(bound) for bound in bounds]
    return RawSQL(" OR ".join(venues) or "1 = 0", params, output_field=BooleanField())
