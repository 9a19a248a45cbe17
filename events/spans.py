"""Events that overlap a stretch of time, asked so that the database can use an index.

An overlap is two comparisons (``starts_at < end`` and ``ends_at > start``), and no B-tree
index serves both: on ``starts_at`` alone, a calendar's month reads every event that began
before the month's end, years of them. On PostgreSQL each event's span is also indexed as a
range (migration ``events.0002``: the GiST index ``event_span_gist`` of
``TSTZRANGE(starts_at, ends_at)``), and the same question asked with ``&&`` reads only the
events that do overlap. Other databases ask the two comparisons alone, with the same answer.
"""

import datetime

from django.db import connections
from django.db.models import BooleanField, F, Func, QuerySet, Value
from django.db.models import DateTimeField as DateTime


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


def overlap_sql(connection, start: datetime.datetime, end: datetime.datetime) -> tuple[str, list]:
    """SQL of a row of events that runs at some moment of ``[start, end)``, with its
    parameters, for queries written out: through the span index on PostgreSQL."""
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor == "postgresql":
        return "TSTZRANGE(starts_at, ends_at) && TSTZRANGE(%s, %s)", [adapt(start), adapt(end)]
    return "starts_at < %s AND ends_at > %s", [adapt(end), adapt(start)]
