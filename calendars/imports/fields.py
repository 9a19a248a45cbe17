"""What one VEVENT of a readable calendar gives, as Dostlik stores it; what it cannot give (a
start, an end after it, a known time zone…) raises ``Skip`` with the reason, and only that
event is left out.

Dostlik's own files say more than RFC 5545 does (``calendars.ical``): ``X-DOSTLIK-KIND``,
``-STATUS``, ``-HOST``, ``-VENUE``, ``-CITY``, ``-COUNTRY``, and a DESCRIPTION that ends with
the programme and host, then the event's page (the URL property): that footer is taken off
exactly, so an event is never decorated twice.
"""

import dataclasses
import datetime
import re
import zoneinfo

import icalendar
from django.utils.translation import gettext as _
from icalendar.parser import unescape_backslash

from calendars.imports.errors import Skip
from calendars.imports.reading import TZID_MARK, CalendarFile, FileEvent
from calendars.imports.zones import (
    UTC_NAMES,
    FileZone,
    Work,
    iana_name,
    read_file_zone,
    vendor_zone,
    windows_zone,
    zone_like,
)
from events.models import Event, all_day_bounds

# Dates outside these years are typing errors, and far enough from the calendar's ends that
# adding a day or a duration cannot overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
DOSTLIK_PROPERTIES = (
    "X-DOSTLIK-KIND",
    "X-DOSTLIK-STATUS",
    "X-DOSTLIK-HOST",
    "X-DOSTLIK-VENUE",
    "X-DOSTLIK-CITY",
    "X-DOSTLIK-COUNTRY",
)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PARAGRAPHS = "\n\n"


def clean_text(value: str, *, one_line: bool = False) -> str:
    text = _CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return " ".join(text.split()) if one_line else text.strip()


def text_of(component: icalendar.Event, name: str, *, one_line: bool = False) -> str | None:
    """A property as clean text; None when absent, empty when not text (a SUMMARY given a date
    type, say). Of a repeated property, the first. A property the parser does not know
    (``X-…``) is text whose escapes are still there."""
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    if isinstance(value, icalendar.vUnknown):
        value = unescape_backslash(str(value))
    return clean_text(value, one_line=one_line) if isinstance(value, str) else ""


def uid_of(component: icalendar.Event) -> str:
    value = component.get("UID")
    if value is None or isinstance(value, list):
        raise Skip(_("It has no single UID, so a second import could not recognise it."))
    uid = value.strip() if isinstance(value, str) else ""
    if not uid or _CONTROL_CHARACTERS.search(uid):
        raise Skip(_("Its UID is empty or unreadable."))
    if len(uid) > Event._meta.get_field("uid").max_length:
        raise Skip(_("Its UID is longer than 255 characters."))
    return uid


def title_of(component: icalendar.Event) -> str:
    title = text_of(component, "SUMMARY", one_line=True) or ""
    limit = Event._meta.get_field("title").max_length
    return title if len(title) <= limit else title[: limit - 1] + "…"


def categories_of(component: icalendar.Event) -> list[str]:
    values = component.get("CATEGORIES")
    found = []
    for value in values if isinstance(values, list) else [values]:
        # Of a property the parser could not read (a vBroken), even asking raises.
        if isinstance(value, icalendar.vCategory):
            found += [clean_text(str(category), one_line=True) for category in value.cats]
    return found


def _footer_length(description: str, url: str) -> int:
    """The length of Dostlik's footer at the end of ``description`` (the programme and host,
    then the event's page, the same as the URL property), 0 when it has none."""
    paragraphs = description.split(_PARAGRAPHS)
    if not url or len(paragraphs) < 2 or paragraphs[-1] != url or " · " not in paragraphs[-2]:
        return 0
    return len(_PARAGRAPHS.join(paragraphs[-2:]))


@dataclasses.dataclass(frozen=True)
class Description:
    """What DESCRIPTION says, Dostlik's footer taken off; ``from_dostlik`` when the event came
    from a Dostlik calendar, whose place is in its own properties."""

    text: str | None
    from_dostlik: bool


def description_of(component: icalendar.Event) -> Description:
    text = text_of(component, "DESCRIPTION")
    url = text_of(component, "URL", one_line=True) or ""
    footer = _footer_length(text, url) if text else 0
    if footer:
        text = text[:-footer].rstrip()
    said = any(name in component for name in DOSTLIK_PROPERTIES)
    return Description(text, from_dostlik=bool(footer) or said)


def with_location(description: Description, location: str, *, current: str = "") -> str | None:
    """The event's text: DESCRIPTION (else ``current``), with another calendar's LOCATION kept
    in it unless already there; None when the file says neither."""
    if description.from_dostlik:
        return description.text
    if description.text is None and not location:
        return None
    text = current if description.text is None else description.text
    if location and location not in text:
        line = _("Location: %(location)s") % {"location": location}
        text = f"{text}\n\n{line}" if text else line
    return text


