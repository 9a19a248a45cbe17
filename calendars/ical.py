"""Dostlik's events as iCalendar (RFC 5545), written with the ``icalendar`` library, and the
"add to calendar" links of Google Calendar and Outlook on the web.

What Outlook, Google and Apple calendars need: a VTIMEZONE for every TZID used, a stable UID,
a SEQUENCE that rises with each change, DTSTAMP, cancelled events kept with STATUS:CANCELLED,
all-day events as dates with an exclusive DTEND, the calendar's name and refresh interval.

Calendar apps poll feeds for ever, so each event's VEVENT is serialised once and cached under a
key made of everything it shows (a changed event has a new key: nothing is ever cleared); a feed
joins the cached blocks instead of serialising every event again, and loads only the events
whose block is not cached. A calendar's ETag and Last-Modified are cached until the content
changes (``core.caching``); a whole feed unchanged since is sent from a file on the server's disk
(``calendars.calendar_files``).
"""

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote, urlencode

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, QuerySet, Sum, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from core.caching import cached
from events.models import Event, Venue
from events.selectors import event_local_days
from institutions.models import Country, Institution
from programmes.models import Programme

PRODID = "-//Dostlik//Shared calendar of joint cultural programmes//EN"
REFRESH_INTERVAL = datetime.timedelta(hours=1)
ONE_SECOND = datetime.timedelta(seconds=1)
# Raise when what a VEVENT holds changes, so cached blocks of the old shape are not reused.
_VEVENT_FORMAT = 3
# A serialised VEVENT is kept this long after it was written; a feed polled more rarely than
# that serialises it again. Bounded, so the versions an edit leaves behind expire.
VEVENT_CACHE_TIMEOUT = int(datetime.timedelta(days=30).total_seconds())
# How long a feed's last ETag is remembered (see ``_first_seen``); forgetting it costs one
# full download to a client that asks with If-Modified-Since only.
FEED_STATE_TIMEOUT = int(datetime.timedelta(days=30).total_seconds())

GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR_URL = "https://outlook.office.com/calendar/0/deeplink/compose"
# Both services take the event in the link's query string; browsers and servers refuse very
# long addresses, so a long description is shortened there (the event page has all of it).
LINK_DESCRIPTION_LENGTH = 800

_STATUS = {
    Event.Status.PLANNED: "TENTATIVE",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CONFIRMED: "CONFIRMED",
    Event.Status.HELD: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
}


def event_url(event: Event) -> str:
    """The page a calendar links to: the public page of a public event of a published
    programme, which anyone can open; otherwise the desk's page, behind sign-in."""
    is_public = (
        event.visibility == Event.Visibility.PUBLIC
        and event.programme.status in Programme.Status.published_states
    )
    name = "public:event" if is_public else "events:detail"
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[event.pk])


def event_location(event: Event) -> str:
    place = [event.venue.name] if event.venue_id else []
    return ", ".join([*place, event.city, event.country.name])


def event_description(event: Event) -> str:
    """The event's own text, then its programme and host, then its page."""
    details = [event.description] if event.description else []
    details.append(f"{event.programme.title} · {event.host_institution.name}")
    details.append(event_url(event))
    return "\n\n".join(details)


def _exclusive_end_day(event: Event) -> datetime.date:
    """The day after an all-day event's last day, as calendars count whole days."""
    return event_local_days(event)[1] + datetime.timedelta(days=1)


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
        component.add("dtstart", event_local_days(event)[0])
        component.add("dtend", _exclusive_end_day(event))
        component.add("transp", "TRANSPARENT")
    else:
        component.add("dtstart", event.local_starts_at)
        component.add("dtend", event.local_ends_at)
    component.add("status", _STATUS[event.status])
    component.add("location", event_location(event))
    component.add("url", event_url(event))
    component.add("contact", event.host_institution.name)
    component.add("categories", [event.get_kind_display()])
    component.add("description", event_description(event))
    if event.visibility == Event.Visibility.PUBLIC:
        component.add("class", "PUBLIC")
    return component


# What a cached VEVENT is made of, read without loading the event: the version and the moment
# of change of the event and of its programme (every change to either moves them, so they stand
# for the titles, times, status and texts), and the names it shows of rows that keep no version.
_KEY_FIELDS = (
    "pk",
    "version",
    "updated_at",
    "programme_id",
    "programme__version",
    "programme__updated_at",
    "host_institution__name",
    "venue__name",
    "country__name",
)
# What a calendar needs of each event besides its block: the zone its VEVENT is written in.
_ROW_FIELDS = (*_KEY_FIELDS, "all_day", "time_zone")
_ALL_DAY, _TIME_ZONE = len(_KEY_FIELDS), len(_KEY_FIELDS) + 1


