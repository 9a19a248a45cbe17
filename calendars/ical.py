"""Dostlik's events as iCalendar (RFC 5545), written with the ``icalendar`` library, and the
"add to calendar" links of Google Calendar and Outlook on the web.

What Outlook, Google and Apple calendars need: a VTIMEZONE for every TZID used, a stable UID,
a SEQUENCE that rises with each change, DTSTAMP, cancelled events kept with STATUS:CANCELLED,
all-day events as dates with an exclusive DTEND, the calendar's name and refresh interval.

What makes every parser read the same instants: each VTIMEZONE spans the years of the events
written in it and goes on by yearly rules (``calendars.vtimezones``); every text, the
calendar's name included, is escaped as TEXT. What RFC 5545 has no property for (the event's
kind, its status as Dostlik names it, its host and place) is written in ``X-DOSTLIK-*``
properties, so that importing a file Dostlik wrote loses nothing (``calendars.imports``).

Calendar apps poll feeds for ever, so each event's VEVENT is serialised once and stored in the
database (``VeventBlock``, one per event and language) under a key made of a digest of
everything it shows, which the database computes (a changed event has a new key, however it was
changed); a feed joins the stored blocks instead of serialising every event again, and loads
only the events whose block is missing or stale, so a deploy or an emptied cache costs no
serialising. A series is written once: its first date with its rule, its dates changed on their
own as overrides (``vevent``, ``written_events``). A calendar's ETag and Last-Modified are
cached until the content changes (``core.caching``); a whole feed unchanged since is sent from a
file on the server's disk, or its gzip copy (``calendars.calendar_files``).
"""

import datetime
import functools
import hashlib
import logging
import zoneinfo
from collections.abc import Callable, Iterable
from urllib.parse import quote, urlencode

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F, FilteredRelation, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import MD5, Cast, Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from calendars.models import VeventBlock
from calendars.vtimezones import vtimezone
from core.caching import cached
from events.models import Event
from events.selectors import event_local_days
from programmes.models import Programme

PRODID = "-//Dostlik//Shared calendar of joint cultural programmes//EN"
REFRESH_INTERVAL = datetime.timedelta(hours=1)
ONE_SECOND = datetime.timedelta(seconds=1)
# Raise when what a VEVENT holds changes, so cached blocks of the old shape are not reused.
_VEVENT_FORMAT = 6
# Events loaded, serialised and stored at a time, their blocks in one statement (``_store``).
_STORE_BATCH = 2_000
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
    """Venue, city and country, the country named in the active language."""
    place = [event.venue.name] if event.venue_id else []
    return ", ".join([*place, event.city, event.country.local_name])


def event_description(event: Event) -> str:
    """The event's own text, then its programme and host, then its page."""
    details = [event.description] if event.description else []
    details.append(f"{event.programme.title} · {event.host_institution.name}")
    details.append(event_url(event))
    return "\n\n".join(details)


def _exclusive_end_day(event: Event) -> datetime.date:
    """The day after an all-day event's last day, as calendars count whole days."""
    return event_local_days(event)[1] + datetime.timedelta(days=1)


def _as_written(event: Event, moment: datetime.datetime) -> datetime.datetime | datetime.date:
    """A moment of ``event`` as its DTSTART is written: its day for an all-day event, else on
    its own clock."""
    local = moment.astimezone(event.zone)
    return local.date() if event.all_day else local