def sequence_of(component: icalendar.Event) -> int:
    value = component.get("SEQUENCE")
    return value if isinstance(value, int) and value > 0 else 0


def stamp_of(component: icalendar.Event) -> datetime.datetime | None:
    """When the file's copy of the event was written (DTSTAMP, else LAST-MODIFIED), in UTC."""
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        prop = component.get(name)
        value = prop.dt if isinstance(prop, icalendar.vDDDTypes) else None
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.UTC)
            return value.astimezone(datetime.UTC)
    return None


# ---------- times ----------


@dataclasses.dataclass(frozen=True)
class Clock:
    """What a TZID stands for: an IANA zone (``name`` "" for UTC, which says when, not where),
    or a file's own definition."""

    zone: zoneinfo.ZoneInfo | None = None
    name: str = ""
    file_zone: FileZone | None = None

    def instant(self, local: datetime.datetime) -> datetime.datetime:
        if self.file_zone is not None:
            return self.file_zone.instant(local)
        return local.replace(tzinfo=self.zone)


class Clocks:
    """The clocks one import's TZIDs name, each read once, within one import's work."""

    def __init__(self):
        self.work = Work()
        self._clocks: dict[tuple[int, str], Clock | Skip] = {}
        self._zones: dict[tuple, str] = {}

    def clock(self, calendar: CalendarFile, tzid: str) -> Clock:
        key = (id(calendar), tzid)
        if key not in self._clocks:
            try:
                self._clocks[key] = self._read(calendar, tzid)
            except Skip as skip:
                self._clocks[key] = skip
        found = self._clocks[key]
        if isinstance(found, Skip):
            raise found
        return found

    def _read(self, calendar: CalendarFile, tzid: str) -> Clock:
        if name := iana_name(tzid):
            return Clock(zone=zoneinfo.ZoneInfo(name), name="" if name in UTC_NAMES else name)
        unreadable = None
        if lines := calendar.zone_lines.get(tzid):
            try:
                parsed = icalendar.Calendar.from_ical(
                    "\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR"])
                )
                return Clock(file_zone=read_file_zone(parsed.subcomponents[0], self.work))
            except Exception as exc:  # ZoneUnreadable, or a parser fed a hostile definition
                unreadable = exc
        if name := windows_zone(tzid) or vendor_zone(tzid):
            return Clock(zone=zoneinfo.ZoneInfo(name), name=name)
        if unreadable is not None:
            raise Skip(
                _("Its time zone “%(tzid)s” is defined in the file in a way that cannot be read.")
                % {"tzid": tzid[:80]}
            )
        raise Skip(_("Its time zone “%(tzid)s” is unknown.") % {"tzid": tzid[:80]})

    def zone_like(self, calendar, tzid, file_zone, *, starts, ends, preferred, fallback) -> str:
        """``zones.zone_like``, once per TZID and month."""
        key = (id(calendar), tzid, starts.year, starts.month, tuple(preferred), fallback)
        if key not in self._zones:
            self._zones[key] = zone_like(
                file_zone,
                tzid=tzid,
                starts=starts,
                ends=ends,
                preferred=preferred,
                fallback=fallback,
            )
        return self._zones[key]


@dataclasses.dataclass(frozen=True)
class Places:
    """The zones an event's times are read on: dates and floating times (``floating``), times
    in UTC (``place``); ``preferred`` and ``fallback`` name the zone of a time read on the
    file's own definition (``zones.zone_like``)."""

    floating: str
    place: str
    preferred: tuple[str, ...] = ()
    fallback: str = ""


@dataclasses.dataclass(frozen=True)
class Times:
    starts: datetime.datetime
    ends: datetime.datetime
    all_day: bool
    time_zone: str


