"""The event tallies (``EventTally``), kept right on every write of an event.

A tally row counts the events of one programme and year (in the site's time zone) by status,
kind, country and host; a bucket is a (programme pk, year) pair. A write recounts the buckets it
touched from the events themselves, rather than adding and subtracting, so a tally can never
drift from its events: an event saved or deleted through the ORM by the receivers connected
here (its old bucket too when an edit moved it), ``events.services.event_bulk_create`` itself,
and the whole table after every ``migrate`` (a restore, a change of ``TIME_ZONE``) and with
``manage.py retally``. Anything else that writes events without signals (``QuerySet.update``,
SQL) must call ``retally`` for the buckets it touched.
"""

import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.utils import timezone

from core.caching import data_changed
from events.models import Event
from programmes.models import Programme
from reports.models import EventTally

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
    events. The caller's write of the events is what moves the data stamp."""
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
        # One query: no receiver listens to tallies (core.caching.DERIVED_MODELS).
        EventTally.objects.using(using).filter(tallies_of).delete()
        EventTally.objects.using(using).bulk_create(rows)


def retally_all(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Rebuild every tally from the events; returns how many rows were written. Whatever was
    computed from the old tallies is stale."""
    with transaction.atomic(using=using):
        # Every programme locked, as ``retally`` locks the ones it recounts: a save meanwhile
        # waits, then recounts its buckets from the rows written here.
        _lock(Programme.objects.using(using).all())
        rows = _tally_rows(Event.objects.using(using).all())
        EventTally.objects.using(using).all().delete()
        EventTally.objects.using(using).bulk_create(rows, batch_size=BATCH_SIZE)
        data_changed()
    return len(rows)


# ---------- Keeping the tallies on every write ----------


def _buckets(event: Event) -> set[tuple[int, int]]:
    """Where ``event`` counts now and where its stored row counted when it was loaded."""
    buckets = {(event.programme_id, tally_year(event.starts_at))}
    loaded = getattr(event, "_loaded_values", {})
    if "programme_id" in loaded and "starts_at" in loaded:
        buckets.add((loaded["programme_id"], tally_year(loaded["starts_at"])))
    return buckets


def _tallied(update_fields) -> bool:
    return update_fields is None or bool(TALLIED_FIELDS & set(update_fields))


def _event_saving(sender, instance: Event, raw, using, update_fields=None, **kwargs) -> None:
    # An event not loaded from the database (a fixture's, one built with its pk) or loaded
    # without its programme or start: ask where its stored row is, before it changes.
    loaded = getattr(instance, "_loaded_values", {})
    if (
        instance.pk is None
        or ("programme_id" in loaded and "starts_at" in loaded)
        or not _tallied(update_fields)
    ):
        return
    stored = Event.objects.using(using).filter(pk=instance.pk)
    instance._loaded_values = stored.values("programme_id", "starts_at").first() or {}


def _event_saved(sender, instance: Event, raw, using, update_fields=None, **kwargs) -> None:
    if _tallied(update_fields):
        retally(_buckets(instance), using=using)
        instance._loaded_values = {
            "programme_id": instance.programme_id,
            "starts_at": instance.starts_at,
        }


def _event_deleted(sender, instance: Event, using, origin=None, **kwargs) -> None:
    # A programme deleted takes its events and its tally rows along (CASCADE): nothing to
    # recount, where recounting for each of its events would cost queries per event.
    if isinstance(origin, Programme) and origin.pk == instance.programme_id:
        return
    if isinstance(origin, QuerySet) and origin.model is Programme:
        return
    retally(_buckets(instance), using=using)


def _migrated(sender, using=DEFAULT_DB_ALIAS, apps=None, **kwargs) -> None:
    # After every migrate, on a database that has the tables: a restore or a new TIME_ZONE
    # leaves the tallies wrong until they are rebuilt.
    if not router.allow_migrate_model(using, EventTally):
        return
    if apps is not None:
        try:
            apps.get_model("reports", "EventTally")
            apps.get_model("events", "Event")
        except LookupError:
            return
    retally_all(using=using)


def connect(app_config) -> None:
    """Keep the tallies on every write of an event (called once, from the app's ``ready``)."""
    pre_save.connect(_event_saving, sender=Event, dispatch_uid="event_tallies_saving")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="event_tallies_saved")
    post_delete.connect(_event_deleted, sender=Event, dispatch_uid="event_tallies_deleted")
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="event_tallies_migrated")
