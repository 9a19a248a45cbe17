"""Reading an uploaded calendar file without trusting it: each of its calendars checked for
size and shape, its events parsed, its time zone definitions set apart.

What is accepted: one iCalendar (RFC 5545) or vCalendar 1.0 calendar per file, UTF-8 (with or
without a byte-order mark), however long its logical lines (a Teams invitation, a Nextcloud
description); blank lines and spaces after ``END:VCALENDAR``; quoted-printable values of
vCalendar 1.0 (``ENCODING=QUOTED-PRINTABLE;CHARSET=…``), decoded; a gzip of such a file, or a
zip of several, whose calendars are read together (``files``).

What is refused whole, with ``ImportRejected`` and nothing imported: an upload larger than
``files.MAX_BYTES`` or unpacking to more than ``files.MAX_UNPACKED_BYTES``, an archive of more
than ``files.MAX_FILES`` calendar files; text that is not UTF-8; a file that is not one
calendar (not beginning with ``BEGIN:VCALENDAR``, going on after it ends, left open, closed out
of order); more than ``MAX_EVENTS`` events in all, an event inside another component,
components nested deeper than ``MAX_DEPTH``, more than ``MAX_ZONES`` time zone definitions in
one calendar.

Only what an import reads reaches the parser: the calendar's own properties and its VEVENTs,
without what they nest (alarms). Other components (to-dos, journals, a vendor's ``X-``
components) are left out, as the parser keeps a class for every component name it meets, for
ever. The VTIMEZONEs are set apart, and read by ``zones`` for the TZIDs that need them; a
date-time's ``TZID`` parameter is renamed to ``X-DOSTLIK-TZID`` (its number in
``CalendarFile.tzids``), so the parser looks up no zone: it would keep each name it resolves,
and each definition it meets, in a process-wide cache.
"""

import codecs
import dataclasses
import quopri
import re

import icalendar
from django.utils.translation import gettext as _
from icalendar.parser import Contentline, Parameters, unescape_backslash

from calendars.imports.errors import ImportRejected, rejected
from calendars.imports.files import calendar_texts, in_member
from calendars.imports.zones import iana_name, windows_zone

MAX_EVENTS = 500
# VCALENDAR, VEVENT, VALARM, and one level to spare.
MAX_DEPTH = 4
MAX_ZONES = 100

