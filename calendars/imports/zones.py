"""The clocks an imported file names (its TZIDs), and the IANA zone an event is kept in.

A TZID that is an IANA name is read on the zone database, whatever the file says of it. Any
other TZID the file defines with a VTIMEZONE ("Ташкент", "Canberra, Melbourne, Sydney", a
Windows name, a vendor's own id) is read on that definition: the instant is the one the
organiser's calendar meant. Failing both, a Windows name is read on the IANA zone it stands for
(the table icalendar carries), and a "globally unique" id (``/vendor/Europe/Berlin``) on the IANA
name it ends with; any other TZID is unknown.

A file's definition is read here, not by the parser, which would keep every definition it meets
in a process-wide cache for ever (and serve the first file's "Ташкент" to every later file).
Only what time zone definitions use is read: STANDARD and DAYLIGHT observances with their
onset, explicit dates and a yearly rule by month, weekday and day of month; anything else
makes the definition unreadable. Reading is bounded: at most ``MAX_ZONE_PARTS`` observances and
``MAX_TRANSITIONS`` changes per definition, and ``WORK_PER_IMPORT`` months of rules per import.

An event read on a file's definition is kept in the IANA zone that shows the same offsets
around it (the Windows name's zone first, then a zone whose city the TZID names, then the
participating countries' zones, then any), the instant unchanged; none found, in the zone given
as fallback (the lead country's).
"""

import bisect
import calendar
import dataclasses
import datetime
import functools
import importlib.resources
import re
import zoneinfo
from collections.abc import Iterable, Sequence

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

UTC = datetime.UTC
MAX_ZONE_PARTS = 50
MAX_TRANSITIONS = 5_000
# Months of yearly rules read in one import, whatever the number of definitions: a rule since
# 1601 (as Outlook writes them) costs 600.
WORK_PER_IMPORT = 100_000
# Rules are followed this far; events end before (``fields.LATEST_YEAR``).
RULES_UNTIL_YEAR = 2200
# Onsets of yearly rules before this year are not read (events start later); a rule counted
# (COUNT) is read from its start.
RULES_FROM_YEAR = 1898
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "GMT", "Etc/GMT", "Zulu", "Etc/Zulu"})
_RULE_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYDAY", "BYMONTHDAY", "WKST"}
)
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_LONGEST_OFFSET = datetime.timedelta(hours=18)
_AROUND = datetime.timedelta(days=183)


class ZoneUnreadable(Exception):
    """A VTIMEZONE that cannot be read within the limits."""


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in known_zones()}


def iana_name(tzid: str) -> str | None:
    """The IANA zone ``tzid`` names, in its spelling (case aside); None when it names none."""
    name = tzid.strip().strip("/")
    if name in known_zones():
        return name
    return _zones_by_folded_name().get(name.casefold())


@functools.cache
def _tzdata(name: str) -> str:
    try:
        return importlib.resources.files("tzdata").joinpath("zoneinfo", name).read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return ""


