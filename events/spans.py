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
from django.db.models import BooleanField, DateTimeField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from events.models import Event


def overlap_sql(
    connection, start: datetime.datetime, end: datetime.datetime, *, table: str = ""
) -> tuple[str, list]:
    """SQL of a row of events (of ``table``, quoted, if the query names more than one) that
    runs at some moment of ``[start, end)``, with its parameters: through the span index on
    PostgreSQL, the two comparisons elsewhere."""
    adapt = connection.ops.adapt_datetimefield_value
    prefix = f"{table}." if table else ""
    starts_at, ends_at = f"{prefix}starts_at", f"{prefix}ends_at"
    if connection.vendor == "postgresql":
        return (
            f"TSTZRANGE({starts_at}, {ends_at}) && TSTZRANGE(%s, %s)",
            [adapt(start), adapt(end)],
        )
    return f"{starts_at} < %s AND {ends_at} > %s", [adapt(end), adapt(start)]


def overlapping(events: QuerySet, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """``events`` that run at some moment of ``[start, end)``."""
    events = events.filter(starts_at__lt=end, ends_at__gt=start)
    connection = connections[events.db]
    if connection.vendor == "postgresql":
        # The same condition asked of the span index as well.
        table = connection.ops.quote_name(Event._meta.db_table)
        sql, params = overlap_sql(connection, start, end, table=table)
        events = events.filter(RawSQL(sql, params, output_field=BooleanField()))
    return events


def ending_at_or_after(events: QuerySet, moment: datetime.datetime) -> QuerySet:
    """``events`` that end at ``moment`` or later: under way then, or to come.

    The condition is on ``ends_at``, but lists of them are read in the order of ``starts_at``,
    whose index would be walked through every event that ended long before. So the start is
    bounded below as well, by the earliest start of the events under way at ``moment`` (a few,
    found through the span index), or ``moment`` itself when none is: the index of
    ``starts_at`` (which holds ``ends_at`` too, so a count needs no row) is read from there."""
    connection = connections[events.db]
    table = connection.ops.quote_name(Event._meta.db_table)
    margin = datetime.timedelta(seconds=1)
    span, span_params = overlap_sql(connection, moment - margin, moment + margin, table="running")
    adapt = connection.ops.adapt_datetimefield_value
    earliest = RawSQL(
        f"SELECT MIN(running.starts_at) FROM {table} running"
        f" WHERE running.starts_at < %s AND running.ends_at >= %s AND {span}",
        [adapt(moment), adapt(moment), *span_params],
        output_field=DateTimeField(),
    )
    return events.filter(ends_at__gte=moment, starts_at__gte=Coalesce(earliest, Value(moment)))
