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
from typing import TextIO

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from events.models import Event, Venue
from events.services import event_bulk_create
from institutions.models import Institution
from programmes.models import Partnership, Programme

CHUNK_SIZE = 5000

_PAST_STATUSES = (
    Event.Status.HELD.value,
    Event.Status.CANCELLED.value,
    Event.Status.POSTPONED.value,
)
_PAST_WEIGHTS = (80, 12, 8)
_FUTURE_STATUSES = (
    Event.Status.PLANNED.value,
    Event.Status.CONFIRMED.value,
    Event.Status.POSTPONED.value,
    Event.Status.CANCELLED.value,
)
_FUTURE_WEIGHTS = (50, 35, 8, 7)


def generated_event_uid(count: int, index: int) -> str:
    return f"generated-{count}-{index:06d}@demo.dostlik"


class _EventFactory:
    """Draws one random event at a time from the programmes, hosts and venues there are."""

    def __init__(self, *, count: int, programmes: list[Programme], venues: list[Venue]):
        self.count = count
        self.rng = random.Random(count)
        self.now = timezone.now()
        this_year = timezone.localdate().year
        self.years = (this_year - 1, this_year)
        self.hosts: list[tuple[Programme, list[Institution]]] = [
            (programme, [partnership.institution for partnership in programme.partnerships.all()])
            for programme in programmes
        ]
        self.venues_by_city: dict[str, list[Venue]] = defaultdict(list)
        for venue in venues:
            self.venues_by_city[venue.city].append(venue)
        self.zones: dict[str, zoneinfo.ZoneInfo] = {}
        self.kinds = [kind.value for kind in Event.Kind]
        self.visibilities = [visibility.value for visibility in Event.Visibility]
        title_pattern = _("%(kind)s in %(city)s")
        self.titles = {
            (kind, city): title_pattern % {"kind": Event.Kind(kind).label, "city": city}
            for kind in self.kinds
            for city in {host.city for _programme, hosts in self.hosts for host in hosts}
        }
        self.description = _("Generated for volume testing.")

    def _zone(self, name: str) -> zoneinfo.ZoneInfo:
        if name not in self.zones:
            self.zones[name] = zoneinfo.ZoneInfo(name)
        return self.zones[name]

    def _span(self, zone: zoneinfo.ZoneInfo) -> tuple[datetime.datetime, datetime.datetime, bool]:
        rng = self.rng
        year = rng.choice(self.years)
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        if rng.random() < 0.1:
            starts_at = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
            return starts_at, starts_at + datetime.timedelta(days=rng.randint(1, 5)), True
        starts_at = datetime.datetime.combine(
            day, datetime.time(rng.randint(9, 19), rng.choice((0, 30))), tzinfo=zone
        )
        return starts_at, starts_at + datetime.timedelta(minutes=rng.randrange(60, 481, 30)), False

    def build(self, index: int) -> Event:
        rng = self.rng
        programme, hosts = rng.choice(self.hosts)
        host = rng.choice(hosts)
        candidates = self.venues_by_city.get(host.city)
        venue = rng.choice(candidates) if candidates and rng.random() < 0.6 else None
        place = venue or host
        country = place.country
        starts_at, ends_at, all_day = self._span(self._zone(country.time_zone))
        kind = rng.choice(self.kinds)
        expected = rng.randrange(20, 3000, 10)
        if starts_at < self.now:
            status = rng.choices(_PAST_STATUSES, _PAST_WEIGHTS)[0]
        else:
            status = rng.choices(_FUTURE_STATUSES, _FUTURE_WEIGHTS)[0]
        actual = youth = None
        if status == Event.Status.HELD:
            actual = int(expected * rng.uniform(0.5, 1.3))
            youth = int(actual * rng.uniform(0.1, 0.9))
        return Event(
            programme_id=programme.pk,
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
    """Add ``count`` generated events spread over every programme (drafts too), their partners
    as hosts, kinds, statuses, visibility, and last year and this year. Returns how many were
    added: 0 when a batch of this size is already there. The progress bar goes to
    ``progress_file`` (standard error by default) and stays hidden when that is not a terminal."""
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
    if not programmes:
        raise ValueError("Generated events need at least one programme; load the demo first.")
    venues = list(Venue.objects.select_related("country").order_by("pk"))
    factory = _EventFactory(count=count, programmes=programmes, venues=venues)
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