def _moment(component: icalendar.Event, name: str, calendar: CalendarFile):
    """The date or date-time of ``name`` and the TZID it names ("" for none); None when
    absent."""
    prop = component.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        raise Skip(_("It has more than one %(property)s.") % {"property": name})
    # A property the parser could not read is a vBroken, which has no value to ask for.
    value = prop.dt if isinstance(prop, icalendar.vDDDTypes) else None
    if not isinstance(value, datetime.date) or isinstance(value, tuple):
        raise Skip(_("Its %(property)s is not a date or a date and time.") % {"property": name})
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise Skip(
            _("Its %(property)s is outside the years %(first)s to %(last)s.")
            % {"property": name, "first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return value, calendar.tzid(prop.params.get(TZID_MARK)) if TZID_MARK in prop.params else ""


def _instant(value: datetime.datetime, tzid: str, event: FileEvent, clocks: Clocks, places):
    """An instant, the IANA zone of the clock it was written on ("" when that is the file's
    own definition), and that clock."""
    if value.tzinfo is not None:  # UTC says when, not where: the place's clock
        return value, places.place, None
    if not tzid:
        return value.replace(tzinfo=zoneinfo.ZoneInfo(places.floating)), places.floating, None
    clock = clocks.clock(event.calendar, tzid)
    if clock.file_zone is None and not clock.name:
        return clock.instant(value), places.place, clock
    return clock.instant(value), clock.name, clock


def _duration(component: icalendar.Event) -> datetime.timedelta | None:
    prop = component.get("DURATION")
    if prop is None:
        return None
    value = prop.dt if isinstance(prop, icalendar.vDDDTypes) else None
    if not isinstance(value, datetime.timedelta):
        raise Skip(_("Its DURATION is unreadable."))
    return value


def _days(start: datetime.date, end, duration, zone: str):
    if end is not None:
        if isinstance(end[0], datetime.datetime):
            raise Skip(_("Its start and end mix a date with a date and time."))
        end_day = end[0]
    elif duration is not None:
        if duration % datetime.timedelta(days=1):
            raise Skip(_("It lasts whole days, but its DURATION is not whole days."))
        end_day = start + duration
    else:
        end_day = start + datetime.timedelta(days=1)
    if end_day <= start:
        return None, None
    return all_day_bounds(start, end_day - datetime.timedelta(days=1), zone)


def event_times(event: FileEvent, clocks: Clocks, places: Places) -> Times:
    """Start, end, all day and time zone of the event, as Dostlik stores them."""
    component = event.component
    start = _moment(component, "DTSTART", event.calendar)
    if start is None:
        raise Skip(_("It has no start (DTSTART)."))
    end = _moment(component, "DTEND", event.calendar)
    duration = None if end is not None else _duration(component)
    start_value, start_tzid = start
    try:
        if isinstance(start_value, datetime.datetime):
            starts, zone, clock = _instant(start_value, start_tzid, event, clocks, places)
            if end is not None:
                if not isinstance(end[0], datetime.datetime):
                    raise Skip(_("Its start and end mix a date with a date and time."))
                ends = _instant(end[0], end[1], event, clocks, places)[0]
            elif duration is not None:
                ends = starts + duration
            else:
                raise Skip(_("It has no end (DTEND or DURATION)."))
            all_day = False
            if not zone:
                zone = clocks.zone_like(
                    event.calendar,
                    start_tzid,
                    clock.file_zone,
                    starts=starts,
                    ends=max(ends, starts),
                    preferred=places.preferred,
                    fallback=places.fallback or places.place,
                )
        else:
            zone, all_day = places.floating, True
            starts, ends = _days(start_value, end, duration, zone)
    except OverflowError as exc:
        raise Skip(_("Its end is out of range.")) from exc
    if starts is None or ends <= starts:
        raise Skip(_("It does not end after it starts (DTEND before DTSTART)."))
    if ends.year > LATEST_YEAR:
        raise Skip(_("Its end is out of range."))
    local = zoneinfo.ZoneInfo(zone)
    return Times(starts.astimezone(local), ends.astimezone(local), all_day, zone)


def places_of(time_zone: str) -> Places:
    """The clocks of the dates that belong to an event already read (its RECURRENCE-ID, its
    EXDATEs, its overrides' times): floating times and days on the event's own zone."""
    return Places(floating=time_zone, place=time_zone, preferred=(time_zone,), fallback=time_zone)


def moments_of(event: FileEvent, name: str, clocks: Clocks, time_zone: str) -> list:
    """The instants a date-list property (EXDATE, RECURRENCE-ID) names, read on the clocks
    DTSTART is read on; a day is its midnight on ``time_zone``'s clock."""
    found = event.component.get(name)
    if found is None:
        return []
    moments = []
    for prop in found if isinstance(found, list) else [found]:
        values = [value.dt for value in prop.dts] if hasattr(prop, "dts") else [prop.dt]
        tzid = event.calendar.tzid(prop.params.get(TZID_MARK)) if TZID_MARK in prop.params else ""
        for value in values:
            if isinstance(value, datetime.datetime):
                moments.append(_instant(value, tzid, event, clocks, places_of(time_zone))[0])
            elif isinstance(value, datetime.date):
                midnight = datetime.time(tzinfo=zoneinfo.ZoneInfo(time_zone))
                moments.append(datetime.datetime.combine(value, midnight))
            else:
                raise Skip(
                    _("Its %(property)s is not a date or a date and time.") % {"property": name}
                )
    return moments
