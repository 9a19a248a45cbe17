"""Reading an uploaded iCalendar file, and each of its events, without trusting either.

A file is judged by parsing, never by its name. One that is not one readable calendar (too
large, too many events, not UTF-8, a line too long, components nested too deep, left open or
closed out of order) is refused whole with ``ImportRejected``. The file's VTIMEZONE components
are dropped before parsing: a TZID is read as the IANA zone it names, and the parser would
otherwise keep every file's own zone definitions in a process-wide cache for ever.

Within a readable calendar, what one VEVENT cannot give (a start, an end after it, a known time
zone…) raises ``Skip`` with the reason, and only that event is left out.
"""

import datetime
import functools
import re
import zoneinfo

import icalendar
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from icalendar.parser import Contentlines

from events.models import Event, all_day_bounds

MAX_BYTES = 1024 * 1024
MAX_EVENTS = 500
MAX_LINE_CHARS = 10_000
# VCALENDAR, VEVENT, VALARM, and one level to spare.
MAX_DEPTH = 4
# Dates outside these years are typing errors, and far enough from the calendar's ends that
# adding a day or a duration cannot overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199

_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "GMT", "Etc/GMT", "Zulu", "Etc/Zulu"})
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class ImportRejected(ValidationError):
    """The file as a whole cannot be imported; nothing of it is."""


class Skip(Exception):
    """One VEVENT is left out of the plan, for ``reason``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ---------- reading the file ----------


def read_upload(upload: UploadedFile) -> bytes:
    """The uploaded file's bytes, refused unread when it says it is too large, and never read
    beyond the limit whatever it says."""
    too_large = ImportRejected(
        _("The file is larger than %(limit)s; split it into smaller calendars."),
        params={"limit": filesizeformat(MAX_BYTES)},
        code="too_large",
    )
    if upload.size is not None and upload.size > MAX_BYTES:
        raise too_large
    upload.seek(0)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise too_large
    return content


def _reject(message: str, code: str, **params) -> ImportRejected:
    return ImportRejected(message, code=code, params=params or None)


def _calendar_lines(content: bytes) -> list[str]:
    """The content lines the parser may see: checked for size and shape, VTIMEZONEs left out."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _reject(
            _("The file is not UTF-8 text, as iCalendar files are. Save it as UTF-8 and retry."),
            "encoding",
        ) from exc
    not_a_calendar = _reject(
        _("This is not an iCalendar file: it must begin with BEGIN:VCALENDAR."), "not_calendar"
    )
    kept: list[str] = []
    stack: list[str] = []
    events = dropping = 0
    finished = False
    try:
        lines = Contentlines.from_ical(text)
    except ValueError as exc:
        raise not_a_calendar from exc
    for line in lines:
        if not line:
            continue
        if len(line) > MAX_LINE_CHARS:
            raise _reject(
                _("A line of the file is longer than %(limit)s characters."),
                "long_line",
                limit=MAX_LINE_CHARS,
            )
        if finished:
            raise _reject(
                _("The file goes on after its calendar ends; it must hold one calendar."),
                "trailing",
            )
        try:
            name, _params, value = line.parts()
        except ValueError:
            name = value = ""  # a broken line: the parser notes it, or refuses the file
        name, value = name.upper(), value.upper()
        if name == "BEGIN":
            if not stack and value != "VCALENDAR":
                raise not_a_calendar
            stack.append(value)
            if len(stack) > MAX_DEPTH:
                raise _reject(
                    _("The file nests components more than %(limit)s deep."),
                    "depth",
                    limit=MAX_DEPTH,
                )
            if dropping or value == "VTIMEZONE":
                dropping += 1
                continue
            if value == "VEVENT":
                if len(stack) != 2:
                    raise _reject(
                        _("The file has an event inside another component."), "nested_event"
                    )
                events += 1
                if events > MAX_EVENTS:
                    raise _reject(
                        _("The file has more than %(limit)s events; split it into smaller ones."),
                        "too_many",
                        limit=MAX_EVENTS,
                    )
        elif name == "END":
            if not stack or stack[-1] != value:
                raise _reject(
                    _("The file's components are not closed in order (END:%(name)s)."),
                    "unbalanced",
                    name=value[:40],
                )
            stack.pop()
            finished = not stack
            if dropping:
                dropping -= 1
                continue
        elif not stack:
            raise not_a_calendar
        elif dropping:
            continue
        kept.append(line)
    if stack:
        raise _reject(_("The file ends before its calendar does; is it complete?"), "truncated")
    if not kept:
        raise not_a_calendar
    return kept


def calendar_events(content: bytes) -> list[icalendar.Event]:
    """The VEVENTs of one readable calendar; ``ImportRejected`` for any other file."""
    lines = _calendar_lines(content)
    try:
        calendar = icalendar.Calendar.from_ical("\r\n".join(lines))
    except Exception as exc:  # a third-party parser fed a hostile file: any failure refuses it
        raise _reject(
            _("The file could not be read as iCalendar: %(error)s"),
            "unreadable",
            error=str(exc)[:160],
        ) from exc
    return [part for part in calendar.subcomponents if part.name == "VEVENT"]


