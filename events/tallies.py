"""The event tallies (``EventTally``), which the reports add up instead of the events.

A tally row counts the events of one programme and year (in the site's time zone) by status,
kind, country and host; a bucket is a (programme pk, year) pair. The services that write events
(``events.services``) recount the buckets they touched, the one an edit moved an event out of
too, from the events themselves rather than adding and subtracting, so a tally never drifts from
its events. The whole table is rebuilt after every ``migrate`` (``events.apps``: a restore, a
change of ``TIME_ZONE``) and by ``manage.py retally``, for events written outside the services
(``loaddata``, SQL typed by hand).
"""

import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from events.models import Event, EventTally
from programmes.models import Programme

# Changing any other field of an event leaves its tallies as they are.
TALLIED_FIELDS = frozenset(
    {
        "programme",
        "programme_id",
        "starts_at",
        "status",
        "kind",
        "country",
        "country_id",
        "host_institution",
        "host_institution_id",
        "actual_attendance",
        "youth_attendance",
    }
)
# Rows inserted at once when the whole table is rebuilt.
BATCH_SIZE = 2000


def tally_year(starts_at: datetime.datetime) -> int:
    """The year an event starting at ``starts_at`` counts in: in the site's time zone, never the
    reader's, as every report counts years."""
    return starts_at.astimezone(timezone.get_default_timezone()).year


def _year_start(year: int) -> datetime.datetime:
    return datetime.datetime(year, 1, 1, tzinfo=timezone.get_default_timezone())


def _tally_rows(events: QuerySet[Event]) -> list[EventTally]:
    """``events`` counted by bucket, status, kind, country and host: one grouped query."""
    both = Q(actual_attendance__isnull=False, youth_attendance__isnull=False)
    lines = (
        events.order_by()
        .annotate(year=ExtractYear("starts_at", tzinfo=timezone.get_default_timezone()))
        .values("programme", "year", "status", "kind", "country", "host_institution")
        .annotate(
            tallied=Count("pk"),
            audience=Coalesce(Sum("actual_attendance"), 0),
            with_both=Count("pk", filter=both),
            audience_with_both=Coalesce(Sum("actual_attendance", filter=both), 0),
            youth=Coalesce(Sum("youth_attendance", filter=both), 0),
        )
    )
    return [
        EventTally(
            programme_id=line["programme"],
            year=line["year"],
            status=line["status"],
            kind=line["kind"],
            country_id=line["country"],
            host_institution_id=line["host_institution"],
            events=line["tallied"],
            audience=line["audience"],
            with_both=line["with_both"],
            audience_with_both=line["audience_with_both"],
            youth=line["youth"],
        )
        for line in lines
    ]


def _lock(programmes: QuerySet[Programme]) -> None:
    """Lock the rows of ``programmes``, in the order of their keys so that two writers never
    wait for each other."""
    list(programmes.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))


def retally(buckets: Iterable[tuple[int, int]], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount the (programme pk, year) ``buckets`` from their events: one grouped query, one
    delete, one insert, in one transaction. The programmes' rows are locked first, so two
    writers recounting the same programme take turns and the second counts the first's
    events."""
    programmes_by_year: dict[int, set[int]] = defaultdict(set)
    for programme_id, year in buckets:
        programmes_by_year[year].add(programme_id)
    if not programmes_by_year:
        return
    events_in = functools.reduce(
        operator.or_,
        (
            Q(
                programme__in=programmes,
                starts_at__gte=_year_start(year),
                starts_at__lt=_year_start(year + 1),
            )
            for year, programmes in programmes_by_year.items()
        ),
    )
    tallies_of = functools.reduce(
        operator.or_,
        (Q(year=year, programme__in=programmes) for year, programmes in programmes_by_year.items()),
    )
    programme_ids = set().union(*programmes_by_year.values())
    with transaction.atomic(using=using):
        _lock(Programme.objects.using(using).filter(pk__in=programme_ids))
        rows = _tally_rows(Event.objects.using(using).filter(events_in))
        EventTally.objects.using(using).filter(tallies_of).delete()
        EventTally.objects.using(using).bulk_create(rows)


def retally_all(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Rebuild every tally from the events; returns how many rows were written."""
    with transaction.atomic(using=using):
        # Every programme locked, as ``retally`` locks the ones it recounts: a save meanwhile
        # waits, then recounts its buckets from the rows written here.
        _lock(Programme.objects.using(using).all())
        rows = _tally_rows(Event.objects.using(using).all())
        EventTally.objects.using(using).all().delete()
        EventTally.objects.using(using).bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def tally_buckets(*events: Event) -> set[tuple[int, int]]:
    """The buckets ``events`` count in, as they stand."""
    return {(event.programme_id, tally_year(event.starts_at)) for event in events}


def rebuild_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=None, **kwargs) -> None:
    """After every migrate, on a database that has the tables: a restore or a new TIME_ZONE
    leaves the tallies wrong until they are rebuilt (connected in ``events.apps``)."""
    if not router.allow_migrate_model(using, EventTally):
        return
    if apps is not None:
        try:
            apps.get_model("events", "EventTally")
        except LookupError:
            return
    retally_all(using=using)