def vevent(event: Event) -> icalendar.Event:
    """One event as a VEVENT. Needs the event's programme, host, venue and country loaded.

    The first occurrence of a series carries its rule (RRULE) and the dates taken out of it
    (EXDATE); an occurrence changed on its own is written as an override of its series (its
    UID, RECURRENCE-ID: the start the rule gives it); any other occurrence is written only
    where its series is not (``calendar_bytes``), as an event of its own."""
    component = icalendar.Event()
    if event.series_id is not None and event.detached:
        component.add("uid", event.series.uid)
        component.add("recurrence-id", _as_written(event, event.recurrence_id))
    else:
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
    if event.recurrence_rule:
        rule = icalendar.vRecur.from_ical(event.recurrence_rule)
        if event.all_day and "UNTIL" in rule:
            # UNTIL takes the type of DTSTART (RFC 5545): a day for an all-day series.
            rule["UNTIL"] = [_as_written(event, until) for until in rule["UNTIL"]]
        component.add("rrule", rule)
        for skipped in sorted(event.recurrence_skipped):
            moment = datetime.datetime.fromisoformat(skipped)
            component.add("exdate", _as_written(event, moment))
    component.add("status", _STATUS[event.status])
    component.add("location", event_location(event))
    component.add("url", event_url(event))
    component.add("contact", event.host_institution.name)
    component.add("categories", [event.get_kind_display()])
    component.add("description", event_description(event))
    is_public = event.visibility == Event.Visibility.PUBLIC
    component.add("class", "PUBLIC" if is_public else "PRIVATE")
    for name, value in dostlik_properties(event).items():
        component.add(name, icalendar.vText(value))
    return component


def dostlik_properties(event: Event) -> dict[str, str]:
    """What RFC 5545 has no property for, as Dostlik's own: an import of the file reads them
    back (``calendars.imports``); other calendars ignore them."""
    properties = {
        "X-DOSTLIK-KIND": event.kind,
        "X-DOSTLIK-STATUS": event.status,
        "X-DOSTLIK-HOST": event.host_institution.name,
    }
    if event.venue_id:
        properties["X-DOSTLIK-VENUE"] = event.venue.name
    properties["X-DOSTLIK-CITY"] = event.city
    properties["X-DOSTLIK-COUNTRY"] = event.country.code
    return properties


# What a VEVENT shows, as columns of the event and of the rows it names: the database digests
# them with every read of a calendar's events (``_shown``), and the digest names the cached
# block. A change to any of them makes a new key, whoever wrote it: a service, the admin, or
# an UPDATE typed by hand that moves no version.
_SHOWN_FIELDS = (
    "uid",
    "sequence",
    "created_at",
    "updated_at",
    "title",
    "description",
    "kind",
    "status",
    "visibility",
    "all_day",
    "starts_at",
    "ends_at",
    "time_zone",
    "city",
    "programme__title",
    "programme__status",
    "host_institution__name",
    "venue__name",
    "country__name",
    "country__code",
    "recurrence_rule",
    "recurrence_skipped",
    "series__uid",
    "recurrence_id",
    "detached",
)


class _Joined(Func):
    """Its fields as text, each followed by the unit separator (a control character, which no
    title or name may hold: text moved from one field to the next still changes the whole),
    in one flat expression: ``Concat`` nests a pair of parentheses per field, deeper than
    SQLite's parser goes."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()

    def __init__(self, *fields: str):
        parts = []
        for field in fields:
            parts += [
                Coalesce(Cast(F(field), TextField()), Value("", output_field=TextField())),
                Value("\x1f", output_field=TextField()),
            ]
        super().__init__(*parts)


def _shown() -> MD5:
    """The digest of ``_SHOWN_FIELDS``, computed by the database for each event."""
    return MD5(_Joined(*_SHOWN_FIELDS))


# What a calendar reads of each event before loading any: the key of its block, and the zone
# its VEVENT is written in.
_ROW_FIELDS = (
    "pk",
    "vevent_digest",
    "all_day",
    "time_zone",
    "starts_at",
    "ends_at",
    "series_ends_at",
)


def _key_context() -> tuple[str, str]:
    """What every block of one calendar shares: the language its blocks are stored in (one per
    event and language), and the start of their keys, the format and the site's address, so a
    block written in another format or for another address is made again, not reused."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    shape = hashlib.sha256(repr((_VEVENT_FORMAT, settings.SITE_URL)).encode()).hexdigest()[:16]
    return language, shape


