"""Repeating events, kept as one row per occurrence.

The first occurrence holds the rule (``Event.recurrence_rule``) and the dates skipped; every
other occurrence is an event of its own that names the first as its ``series``, with the start
the rule gives it (``recurrence_id``). So the calendar's month, week and agenda, the lists, the
warnings (a weekly event that meets a holiday flags that one date) and the reports (which count
held occurrences) see each occurrence as they see any event, and stay as fast.

``series_sync`` makes the rows say what the first occurrence and its rule say: it is called by
the event services whenever they write a first occurrence. An occurrence changed on its own
(moved, cancelled, retitled: ``detached``) is left as it is while the rule still gives its date;
the others follow the first in everything but their dates, status and attendance, which are
each occurrence's own. The iCalendar export writes the rule once (RRULE, EXDATE) and the
occurrences changed on their own as RECURRENCE-ID overrides (``calendars.ical``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, new_event_uid
from events.recurrence import Expansion, expand
from events.tallies import retally, tally_buckets

# What every occurrence that was not changed on its own takes from the first.
SHARED_FIELDS = (
    "programme",
    "title",
    "description",
    "translations",
    "kind",
    "host_institution",
    "venue",
    "city",
    "country",
    "time_zone",
    "all_day",
    "visibility",
    "expected_attendance",
)


def skipped_starts(event: Event) -> set[datetime.datetime]:
    """The starts of the occurrences skipped from ``event``'s series (iCalendar's EXDATE)."""
    return {datetime.datetime.fromisoformat(value) for value in event.recurrence_skipped}


def series_expansion(event: Event, *, today: datetime.date | None = None) -> Expansion:
    """The starts the rule of the first occurrence ``event`` gives, its own first, on its
    clock; skipped dates left out. Raises ``ValidationError`` when the rule cannot be used or
    does not give the event's own start first."""
    expansion = expand(event.recurrence_rule, first_start=event.local_starts_at, today=today)
    if expansion.starts[0] != event.local_starts_at:
        raise ValidationError(
            {
                "recurrence_rule": _(
                    "The event's own date must be the first the repetition gives: choose its "
                    "weekday among the days it repeats on, or start it on one of them."
                )
            }
        )
    skipped = skipped_starts(event)
    if expansion.starts[0] in skipped:
        raise ValidationError(
            {
                "recurrence_rule": _(
                    "The first date of a series cannot be left out of it: start the event on "
                    "its first date that takes place."
                )
            }
        )
    starts = [start for start in expansion.starts if start not in skipped]
    return Expansion(starts, expansion.complete)


def _occurrence_end(first: Event, start: datetime.datetime) -> datetime.datetime:
    if first.all_day:
        # Whole days on the place's calendar, whatever the clocks do meanwhile.
        days = first.local_ends_at.date() - first.local_starts_at.date()
        return datetime.datetime.combine(start.date() + days, datetime.time(), tzinfo=first.zone)
    return start + (first.ends_at - first.starts_at)


def series_sync(
    *,
    first: Event,
    changed: frozenset[str] | set[str] = frozenset(),
    today: datetime.date | None = None,
) -> None:
    """Make ``first``'s series say what ``first`` and its rule say (see the module): add the
    occurrences the rule gives that have no row, remove those it no longer gives, and bring
    the others in line. ``changed`` are the fields of ``first`` just changed: a new status of
    the first (but "held") goes to the others that were not changed on their own. Run inside
    the service's transaction."""
    occurrences = list(first.occurrences.all()) if first.pk else []
    if not first.recurrence_rule:
        if occurrences:
            first.occurrences.all().delete()
            retally(tally_buckets(*occurrences))
        Event.objects.filter(pk=first.pk).update(series_ends_at=None)
        return
    wanted = series_expansion(first, today=today).starts[1:]
    by_start = {occurrence.recurrence_id: occurrence for occurrence in occurrences}
    now = timezone.now()
    gone = [o for o in occurrences if o.recurrence_id not in set(wanted)]
    status_follows = "status" in changed and first.status != Event.Status.HELD
    new, updated = [], []
    for start in wanted:
        occurrence = by_start.get(start.astimezone(datetime.UTC))
        if occurrence is None:
            new.append(_new_occurrence(first, start, now))
            continue
        if occurrence.detached:
            continue
        before = _shown(occurrence)
        for name in SHARED_FIELDS:
            setattr(occurrence, f"{name}_id" if _is_relation(name) else name, _value(first, name))
        occurrence.starts_at = start
        occurrence.ends_at = _occurrence_end(first, start)
        if status_follows and occurrence.status != Event.Status.HELD:
            occurrence.status = first.status
        if _shown(occurrence) != before:
            occurrence.sequence += 1
            occurrence.updated_at = now
            updated.append(occurrence)
    if gone:
        Event.objects.filter(pk__in=[o.pk for o in gone]).delete()
    Event.objects.bulk_create(new)
    Event.objects.bulk_update(
        updated,
        [
            *(f"{name}_id" if _is_relation(name) else name for name in SHARED_FIELDS),
            "starts_at",
            "ends_at",
            "status",
            "sequence",
            "updated_at",
        ],
    )
    ends = [first.ends_at, *(o.ends_at for o in new), *(o.ends_at for o in occurrences)]
    ends = [end for end in ends if end is not None]
    Event.objects.filter(pk=first.pk).update(series_ends_at=max(ends))
    retally(tally_buckets(*gone, *new, *updated, *occurrences))


def _is_relation(name: str) -> bool:
    return Event._meta.get_field(name).is_relation


def _value(first: Event, name: str):
    return getattr(first, f"{name}_id" if _is_relation(name) else name)


def _shown(event: Event) -> tuple:
    return tuple(
        getattr(event, f"{name}_id" if _is_relation(name) else name)
        for name in (*SHARED_FIELDS, "starts_at", "ends_at", "status")
    )


def _new_occurrence(first: Event, start: datetime.datetime, now: datetime.datetime) -> Event:
    occurrence = Event(
        series=first,
        recurrence_id=start.astimezone(datetime.UTC),
        uid=new_event_uid(),
        starts_at=start,
        ends_at=_occurrence_end(first, start),
        status=first.status if first.status != Event.Status.HELD else Event.Status.PLANNED,
        created_at=now,
        updated_at=now,
    )
    for name in SHARED_FIELDS:
        setattr(occurrence, f"{name}_id" if _is_relation(name) else name, _value(first, name))
    return occurrence