def _key_context() -> str:
    """What every block of one calendar shares: the format, the language, the site's address."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return repr((_VEVENT_FORMAT, language, settings.SITE_URL))


def _key(context: str, made_of: tuple) -> str:
    """The cache key of a VEVENT made of ``made_of`` (the values of ``_KEY_FIELDS``). Moments
    are written out, so the same moment read in another time zone gives the same key."""
    written = tuple(
        value.isoformat() if isinstance(value, datetime.datetime) else value for value in made_of
    )
    digest = hashlib.sha256(f"{context}{written!r}".encode()).hexdigest()[:40]
    return f"ical:vevent:{made_of[0]}:{digest}"


def _made_of(event: Event) -> tuple:
    """``_KEY_FIELDS`` of a loaded event (with its programme, host, venue and country)."""
    return (
        event.pk,
        event.version,
        event.updated_at,
        event.programme_id,
        event.programme.version,
        event.programme.updated_at,
        event.host_institution.name,
        event.venue.name if event.venue_id else None,
        event.country.name,
    )


def _vevent_key(event: Event) -> str:
    """A key naming everything the VEVENT is made of. Besides the event's own version it covers
    what lives on other rows (the programme's version, the host's, venue's and country's names),
    so renaming a host is never answered from a stale block."""
    return _key(_key_context(), _made_of(event))


def vevent_blocks(events: Sequence[Event]) -> list[bytes]:
    """Each event's serialised VEVENT, from the cache where this version was serialised before."""
    context = _key_context()
    keys = [_key(context, _made_of(event)) for event in events]
    cached = cache.get_many(keys)
    missing = {}
    blocks = []
    for key, event in zip(keys, events, strict=True):
        block = cached.get(key)
        if block is None:
            block = missing[key] = vevent(event).to_ical()
        blocks.append(block)
    if missing:
        cache.set_many(missing, timeout=VEVENT_CACHE_TIMEOUT)
    return blocks


def _queryset_blocks(events: QuerySet[Event]) -> tuple[list[bytes], set[str]]:
    """The VEVENTs of ``events`` in their order, and the zones they are written in.

    The keys come from one narrow read of ``events``; only the events whose block is not cached
    are loaded and serialised, so a feed of many events that changed in one costs the narrow
    read, the cache and one event. An event gone between the two reads is left out."""
    context = _key_context()
    rows = list(events.values_list(*_ROW_FIELDS))
    keys = [_key(context, row[:_ALL_DAY]) for row in rows]
    cached = cache.get_many(keys)
    missing = [row[0] for row, key in zip(rows, keys, strict=True) if key not in cached]
    made = {}
    if missing:
        for event in Event.objects.filter(pk__in=missing).select_related(
            "programme", "host_institution", "venue", "country"
        ):
            # The key of what was loaded, which is what the block holds.
            made[event.pk] = (_vevent_key(event), vevent(event).to_ical())
        cache.set_many(dict(made.values()), timeout=VEVENT_CACHE_TIMEOUT)
    blocks = []
    zones = set()
    for row, key in zip(rows, keys, strict=True):
        block = cached.get(key)
        if block is None:
            if row[0] not in made:
                continue
            block = made[row[0]][1]
        blocks.append(block)
        if not row[_ALL_DAY]:
            zones.add(row[_TIME_ZONE])
    return blocks, zones


@functools.cache
def _vtimezone(tzid: str) -> bytes:
    return icalendar.Timezone.from_tzid(tzid).to_ical()


def calendar_bytes(
    events: QuerySet[Event] | Iterable[Event], *, name: str, description: str = ""
) -> bytes:
    """A whole calendar: header, a VTIMEZONE for every TZID the events use, the events.
    All-day events are dates without a zone, so they need no VTIMEZONE. Events given as a
    queryset are loaded only where their VEVENT is not cached (``_queryset_blocks``)."""
    if isinstance(events, QuerySet):
        blocks, zones = _queryset_blocks(events)
    else:
        events = list(events)
        blocks = vevent_blocks(events)
        zones = {event.time_zone for event in events if not event.all_day}
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
    header.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL).to_ical().decode())
    opening = header.to_ical().removesuffix(b"END:VCALENDAR\r\n")
    return b"".join(
        [
            opening,
            *(_vtimezone(zone) for zone in sorted(zones)),
            *blocks,
            b"END:VCALENDAR\r\n",
        ]
    )


def _names_digest() -> str:
    """A digest of the names VEVENTs show from rows that keep no version (hosts, venues,
    countries), read in one query: part of every calendar's ETag (``feed_validators``)."""
    tables = [
        model.objects.order_by().annotate(table=Value(label)).values_list("table", "pk", "name")
        for label, model in (("institution", Institution), ("venue", Venue), ("country", Country))
    ]
    names = sorted(tables[0].union(*tables[1:], all=True))
    return hashlib.sha256(repr(names).encode()).hexdigest()


