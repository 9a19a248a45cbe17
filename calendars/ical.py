"""Dostlik's events as iCalendar (RFC 5545), written with the ``icalendar`` library.

What Outlook, Google and Apple calendars need: a VTIMEZONE for every TZID used, a stable UID,
a SEQUENCE that rises with each change, DTSTAMP, cancelled events kept with STATUS:CANCELLED,
all-day events as dates with an exclusive DTEND, the calendar's name and refresh interval.

Calendar apps poll feeds for ever, so each event's VEVENT is serialised once per version and
kept in the cache; a feed joins the cached blocks instead of serialising every event again.
"""

import datetime
import functools
import hashlib
from collections.abc import Iterable, Sequence

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum
from django.urls import reverse
from django.utils import translation

from events.models import Event
from events.selectors import event_local_days

PRODID = "-//Dostlik//Shared calendar of joint cultural programmes//EN"
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# Raise when what a VEVENT holds changes, so cached blocks of the old shape are not reused.
_VEVENT_FORMAT = 1

_STATUS = {
    Event.Status.PLANNED: "TENTATIVE",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CONFIRMED: "CONFIRMED",
    Event.Status.HELD: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
}


def event_url(event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("events:detail", args=[event.pk])


def event_location(event: Event) -> str:
    place = [event.venue.name] if event.venue_id else []
    return ", ".join([*place, event.city, event.country.name])


def vevent(event: Event) -> icalendar.Event:
    """One event as a VEVENT. Needs the event's programme, host, venue and country loaded."""
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    # The moment this version of the event was written: stable, so unchanged feeds stay
    # byte-identical between fetches.
    component.add("dtstamp", event.updated_at)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    component.add("summary", event.title)
    if event.all_day:
        first_day, last_day = event_local_days(event)
        component.add("dtstart", first_day)
        component.add("dtend", last_day + datetime.timedelta(days=1))
        component.add("transp", "TRANSPARENT")
    else:
        component.add("dtstart", event.local_starts_at)
        component.add("dtend", event.local_ends_at)
    component.add("status", _STATUS[event.status])
    component.add("location", event_location(event))
    component.add("url", event_url(event))
    component.add("contact", event.host_institution.name)
    component.add("categories", [event.get_kind_display()])
    details = [event.description] if event.description else []
    details.append(f"{event.programme.title} · {event.host_institution.name}")
    details.append(event_url(event))
    component.add("description", "\n\n".join(details))
    if event.visibility == Event.Visibility.PUBLIC:
        component.add("class", "PUBLIC")
    return component


def _vevent_key(event: Event) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return (
        f"ical:vevent:{_VEVENT_FORMAT}:{language}:{event.pk}:{event.version}:"
        f"{event.programme.version}:{event.updated_at.timestamp()}"
    )


def vevent_blocks(events: Sequence[Event]) -> list[bytes]:
    """Each event's serialised VEVENT, from the cache where this version was serialised before."""
    keys = [_vevent_key(event) for event in events]
    cached = cache.get_many(keys)
    missing = {}
    blocks = []
    for key, event in zip(keys, events, strict=True):
        block = cached.get(key)
        if block is None:
            block = missing[key] = vevent(event).to_ical()
        blocks.append(block)
    if missing:
        cache.set_many(missing, timeout=None)
    return blocks


@functools.cache
def _vtimezone(tzid: str) -> bytes:
    return icalendar.Timezone.from_tzid(tzid).to_ical()


def calendar_bytes(events: Iterable[Event], *, name: str, description: str = "") -> bytes:
    """A whole calendar: header, a VTIMEZONE for every TZID the events use, the events."""
    events = list(events)
    header = icalendar.Calendar()
    header.add("prodid", PRODID)
    header.add("version", "2.0")
    header.add("calscale", "GREGORIAN")
    header.add("method", "PUBLISH")
    header.add("name", name)
    header.add("x-wr-calname", name)
    if description:
        header.add("description", description)
        header.add("x-wr-caldesc", description)
    header.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    header.add("x-published-ttl", REFRESH_INTERVAL)
    opening = header.to_ical().removesuffix(b"END:VCALENDAR\r\n")
    zones = sorted({event.time_zone for event in events if not event.all_day})
    return b"".join(
        [
            opening,
            *(_vtimezone(zone) for zone in zones),
            *vevent_blocks(events),
            b"END:VCALENDAR\r\n",
        ]
    )


def feed_validators(
    events: QuerySet[Event], *, salt: str = ""
) -> tuple[str, datetime.datetime | None]:
    """An ETag and a Last-Modified for a feed of ``events``, from one aggregate query: a new,
    changed, removed or newly hidden event changes them. ``salt`` covers what else shapes the
    feed (its name, the reader's language)."""
    summary = events.order_by().aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        versions=Sum("version"),
        changed=Max("updated_at"),
        programmes=Sum("programme__version"),
    )
    fingerprint = "|".join(str(value) for value in (salt, *summary.values()))
    etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    return f'"{etag}"', summary["changed"]