def _key(shape: str, digest: str) -> str:
    """The key of a VEVENT showing what ``digest`` sums up, written as ``shape`` says."""
    return f"{shape}:{digest}"


def _rows(events: QuerySet[Event]) -> list[tuple]:
    """``_ROW_FIELDS`` of ``events``, in their order: one read, nothing loaded."""
    return list(events.annotate(vevent_digest=_shown()).values_list(*_ROW_FIELDS))


def _queryset_blocks(events: QuerySet[Event]) -> tuple[list[bytes], set[str]]:
    """The VEVENTs of ``events`` in their order, and the zones they are written in.

    One read of ``events`` gives each event's key with its stored block (``VeventBlock``) in the
    reader's language; only the events whose stored block has another key, or none, are loaded
    and serialised, and their blocks stored, so a feed of many events that changed in one costs
    that read and one event, after a deploy or an emptied cache too. They are loaded, serialised
    and stored ``_STORE_BATCH`` at a time: a fetch cut short (a worker's timeout, on a first
    fetch of 100,000 events) leaves what it made to the next. An event changed between the two
    reads is stored under the key of what was loaded, which the next read tells apart; an event
    gone by then is left out."""
    language, shape = _key_context()
    rows = list(
        events.annotate(
            vevent_digest=_shown(),
            stored=FilteredRelation("vevent_blocks", condition=Q(vevent_blocks__language=language)),
        ).values_list(*_ROW_FIELDS, "stored__key", "stored__text")
    )
    missing = sorted(pk for pk, digest, *_shape, key, _text in rows if key != _key(shape, digest))
    made = {}
    for start in range(0, len(missing), _STORE_BATCH):
        loaded = (
            Event.objects.filter(pk__in=missing[start : start + _STORE_BATCH])
            .annotate(vevent_digest=_shown())
            .select_related("programme", "host_institution", "venue", "country", "series")
        )
        fresh = []
        for event in loaded:
            made[event.pk] = block = vevent(event).to_ical()
            key = _key(shape, event.vevent_digest)
            fresh.append(
                VeventBlock(event_id=event.pk, language=language, key=key, text=block.decode())
            )
        _store(fresh)
    blocks = []
    spans = _ZoneSpans()
    for pk, digest, all_day, zone, starts_at, ends_at, series_ends_at, key, text in rows:
        block = text.encode() if key == _key(shape, digest) else made.get(pk)
        if block is None:
            continue
        blocks.append(block)
        if not all_day:
            # A series is written once, its VTIMEZONE spanning the dates its rule gives.
            spans.add(zone, starts_at, series_ends_at or ends_at)
    return blocks, spans


logger = logging.getLogger(__name__)


def _store(blocks: list[VeventBlock]) -> None:
    """Keep ``blocks`` in place of their events' older ones.

    Two fetches may store the same events at once: the later wins, both were current when they
    read. Written in the order of the events in every fetch, so that two never wait on each
    other's rows in a circle. A store that fails (the database refusing, or too slow) costs only
    serialising those events again at the next fetch; it never fails the fetch. The block of an
    event deleted meanwhile is stored all the same, and never read."""
    try:
        with transaction.atomic():
            VeventBlock.objects.bulk_create(
                sorted(blocks, key=lambda block: block.event_id),
                batch_size=_STORE_BATCH,
                update_conflicts=True,
                unique_fields=["event", "language"],
                update_fields=["key", "text"],
            )
    except DatabaseError:
        logger.warning("Serialised events not stored; they are serialised again", exc_info=True)


class _ZoneSpans(dict[str, tuple[int, int]]):
    """The zones a calendar's timed events are written in, each with the first and the last
    year it is used in. A zone written as UTC ("Z") needs no VTIMEZONE."""

    def add(self, zone: str, starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
        if _written_as_utc(zone):
            return
        first, last = self.get(zone, (starts_at.year, ends_at.year))
        self[zone] = (min(first, starts_at.year), max(last, ends_at.year))


@functools.cache
def _written_as_utc(zone: str) -> bool:
    moment = datetime.datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo(zone))
    return icalendar.vDatetime(moment).to_ical().endswith(b"Z")


