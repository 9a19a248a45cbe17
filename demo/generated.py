"""Generated events for volume testing: many plausible events over the existing programmes.

Rows are built in memory and inserted in chunks through ``event_bulk_create``; one row at a
time through ``event_create`` would take minutes for 100,000. The batch is a function of its
size alone (``random.Random(count)``, UIDs ``generated-<count>-<n>@demo.dostlik``), so asking
for the same size again finds it loaded and adds nothing.
"""

import datetime
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from events.models import Event, Venue, all_day_bounds
from events.services import event_bulk_create
from institutions.models import Institution
from programmes.models import Partnership, Programme

CHUNK_SIZE = 5000

# A status fits the date: what is over was held or called off, what is ahead is still open.
_PAST_STATUSES = (Event.Status.HELD.value, Event.Status.CANCELLED.value)
_PAST_WEIGHTS = (88, 12)
_OPEN_STATUSES = (
    Event.Status.PLANNED.value,
    Event.Status.CONFIRMED.value,
    Event.Status.POSTPONED.value,
)
_OPEN_WEIGHTS = (55, 38, 7)
_ALL_DAY_SHARE = 0.1
# Timed events start between 09:00 and 18:30 and end by 23:00, on the day they start.
_LATEST_END_MINUTE = 23 * 60


def generated_event_uid(count: int, index: int) -> str:
    return f"generated-{count}-{index:06d}@demo.dostlik"