def _first_seen(*, cache_key: str, etag: str) -> datetime.datetime:
    """When this feed was first answered with ``etag`` since it last looked different.

    The newest ``updated_at`` alone would not do as Last-Modified: an event deleted, hidden by
    a withdrawn role or moved out of the feed's dates leaves it as it was, and a client asking
    "changed since?" would be told no. The feed's last ETag and the moment it appeared are kept
    in the cache under the cache_key; when they are lost, the feed counts as changed now, which
    costs a client one full download and never hides a change."""
    key = "ical:feed-state:" + hashlib.sha256(cache_key.encode()).hexdigest()[:40]
    state = cache.get(key)
    if state is not None and state[0] == etag:
        return state[1]
    since = now = timezone.now()
    if state is not None:
        # HTTP dates count whole seconds: a change within the second of the previous version
        # must still read as later, or a client holding that version would be told "not
        # modified". Never more than a second ahead, however fast the feed changes.
        since = min(max(now, state[1] + ONE_SECOND), now + ONE_SECOND)
    cache.set(key, (etag, since), timeout=FEED_STATE_TIMEOUT)
    return since


def feed_validators(
    events: QuerySet[Event] | Callable[[], QuerySet[Event]], *, cache_key: str = ""
) -> tuple[str, datetime.datetime]:
    """An ETag and a Last-Modified for a feed of ``events``, from one aggregate query: a new,
    changed, removed or newly hidden event changes them. ``cache_key`` covers what else shapes the
    feed (its name, filters and reader, the language) and should name one feed for one reader,
    as the moment a feed last changed is remembered under it.

    They are cached until the content changes (``core.caching``): a calendar app polling an
    unchanged feed costs no query here. ``events`` may be given as a function that
    returns them, called only when they are read."""
    return cached(
        f"ical:validators|{_VEVENT_FORMAT}|{settings.SITE_URL}|{cache_key}",
        lambda: _validators(events() if callable(events) else events, cache_key=cache_key),
    )


def _validators(events: QuerySet[Event], *, cache_key: str) -> tuple[str, datetime.datetime]:
    summary = events.order_by().aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        # With the sum of ids, tells apart two sets of events of the same size and sum, as when
        # one role is taken away and another given at once.
        id_squares=Sum(F("pk") * F("pk")),
        versions=Sum("version"),
        changed=Max("updated_at"),
        programmes=Sum("programme__version"),
        programmes_changed=Max("programme__updated_at"),
    )
    # The names VEVENTs show from rows that keep no version: renaming a host, a venue or a
    # country changes the feeds that show it.
    names = cached("ical:names", _names_digest)
    fingerprint = "|".join(
        str(value)
        for value in (_VEVENT_FORMAT, settings.SITE_URL, cache_key, names, *summary.values())
    )
    etag = f'"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"'
    changes = [
        summary["changed"],
        summary["programmes_changed"],
        _first_seen(cache_key=cache_key, etag=etag),
    ]
    return etag, max(moment for moment in changes if moment is not None)


# ---------- links that open an event in Google Calendar or Outlook on the web ----------


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _link_details(event: Event) -> str:
    description = Truncator(event.description).chars(LINK_DESCRIPTION_LENGTH)
    return "\n\n".join(part for part in (description, event_url(event)) if part)


def _query(params: dict[str, str]) -> str:
    # Spaces as %20, not "+": Outlook shows a "+" literally. "/" is left as it is, as in
    # Google's ``dates`` (start/end).
    return urlencode(params, quote_via=quote, safe="/")


def google_calendar_url(event: Event) -> str:
    """Google Calendar's "new event" page, filled in with ``event``. All-day: local dates with
    an exclusive end (YYYYMMDD/YYYYMMDD); timed: UTC instants, shown in the event's zone."""
    if event.all_day:
        first_day = event_local_days(event)[0]
        dates = f"{first_day:%Y%m%d}/{_exclusive_end_day(event):%Y%m%d}"
    else:
        dates = f"{_utc(event.starts_at):%Y%m%dT%H%M%SZ}/{_utc(event.ends_at):%Y%m%dT%H%M%SZ}"
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": _link_details(event),
        "location": event_location(event),
        "ctz": event.time_zone,
    }
    return f"{GOOGLE_CALENDAR_URL}?{_query(params)}"


def outlook_calendar_url(event: Event) -> str:
    """Outlook on the web's "new event" form, filled in with ``event``. All-day: local dates
    (YYYY-MM-DD) with an exclusive end; timed: UTC instants (YYYY-MM-DDTHH:MM:SSZ)."""
    if event.all_day:
        start = event_local_days(event)[0].isoformat()
        end = _exclusive_end_day(event).isoformat()
    else:
        start = f"{_utc(event.starts_at):%Y-%m-%dT%H:%M:%SZ}"
        end = f"{_utc(event.ends_at):%Y-%m-%dT%H:%M:%SZ}"
    params = {
        # Older Outlook deep links need these two to open the form rather than the calendar.
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": start,
        "enddt": end,
        "body": _link_details(event),
        "location": event_location(event),
        "allday": "true" if event.all_day else "false",
    }
    return f"{OUTLOOK_CALENDAR_URL}?{_query(params)}"