TZID_MARK = "X-DOSTLIK-TZID"
# The name a VTIMEZONE is parsed under, so that the parser does not cache it.
ZONE_COMPONENT = "X-DOSTLIK-VTIMEZONE"
_DATE_TIMES = frozenset({"DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "RDATE", "EXDATE"})
_ZONE_PARTS = frozenset({"STANDARD", "DAYLIGHT"})
# A fold: a line break and one space or tab; blank lines before it belong to it, as the parser
# reads them. Pinned to the first line break of a run, so a long run costs once.
_FOLD = re.compile(r"(?<!\n)\n+[ \t]")
_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAMETERS = re.compile(r"[A-Za-z0-9-]+(;[^:]*)?:")
# What may follow a calendar's end: blank space, and what DOS editors put at a file's end.
_TRAILING = " \t\n\x00\x1a"


@dataclasses.dataclass
class CalendarFile:
    """One calendar of the upload: its name in an archive, the TZIDs its date-times name (by
    number), its VTIMEZONEs' lines by TZID, and ``X-WR-TIMEZONE``, the IANA zone of its
    floating times ("" when it names none)."""

    name: str = ""
    tzids: list[str] = dataclasses.field(default_factory=list)
    zone_lines: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    floating_zone: str = ""

    def tzid(self, index: str) -> str:
        try:
            return self.tzids[int(index)]
        except (TypeError, ValueError, IndexError):
            return ""


@dataclasses.dataclass
class FileEvent:
    component: icalendar.Event
    calendar: CalendarFile


def calendar_events(content: bytes) -> list[FileEvent]:
    """The VEVENTs of every calendar the upload holds; ``ImportRejected`` for an upload that is
    not readable calendars within the limits."""
    events = []
    for text in calendar_texts(content):
        try:
            events += _calendar_events(text.text, text.name, left=MAX_EVENTS - len(events))
        except ImportRejected as exc:
            raise in_member(exc, text.name) from exc
    return events


def _calendar_events(text: str, name: str, *, left: int) -> list[FileEvent]:
    calendar = CalendarFile(name=name)
    lines = _kept_lines(text, calendar, events_left=left)
    try:
        parsed = icalendar.Calendar.from_ical("\r\n".join(lines))
    except Exception as exc:  # a third-party parser fed a hostile file: any failure refuses it
        raise rejected(
            _("The file could not be read as iCalendar: %(error)s"),
            "unreadable",
            error=str(exc)[:160],
        ) from exc
    floating = parsed.get("X-WR-TIMEZONE")
    if isinstance(floating, str):
        calendar.floating_zone = iana_name(floating) or windows_zone(floating) or ""
    return [FileEvent(part, calendar) for part in parsed.subcomponents if part.name == "VEVENT"]


def _logical_lines(text: str) -> list[str]:
    """The file's content lines, unfolded, with quoted-printable values joined across their
    soft line breaks (a line ending in "=")."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip(_TRAILING)
    physical = _FOLD.sub("", text).split("\n")
    lines = []
    index = 0
    while index < len(physical):
        line = physical[index]
        index += 1
        if line.endswith("=") and _is_quoted_printable(line):
            pieces = [line[:-1]]
            while index < len(physical):
                piece = physical[index]
                index += 1
                if not piece.endswith("="):
                    pieces.append(piece)
                    break
                pieces.append(piece[:-1])
            line = "".join(pieces)
        lines.append(line)
    return lines


def _is_quoted_printable(line: str) -> bool:
    match = _PARAMETERS.match(line)
    return bool(match and match.group(1) and "QUOTED-PRINTABLE" in match.group(1).upper())


def _escaped(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _decoded(value: str, charset: str) -> str:
    """A quoted-printable value as text, on its CHARSET (UTF-8 when unknown)."""
    raw = quopri.decodestring(value.encode("utf-8", "replace"))
    try:
        codecs.lookup(charset)
        return raw.decode(charset, "replace")
    except Exception:  # an unknown charset, or a codec that is not one of text
        return raw.decode("utf-8", "replace")


def _rewritten(line: str, name: str, calendar: CalendarFile) -> str:
    """``line`` as the parser may see it: a date-time's TZID renamed to its number, a
    quoted-printable value decoded."""
    zoned = name in _DATE_TIMES and "TZID" in line.upper()
    encoded = _is_quoted_printable(line)
    if not (zoned or encoded):
        return line
    try:
        name, params, value = Contentline(line).raw_parts()
    except ValueError:
        return line  # a broken line: the parser notes it, or refuses the file
    try:
        params = Parameters(params)
        tzid = params.pop("TZID", None) if zoned else None
        params.pop(TZID_MARK, None)
        if tzid is not None:
            tzid = str(tzid)[:200]
            if tzid not in calendar.tzids:
                calendar.tzids.append(tzid)
            params[TZID_MARK] = str(calendar.tzids.index(tzid))
        if encoded:
            charset = str(params.pop("CHARSET", "") or "utf-8")
            params.pop("ENCODING", None)
            value = _escaped(_decoded(value, charset))
        parameters = params.to_ical().decode() if params else ""
    except Exception as exc:  # parameters the library cannot write back: refuse the file
        raise rejected(
            _("The file could not be read as iCalendar: %(error)s"),
            "unreadable",
            error=str(exc)[:160],
        ) from exc
    return f"{name};{parameters}:{value}" if parameters else f"{name}:{value}"


def _kept_lines(text: str, calendar: CalendarFile, *, events_left: int) -> list[str]:
    """The content lines the parser may see: checked for size and shape, what is not read left
    out, the VTIMEZONEs set apart in ``calendar``."""
    not_a_calendar = rejected(
        _("This is not an iCalendar file: it must begin with BEGIN:VCALENDAR."), "not_calendar"
    )
    kept: list[str] = []
    zone: list[str] | None = None
    stack: list[str] = []
    events = dropping = 0
    finished = False
    for line in _logical_lines(text):
        if not line.strip():
            continue
        if finished:
            raise rejected(
                _("The file goes on after its calendar ends; it must hold one calendar."),
                "trailing",
            )
        match = _NAME.match(line)
        name = match.group().upper() if match else ""
        value = line.partition(":")[2].strip().upper() if name in ("BEGIN", "END") else ""
        if name == "BEGIN":
            if not stack and value != "VCALENDAR":
                raise not_a_calendar
            stack.append(value)
            if len(stack) > MAX_DEPTH:
                raise rejected(
                    _("The file nests components more than %(limit)s deep."),
                    "depth",
                    limit=MAX_DEPTH,
                )
            if value == "VEVENT" and len(stack) != 2:
                raise rejected(_("The file has an event inside another component."), "nested_event")
            if dropping or len(stack) > 3 or (len(stack) == 3 and zone is None):
                dropping += 1
                continue
            if value == "VEVENT":
                events += 1
                if events > events_left:
                    raise rejected(
                        _("The file has more than %(limit)s events; split it into smaller ones."),
                        "too_many",
                        limit=MAX_EVENTS,
                    )
            elif value == "VTIMEZONE" and len(stack) == 2:
                zone = [f"BEGIN:{ZONE_COMPONENT}"]
                continue
            elif len(stack) == 2 or (zone is not None and value not in _ZONE_PARTS):
                dropping += 1
                continue
        elif name == "END":
            if not stack or stack[-1] != value:
                raise rejected(
                    _("The file's components are not closed in order (END:%(name)s)."),
                    "unbalanced",
                    name=value[:40],
                )
            stack.pop()
            finished = not stack
            if dropping:
                dropping -= 1
                continue
            if value == "VTIMEZONE" and zone is not None and not stack[1:]:
                zone.append(f"END:{ZONE_COMPONENT}")
                _keep_zone(zone, calendar)
                zone = None
                continue
        elif not stack:
            raise not_a_calendar
        elif dropping:
            continue
        else:
            line = _rewritten(line, name, calendar)
        (zone if zone is not None else kept).append(line)
    if stack:
        raise rejected(_("The file ends before its calendar does; is it complete?"), "truncated")
    if not kept:
        raise not_a_calendar
    return kept


def _keep_zone(lines: list[str], calendar: CalendarFile) -> None:
    if len(calendar.zone_lines) >= MAX_ZONES:
        raise rejected(
            _("The file defines more than %(limit)s time zones."), "zones", limit=MAX_ZONES
        )
    # The TZID property is text, its commas escaped; a TZID parameter's are not.
    tzid = next(
        (
            unescape_backslash(line.partition(":")[2]).strip()[:200]
            for line in lines
            if (match := _NAME.match(line)) and match.group().upper() == "TZID"
        ),
        "",
    )
    if tzid and tzid not in calendar.zone_lines:
        calendar.zone_lines[tzid] = lines