@functools.cache
def _links() -> dict[str, str]:
    """Old names of zones (``Asia/Calcutta``) and the zone each stands for."""
    links = {}
    for line in _tzdata("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    return links


def canonical(name: str) -> str:
    target = _links().get(name, name)
    return target if target in known_zones() else name


@functools.cache
def _zone_table() -> tuple[tuple[str, str], ...]:
    """(country code, zone) of every zone the zone database places in a country."""
    rows = []
    for line in _tzdata("zone.tab").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#") and parts[2] in known_zones():
            rows.append((parts[0], parts[2]))
    if not rows:  # no table: every zone, in no country
        rows = [("", name) for name in sorted(known_zones()) if "/" in name]
    return tuple(rows)


def country_zones(codes: Iterable[str]) -> list[str]:
    """The zones of the countries ``codes``, in that order."""
    table = _zone_table()
    return [zone for code in codes for country, zone in table if country == code]


def windows_zone(tzid: str) -> str | None:
    zone = WINDOWS_TO_OLSON.get(tzid.strip())
    return canonical(zone) if zone and zone in known_zones() else None


def vendor_zone(tzid: str) -> str | None:
    """The IANA name a "globally unique" TZID (``/vendor/Europe/Berlin``) ends with."""
    if not tzid.startswith("/"):
        return None
    parts = tzid.strip("/").split("/")
    for start in range(1, len(parts)):
        if (name := "/".join(parts[start:])) in known_zones():
            return name
    return None


# ---------- a file's own definition ----------


class Work:
    """What is left of one import's ``WORK_PER_IMPORT``."""

    def __init__(self, left: int = WORK_PER_IMPORT):
        self.left = left

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise ZoneUnreadable("too much work")


@dataclasses.dataclass(frozen=True)
class FileZone:
    """A VTIMEZONE read: the instants (naive UTC, ascending) its offset changes at, and the
    offset before the first and after each."""

    changes: tuple[datetime.datetime, ...]
    offsets: tuple[datetime.timedelta, ...]

    def _offset(self, naive_utc: datetime.datetime) -> datetime.timedelta:
        return self.offsets[bisect.bisect_right(self.changes, naive_utc)]

    def offset_at(self, instant: datetime.datetime) -> datetime.timedelta:
        return self._offset(instant.astimezone(UTC).replace(tzinfo=None))

    def instant(self, local: datetime.datetime) -> datetime.datetime:
        """The instant the wall time ``local`` (naive) stands for. Of a time that happens
        twice, the first; of one the clocks skip, read on the clock before the change, as the
        zone database reads them (PEP 495, fold 0)."""
        day = datetime.timedelta(days=1)
        before, after = self._offset(local - day), self._offset(local + day)
        valid = [
            local - offset for offset in {before, after} if self._offset(local - offset) == offset
        ]
        moment = min(valid) if valid else local - before
        return moment.replace(tzinfo=UTC)

    def changes_between(self, first: datetime.datetime, last: datetime.datetime):
        """The changes from ``first`` to ``last`` (aware), each with the offsets around it."""
        start = bisect.bisect_left(self.changes, first.astimezone(UTC).replace(tzinfo=None))
        end = bisect.bisect_right(self.changes, last.astimezone(UTC).replace(tzinfo=None))
        for index in range(start, end):
            yield (
                self.changes[index].replace(tzinfo=UTC),
                self.offsets[index],
                self.offsets[index + 1],
            )


def _naive(value) -> datetime.datetime:
    if isinstance(value, tuple):  # a period: its start
        value = value[0]
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    raise ZoneUnreadable("not a date")


def _one(part: icalendar.Component, name: str):
    value = part.get(name)
    if value is None or isinstance(value, list):
        raise ZoneUnreadable(name)
    return value


def _offset(part: icalendar.Component, name: str) -> datetime.timedelta:
    value = _one(part, name)
    offset = value.td if isinstance(value, icalendar.vUTCOffset) else None
    if not isinstance(offset, datetime.timedelta) or abs(offset) > _LONGEST_OFFSET:
        raise ZoneUnreadable(name)
    return offset


def _ints(rule: dict, name: str, low: int, high: int) -> list[int]:
    try:
        values = [int(value) for value in rule.get(name, [])]
    except (TypeError, ValueError) as exc:
        raise ZoneUnreadable(name) from exc
    if any(not low <= value <= high or value == 0 for value in values):
        raise ZoneUnreadable(name)
    return values


def _weekdays(rule: dict) -> list[tuple[int | None, int]]:
    days = []
    for value in rule.get("BYDAY", []):
        match = _BYDAY.fullmatch(str(value).strip().upper())
        ordinal = int(match.group(1)) if match and match.group(1) else None
        if match is None or (ordinal is not None and not (1 <= abs(ordinal) <= 5)):
            raise ZoneUnreadable("BYDAY")
        days.append((ordinal, _WEEKDAYS[match.group(2)]))
    return days


def _days(year: int, month: int, monthdays: list[int], weekdays: list[tuple]) -> list[int]:
    """The days of ``month`` a yearly rule falls on."""
    first_weekday, length = calendar.monthrange(year, month)
    days = set(range(1, length + 1))
    if monthdays:
        days = {day if day > 0 else length + 1 + day for day in monthdays} & days
    if weekdays:
        chosen = set()
        for ordinal, weekday in weekdays:
            matching = [
                day for day in range(1, length + 1) if (first_weekday + day - 1) % 7 == weekday
            ]
            if ordinal is None:
                chosen.update(matching)
            elif ordinal <= len(matching):
                chosen.add(matching[ordinal - 1] if ordinal > 0 else matching[ordinal])
        days &= chosen
    return sorted(days)


def _rule_onsets(
    rule, start: datetime.datetime, offset_from, work: Work
) -> list[datetime.datetime]:
    """The onsets of a yearly rule after ``start``, as wall times before the change."""
    rule = {str(key).upper(): value for key, value in dict(rule).items()}
    if set(rule) - _RULE_PARTS or [str(value).upper() for value in rule.get("FREQ", [])] != [
        "YEARLY"
    ]:
        raise ZoneUnreadable("RRULE")
    interval = (_ints(rule, "INTERVAL", 1, 1000) or [1])[0]
    counted = (_ints(rule, "COUNT", 1, MAX_TRANSITIONS) or [None])[0]
    months = _ints(rule, "BYMONTH", 1, 12)
    monthdays = _ints(rule, "BYMONTHDAY", -31, 31)
    weekdays = _weekdays(rule)
    if weekdays and not months:
        raise ZoneUnreadable("BYDAY without BYMONTH")
    months = months or [start.month]
    if not monthdays and not weekdays:
        monthdays = [start.day]
    until = None
    if rule.get("UNTIL"):
        value = rule["UNTIL"][0]
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            until = value.astimezone(UTC).replace(tzinfo=None) + offset_from
        elif isinstance(value, datetime.datetime):
            until = value
        elif isinstance(value, datetime.date):
            until = datetime.datetime.combine(value, datetime.time.max)
        else:
            raise ZoneUnreadable("UNTIL")
    first = start.year
    if counted is None and first < RULES_FROM_YEAR:  # the same onsets every year: skip ahead
        first += -(-(RULES_FROM_YEAR - first) // interval) * interval
    last = min(RULES_UNTIL_YEAR, until.year if until else RULES_UNTIL_YEAR)
    years = range(first, last + 1, interval)
    work.spend(len(years) * len(months))
    onsets = []
    for year in years:
        for month in sorted(set(months)):
            for day in _days(year, month, monthdays, weekdays):
                onset = datetime.datetime.combine(datetime.date(year, month, day), start.time())
                if onset < start:
                    continue
                if until is not None and onset > until:
                    return onsets
                onsets.append(onset)
                if len(onsets) > MAX_TRANSITIONS:
                    raise ZoneUnreadable("too many onsets")
                if counted is not None and len(onsets) >= counted:
                    return onsets
    return onsets


def _part_onsets(part, offset_from, work: Work) -> list[datetime.datetime]:
    # Of a property the parser could not read (a vBroken), even asking raises.
    start = _one(part, "DTSTART")
    start = _naive(start.dt if isinstance(start, icalendar.vDDDTypes) else None)
    onsets = [start]
    rdates = part.get("RDATE", [])
    for rdate in rdates if isinstance(rdates, list) else [rdates]:
        if not isinstance(rdate, icalendar.vDDDLists):
            raise ZoneUnreadable("RDATE")
        onsets += [_naive(value.dt) for value in rdate.dts]
    rules = part.get("RRULE", [])
    for rule in rules if isinstance(rules, list) else [rules]:
        if not isinstance(rule, dict):
            raise ZoneUnreadable("RRULE")
        onsets += _rule_onsets(rule, start, offset_from, work)
    return onsets


def read_file_zone(component: icalendar.Component, work: Work) -> FileZone:
    """A VTIMEZONE (parsed under another name) read; ``ZoneUnreadable`` beyond the limits."""
    parts = [part for part in component.subcomponents if part.name in ("STANDARD", "DAYLIGHT")]
    if not parts or len(parts) > MAX_ZONE_PARTS:
        raise ZoneUnreadable("observances")
    changes = []
    for part in parts:
        offset_from, offset_to = _offset(part, "TZOFFSETFROM"), _offset(part, "TZOFFSETTO")
        for onset in _part_onsets(part, offset_from, work):
            try:
                changes.append((onset - offset_from, offset_from, offset_to))
            except OverflowError as exc:
                raise ZoneUnreadable("onset") from exc
        if len(changes) > MAX_TRANSITIONS:
            raise ZoneUnreadable("too many changes")
    changes.sort(key=lambda change: change[0])
    return FileZone(
        changes=tuple(change[0] for change in changes),
        offsets=(changes[0][1], *(change[2] for change in changes)),
    )


# ---------- the IANA zone of an event read on a file's definition ----------


def _cities_named(tzid: str) -> list[str]:
    """Zones whose city the TZID names ("Canberra, Melbourne, Sydney"), in the TZID's order."""
    words = " " + re.sub(r"[\W_]+", " ", tzid.casefold()) + " "
    found = []
    for _code, zone in _zone_table():
        city = " " + zone.rsplit("/", 1)[-1].replace("_", " ").casefold() + " "
        if (place := words.find(city)) >= 0:
            found.append((place, zone))
    return [zone for _place, zone in sorted(found)]


def _agrees(zone: str, checks: Sequence[tuple[datetime.datetime, datetime.timedelta]]) -> bool:
    clock = zoneinfo.ZoneInfo(zone)
    return all(moment.astimezone(clock).utcoffset() == offset for moment, offset in checks)


def zone_like(
    file_zone: FileZone,
    *,
    tzid: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    preferred: Sequence[str],
    fallback: str,
) -> str:
    """The IANA zone showing ``file_zone``'s offsets around an event from ``starts`` to
    ``ends``: at its start and end, at every change of the half year either side, and each day
    of it. Candidates in order: the Windows name's zone, zones whose city ``tzid`` names,
    ``preferred``, the zones Windows names stand for, every zone. Failing all, the zone ``tzid``
    names (agreeing at the start and end, else any), else any zone agreeing there, else
    ``fallback``: the instant is the file's whichever zone shows it."""
    first, last = starts - _AROUND, max(ends, starts + _AROUND)
    second = datetime.timedelta(seconds=1)
    quick = [(moment, file_zone.offset_at(moment)) for moment in (starts, ends)]
    for moment, before, after in file_zone.changes_between(first, last):
        quick += [(moment - second, before), (moment, after)]
    quick += [
        (moment, file_zone.offset_at(moment))
        for moment in (starts + datetime.timedelta(days=30 * step) for step in range(-6, 7))
    ]
    daily = [
        (moment, file_zone.offset_at(moment))
        for moment in (
            first + datetime.timedelta(days=day) for day in range((last - first).days + 1)
        )
    ]
    named = [zone for zone in (windows_zone(tzid), *_cities_named(tzid)) if zone]
    others = [
        *preferred,
        *(canonical(zone) for zone in WINDOWS_TO_OLSON.values()),
        *(zone for _code, zone in _zone_table()),
    ]
    both_ends = quick[:2]
    # Failing a zone that agrees all around the event (the file's rules may be another era's):
    # one the TZID names that agrees at the event's start and end, else the first it names,
    # else any that agrees at the start and end.
    for candidates, checks in (
        ([*named, *others], (quick, daily)),
        (named, (both_ends,)),
        (named[:1], ()),
        (others, (both_ends,)),
    ):
        for zone in dict.fromkeys(candidates):
            if zone in known_zones() and all(_agrees(zone, part) for part in checks):
                return zone
    return fallback