def written_events(events: QuerySet[Event]) -> QuerySet[Event]:
    """The events of a calendar that are written as VEVENTs: not the occurrences that the rule
    of a series in the same calendar gives as they are (their first writes them all)."""
    return events.exclude(detached=False, series__in=events.values("pk"))


def calendar_bytes(
    events: QuerySet[Event] | Iterable[Event], *, name: str, description: str = ""
) -> bytes:
    """A whole calendar: header, a VTIMEZONE for every TZID the events use, the events.
    All-day events are dates without a zone, so they need no VTIMEZONE. Events given as a
    queryset are loaded only where their VEVENT is not stored (``_queryset_blocks``); events
    given loaded (a few: one event's or one programme's file) are serialised."""
    if isinstance(events, QuerySet):
        blocks, spans = _queryset_blocks(written_events(events))
    else:
        events = list(events)
        present = {event.pk for event in events}
        events = [e for e in events if e.detached or e.series_id not in present]
        blocks = [vevent(event).to_ical() for event in events]
        spans = _ZoneSpans()
        for event in events:
            if not event.all_day:
                spans.add(event.time_zone, event.starts_at, event.series_ends_at or event.ends_at)
    if not blocks:
        # A calendar holds at least one component (RFC 5545): an empty one holds the zone of
        # the site, which is also the zone it names for its (absent) events.
        this_year = timezone.now().year
        spans[settings.TIME_ZONE] = (this_year, this_year)
    header = icalendar.Calendar()
    header.add("prodid", PRODID)
    header.add("version", "2.0")
    header.add("calscale", "GREGORIAN")
    # Escaped as TEXT: X- and RFC 7986 properties are otherwise written as they come, and a
    # comma, a semicolon or a new line in a name would cut or break the line.
    header.add("name", icalendar.vText(name))
    header.add("x-wr-calname", icalendar.vText(name))
    if description:
        header.add("description", icalendar.vText(description))
        header.add("x-wr-caldesc", icalendar.vText(description))
    header.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    header.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL).to_ical().decode())
    opening = header.to_ical().removesuffix(b"END:VCALENDAR\r\n")
    return b"".join(
        [
            opening,
            *(vtimezone(zone, *spans[zone]) for zone in sorted(spans)),
            *blocks,
            b"END:VCALENDAR\r\n",
        ]
    )


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
    """An ETag and a Last-Modified for a feed of ``events``, from one read of the digest of what
    each event shows: a new, changed, removed or newly hidden event changes them. ``cache_key``
    covers what else shapes the feed (its name, filters and reader, the language) and should
    name one feed for one reader, as the moment a feed last changed is remembered under it.

    They are cached until the content changes (``core.caching``): a calendar app polling an
    unchanged feed costs no query here. A change made outside the app, which moves no content
    version, is in them once the cached ones expire (``CACHE_TIMEOUT``), or at once after
    ``manage.py retally``. ``events`` may be given as a function that
    returns them, called only when they are read."""
    return cached(
        f"ical:validators|{_VEVENT_FORMAT}|{settings.SITE_URL}|{cache_key}",
        lambda: _validators(events() if callable(events) else events, cache_key=cache_key),
    )


def _validators(events: QuerySet[Event], *, cache_key: str) -> tuple[str, datetime.datetime]:
    rows = _rows(events.order_by("pk"))
    # From what each event shows (``_shown``), computed afresh from the rows whenever the
    # validators are: a change that moved no version (an UPDATE typed by hand) changes them too.
    fingerprint = hashlib.sha256(f"{_VEVENT_FORMAT}|{settings.SITE_URL}|{cache_key}".encode())
    for pk, digest, *_shape in rows:
        fingerprint.update(f"|{pk}:{digest}".encode())
    etag = f'"{fingerprint.hexdigest()[:32]}"'
    return etag, _first_seen(cache_key=cache_key, etag=etag)


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
