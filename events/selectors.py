"""Scoped reads of events.

An event is seen by whoever may see its programme (``programme_visibility``): the events of a
draft programme stay with the people working on it. Lists are ordered by ``starts_at`` so the
database walks the ``starts_at`` indexes, and every query selects what the pages show.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from events.models import Event, EventTally
from events.recurrence import describe
from institutions.models import Institution
from programmes.models import Programme
from programmes.selectors import programme_visibility


def event_list(*, user: User) -> QuerySet[Event]:
    """The events ``user`` may see, earliest first, with host, venue, country and programme."""
    return (
        Event.objects.filter(programme_visibility(user=user, prefix="programme__"))
        .select_related("programme", "host_institution", "venue", "country")
        .order_by("starts_at", "pk")
    )


def event_get(*, user: User, pk: int) -> Event:
    """One event ``user`` may see; raises ``Event.DoesNotExist`` otherwise, so the event of a
    hidden draft programme looks like a missing one."""
    return (
        event_list(user=user)
        .select_related("programme__agreement", "venue__institution", "host_institution__country")
        .get(pk=pk)
    )


def local_days(
    starts_at: datetime.datetime, ends_at: datetime.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[datetime.date, datetime.date]:
    """The first and last day from ``starts_at`` to ``ends_at`` on the calendar of ``zone``. An
    end at midnight (always so for an all-day event) does not reach into the next day: the last
    day is that of the moment just before the end, counted in absolute time, not on the clock
    (where clocks skip midnight, as in Beirut in spring, the day begins at 01:00; a step back on
    an aware clock is a step back on its wall clock)."""
    first = starts_at.astimezone(zone).date()
    just_before = ends_at.astimezone(datetime.UTC) - datetime.timedelta(microseconds=1)
    return first, max(first, just_before.astimezone(zone).date())


def event_local_days(event: Event) -> tuple[datetime.date, datetime.date]:
    """The first and last day an event covers, in its own time zone (``local_days``)."""
    return local_days(event.starts_at, event.ends_at, event.zone)


def start_of_today() -> datetime.datetime:
    """Midnight today in the site's time zone: "upcoming" includes what runs later today."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))


def event_list_upcoming(*, user: User) -> QuerySet[Event]:
    return event_list(user=user).filter(starts_at__gte=start_of_today())


def event_list_for_programme(*, user: User, programme: Programme) -> QuerySet[Event]:
    return event_list(user=user).filter(programme=programme)


def event_list_hosted_upcoming(*, user: User, institution: Institution) -> QuerySet[Event]:
    return event_list_upcoming(user=user).filter(host_institution=institution)


def event_count_between(*, user: User, start: datetime.datetime, end: datetime.datetime) -> int:
    return Event.objects.filter(
        programme_visibility(user=user, prefix="programme__"),
        starts_at__gte=start,
        starts_at__lt=end,
    ).count()


@dataclass(frozen=True)
class Attendance:
    """People counted at held events, and how many of them were under 30."""

    total: int
    youth: int

    @property
    def youth_share(self) -> int | None:
        """Per cent of the counted audience under 30; None when nobody was counted."""
        return round(100 * self.youth / self.total) if self.total else None


def event_attendance_in_year(*, user: User, year: int) -> Attendance:
    """Attendance of the held events with a head count starting in ``year`` (in the site's time
    zone), that ``user`` may see: the measure of youth involvement. Read from the event tallies,
    so it costs as much with a hundred thousand events as with a hundred."""
    totals = EventTally.objects.filter(
        programme_visibility(user=user, prefix="programme__"),
        year=year,
        status=Event.Status.HELD,
    ).aggregate(total=Sum("audience"), youth=Sum("youth"))
    return Attendance(total=totals["total"] or 0, youth=totals["youth"] or 0)


@dataclass(frozen=True)
class Series:
    """What an event's page says of the series it belongs to: its first date (with the rule,
    in words), and its dates the reader may see, the first ``SERIES_DATES_SHOWN`` of them."""

    first: Event
    rule: str
    dates: list[Event]
    count: int


SERIES_DATES_SHOWN = 20


def event_series(*, user: User, event: Event) -> Series | None:
    """The series ``event`` begins or belongs to; None for an event that does not repeat."""
    if event.series_id is None and not event.recurrence_rule:
        return None
    first_pk = event.series_id or event.pk
    dates = event_list(user=user).filter(Q(pk=first_pk) | Q(series_id=first_pk))
    shown = list(dates[:SERIES_DATES_SHOWN])
    first = event if event.series_id is None else event.series
    return Series(
        first=first, rule=describe(first.recurrence_rule), dates=shown, count=dates.count()
    )