def generation_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Last year and this year: the span generated events fill, as far as programmes allow."""
    return datetime.date(today.year - 1, 1, 1), datetime.date(today.year, 12, 31)


def generation_days(
    programme: Programme, window: tuple[datetime.date, datetime.date]
) -> tuple[datetime.date, datetime.date]:
    """The days a programme's generated events fall on: its own dates within the window, or
    its own dates alone when it lies wholly outside, so no programme is left without events."""
    first_day = max(programme.starts_on, window[0])
    last_day = min(programme.ends_on, window[1])
    if first_day > last_day:
        return programme.starts_on, programme.ends_on
    return first_day, last_day


@dataclass(frozen=True)
class _Slot:
    """A programme with what its events draw from: partners as hosts, the days it allows."""

    programme_id: int
    hosts: tuple[Institution, ...]
    first_day: datetime.date
    days: int


class _EventFactory:
    """Draws one random event at a time: a programme, then a host among its partners and a
    day within its dates, then a status that fits that day."""

    def __init__(
        self,
        *,
        count: int,
        programmes: list[Programme],
        venues: list[Venue],
        now: datetime.datetime,
        today: datetime.date,
    ):
        self.count = count
        self.rng = random.Random(count)
        self.now = now
        window = generation_window(today)
        self.slots: list[_Slot] = []
        for programme in programmes:
            first_day, last_day = generation_days(programme, window)
            hosts = tuple(partnership.institution for partnership in programme.partnerships.all())
            if hosts:
                self.slots.append(
                    _Slot(programme.pk, hosts, first_day, (last_day - first_day).days + 1)
                )
        self.venues_by_city: dict[str, list[Venue]] = defaultdict(list)
        for venue in venues:
            self.venues_by_city[venue.city].append(venue)
        self.zones: dict[str, zoneinfo.ZoneInfo] = {}
        self.kinds = [kind.value for kind in Event.Kind]
        self.visibilities = [visibility.value for visibility in Event.Visibility]
        title_pattern = _("%(kind)s in %(city)s")
        cities = {host.city for slot in self.slots for host in slot.hosts}
        self.titles = {
            (kind, city): title_pattern % {"kind": Event.Kind(kind).label, "city": city}
            for kind in self.kinds
            for city in cities
        }
        self.description = _("Generated for volume testing.")

    def _zone(self, name: str) -> zoneinfo.ZoneInfo:
        if name not in self.zones:
            self.zones[name] = zoneinfo.ZoneInfo(name)
        return self.zones[name]

    def _span(
        self, slot: _Slot, zone: zoneinfo.ZoneInfo
    ) -> tuple[datetime.datetime, datetime.datetime, bool]:
        """Start, end and all-day flag, the whole event on the programme's days."""
        rng = self.rng
        offset = rng.randrange(slot.days)
        day = slot.first_day + datetime.timedelta(days=offset)
        if rng.random() < _ALL_DAY_SHARE:
            length = min(rng.randint(1, 5), slot.days - offset)
            starts_at, ends_at = all_day_bounds(
                day, day + datetime.timedelta(days=length - 1), zone.key
            )
            return starts_at, ends_at, True
        start_minute = rng.randrange(9 * 60, 19 * 60, 30)
        duration = rng.randrange(60, min(480, _LATEST_END_MINUTE - start_minute) + 1, 30)
        starts_at = datetime.datetime.combine(
            day, datetime.time(start_minute // 60, start_minute % 60), tzinfo=zone
        )
        return starts_at, starts_at + datetime.timedelta(minutes=duration), False

    def build(self, index: int) -> Event:
        rng = self.rng
        slot = rng.choice(self.slots)
        host = rng.choice(slot.hosts)
        candidates = self.venues_by_city.get(host.city)
        venue = rng.choice(candidates) if candidates and rng.random() < 0.6 else None
        place = venue or host
        country = place.country
        starts_at, ends_at, all_day = self._span(slot, self._zone(country.time_zone))
        kind = rng.choice(self.kinds)
        expected = rng.randrange(20, 3000, 10)
        actual = youth = None
        if ends_at <= self.now:
            status = rng.choices(_PAST_STATUSES, _PAST_WEIGHTS)[0]
            if status == Event.Status.HELD:
                actual = int(expected * rng.uniform(0.5, 1.3))
                youth = int(actual * rng.uniform(0.1, 0.9))
        else:
            # Not over yet (or under way): nobody can count who came.
            status = rng.choices(_OPEN_STATUSES, _OPEN_WEIGHTS)[0]
        return Event(
            programme_id=slot.programme_id,
            title=self.titles[(kind, host.city)],
            description=self.description,
            kind=kind,
            host_institution_id=host.pk,
            venue_id=venue.pk if venue else None,
            city=place.city,
            country_id=country.pk,
            time_zone=country.time_zone,
            starts_at=starts_at,
            ends_at=ends_at,
            all_day=all_day,
            status=status,
            visibility=rng.choice(self.visibilities),
            expected_attendance=expected,
            actual_attendance=actual,
            youth_attendance=youth,
            uid=generated_event_uid(self.count, index),
        )


@transaction.atomic
def demo_events_generate(*, count: int, progress_file: TextIO | None = None) -> int:
    """Add ``count`` generated events spread over every programme (drafts too), each on days of
    its programme within last year and this year (see ``generation_days``), hosted by one of its
    partners, with a status that fits its date. Returns how many were added: 0 when a batch of
    this size is already there. The progress bar goes to ``progress_file`` (standard error by
    default) and stays hidden when that is not a terminal."""
    if count <= 0 or Event.objects.filter(uid=generated_event_uid(count, 0)).exists():
        return 0
    programmes = list(
        Programme.objects.order_by("pk").prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("institution__country").order_by("pk"),
            )
        )
    )
    venues = list(Venue.objects.select_related("country").order_by("pk"))
    factory = _EventFactory(
        count=count,
        programmes=programmes,
        venues=venues,
        now=timezone.now(),
        today=timezone.localdate(),
    )
    if not factory.slots:
        raise ValueError("Generated events need at least one programme; load the demo first.")
    added = 0
    with tqdm(
        total=count,
        desc=_("Generating events"),
        unit=" " + _("events"),
        file=progress_file,
        disable=None,
    ) as progress:
        for chunk_start in range(0, count, CHUNK_SIZE):
            chunk_end = min(chunk_start + CHUNK_SIZE, count)
            chunk = [factory.build(index) for index in range(chunk_start, chunk_end)]
            added += event_bulk_create(events=chunk)
            progress.update(len(chunk))
    return added