# ---------- one event ----------


def _clean_text(value: str, *, one_line: bool = False) -> str:
    text = _CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return " ".join(text.split()) if one_line else text.strip()


def text_of(component: icalendar.Event, name: str, *, one_line: bool = False) -> str | None:
    """A property as clean text; None when absent, empty when not text (a SUMMARY given a date
    type, say). Of a repeated property, the first."""
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    return _clean_text(value, one_line=one_line) if isinstance(value, str) else ""


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


def _moment(component: icalendar.Event, name: str):
    """The date or date-time of ``name`` and its TZID parameter; None when absent."""
    prop = component.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        raise Skip(_("It has more than one %(property)s.") % {"property": name})
    # A property the parser could not read is a vBroken, which has no value to ask for.
    value = prop.dt if isinstance(prop, icalendar.vDDDTypes) else None
    if not isinstance(value, datetime.date):
        raise Skip(_("Its %(property)s is not a date or a date and time.") % {"property": name})
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise Skip(
            _("Its %(property)s is outside the years %(first)s to %(last)s.")
            % {"property": name, "first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return value, prop.params.get("TZID")


def _instant(value: datetime.datetime, tzid: str | None, *, floating_zone: str, place_zone: str):
    """An instant and the IANA zone of the clock it was written on."""
    if value.tzinfo is None:
        if tzid:
            raise Skip(_("Its time zone “%(tzid)s” is unknown.") % {"tzid": tzid[:80]})
        return value.replace(tzinfo=zoneinfo.ZoneInfo(floating_zone)), floating_zone
    key = getattr(value.tzinfo, "key", None)
    if key in _known_zones() and key not in _UTC_NAMES:
        return value, key
    return value, place_zone  # UTC says when, not where: the place's clock


def _duration(component: icalendar.Event) -> datetime.timedelta | None:
    prop = component.get("DURATION")
    if prop is None:
        return None
    value = prop.dt if isinstance(prop, icalendar.vDDDTypes) else None
    if not isinstance(value, datetime.timedelta):
        raise Skip(_("Its DURATION is unreadable."))
    return value


def event_times(component: icalendar.Event, *, floating_zone: str, place_zone: str):
    """Start, end, all day and time zone of the event, as Dostlik stores them."""
    start = _moment(component, "DTSTART")
    if start is None:
        raise Skip(_("It has no start (DTSTART)."))
    end = _moment(component, "DTEND")
    duration = None if end is not None else _duration(component)
    start_value, start_tzid = start
    mixed = Skip(_("Its start and end mix a date with a date and time."))
    try:
        if isinstance(start_value, datetime.datetime):
            starts, zone = _instant(
                start_value, start_tzid, floating_zone=floating_zone, place_zone=place_zone
            )
            if end is not None:
                if not isinstance(end[0], datetime.datetime):
                    raise mixed
                ends, _zone = _instant(end[0], end[1], floating_zone=zone, place_zone=zone)
            elif duration is not None:
                ends = starts + duration
            else:
                raise Skip(_("It has no end (DTEND or DURATION)."))
            all_day = False
        else:
            if end is not None:
                if isinstance(end[0], datetime.datetime):
                    raise mixed
                end_day = end[0]
            elif duration is not None:
                if duration % datetime.timedelta(days=1):
                    raise Skip(_("It lasts whole days, but its DURATION is not whole days."))
                end_day = start_value + duration
            else:
                end_day = start_value + datetime.timedelta(days=1)
            zone, all_day = floating_zone, True
            if end_day > start_value:
                starts, ends = all_day_bounds(
                    start_value, end_day - datetime.timedelta(days=1), zone
                )
            else:
                starts = ends = None
    except OverflowError as exc:
        raise Skip(_("Its end is out of range.")) from exc
    if starts is None or ends <= starts:
        raise Skip(_("It does not end after it starts (DTEND before DTSTART)."))
    if ends.year > LATEST_YEAR:
        raise Skip(_("Its end is out of range."))
    return starts, ends, all_day, zone


def description_of(component: icalendar.Event, *, current: str = "") -> str | None:
    """DESCRIPTION (else ``current``), with LOCATION kept in it unless already there; None when
    the file says neither."""
    description = text_of(component, "DESCRIPTION")
    location = text_of(component, "LOCATION", one_line=True)
    if description is None and not location:
        return None
    text = current if description is None else description
    if location and location not in text:
        line = _("Location: %(location)s") % {"location": location}
        text = f"{text}\n\n{line}" if text else line
    return text


def title_of(component: icalendar.Event) -> str:
    title = text_of(component, "SUMMARY", one_line=True) or ""
    limit = Event._meta.get_field("title").max_length
    return title if len(title) <= limit else title[: limit - 1] + "…"
