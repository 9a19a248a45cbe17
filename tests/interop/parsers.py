"""Three independent readings of an iCalendar file, in one normalised form.

Each function returns the VEVENT occurrences a parser gives, as a sorted list of `Occurrence`:

- `icaljs`: ical.js (Thunderbird's parser) through `instants.mjs`, run by node;
- `vobject_occurrences`: vobject, with the rruleset it builds from RRULE/RDATE/EXDATE;
- `icalendar_occurrences`: the `icalendar` library, expanded by `recurring-ical-events`.

Times are text, so the three compare with `==`: a UTC instant `YYYY-MM-DDTHH:MM:SSZ`, a date
`YYYY-MM-DD` for an all-day event, or a floating local time `YYYY-MM-DDTHH:MM:SS` (no zone).
`recurrence_id` is None for an event outside any series, else the instant (or date) that the
occurrence stands for. The window keeps occurrences whose start, as that text, lies in
[from, until); a series gives at most `limit` occurrences in the window; overrides
(RECURRENCE-ID) replace the instants they name, and one that names no instant of its series
(or whose series is not in the file) is an occurrence of its own. `instants.mjs` says the same.
"""

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import icalendar
import recurring_ical_events
import vobject
import vobject.icalendar

INTEROP_DIR = Path(__file__).resolve().parent
INSTANTS_SCRIPT = INTEROP_DIR / "instants.mjs"
ICALJS_PACKAGE = INTEROP_DIR / "node_modules" / "ical.js" / "package.json"

DEFAULT_WINDOW = ("1900-01-01", "2200-01-01")
DEFAULT_LIMIT = 1000
NODE_TIMEOUT_SECONDS = 120


class ParserFailed(Exception):
    """A parser could not read a calendar (or ical.js could not be run)."""


@dataclass(frozen=True)
class Occurrence:
    uid: str | None
    recurrence_id: str | None
    start: str
    end: str
    all_day: bool
    floating: bool
    summary: str | None = None
    status: str | None = None

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.uid, self.recurrence_id)


def sort_key(occurrence: Occurrence):
    return (
        occurrence.uid or "",
        occurrence.recurrence_id or "",
        occurrence.start,
        occurrence.end,
        occurrence.summary or "",
    )


def _window(window) -> tuple[str, str]:
    start, until = (
        value.isoformat() if isinstance(value, dt.date) else str(value) for value in window
    )
    return start, until


# --- ical.js ----------------------------------------------------------------------------------


def icaljs_missing() -> str | None:
    """Why ical.js cannot be run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed (Debian: apt-get install nodejs npm)"
    if not ICALJS_PACKAGE.exists():
        return (
            "tests/interop/node_modules is missing: "
            "run `npm ci --prefix tests/interop --no-audit --no-fund`"
        )
    return None


def icaljs_json(ics: bytes, window=DEFAULT_WINDOW, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """What `instants.mjs` prints for the calendar, as it prints it."""
    missing = icaljs_missing()
    if missing:
        raise ParserFailed(missing)
    start, until = _window(window)
    with tempfile.NamedTemporaryFile(suffix=".ics") as file:
        file.write(ics)
        file.flush()
        try:
            completed = _run_node(file.name, start, until, limit)
        except subprocess.TimeoutExpired as error:
            raise ParserFailed(f"ical.js: no answer in {NODE_TIMEOUT_SECONDS} s") from error
    if completed.returncode != 0:
        raise ParserFailed(f"ical.js: {completed.stderr.strip()}")
    return json.loads(completed.stdout)


def _run_node(path: str, start: str, until: str, limit: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            shutil.which("node"),
            str(INSTANTS_SCRIPT),
            path,
            "--from",
            start,
            "--until",
            until,
            "--limit",
            str(limit),
        ],
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )


def icaljs(ics: bytes, window=DEFAULT_WINDOW, limit: int = DEFAULT_LIMIT) -> list[Occurrence]:
    return sorted(
        (
            Occurrence(
                uid=item["uid"],
                recurrence_id=item["recurrence_id"],
                start=item["start"],
                end=item["end"],
                all_day=item["all_day"],
                floating=item["floating"],
                summary=item["summary"],
                status=item["status"],
            )
            for item in icaljs_json(ics, window, limit)
        ),
        key=sort_key,
    )


# --- shared by the Python parsers ------------------------------------------------------------


def normalise(value: dt.date | dt.datetime) -> str:
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(microsecond=0).isoformat()
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _occurrence(uid, recurrence_id, start, end, summary, status) -> Occurrence:
    timed = isinstance(start, dt.datetime)
    return Occurrence(
        uid=None if uid is None else str(uid),
        recurrence_id=None if recurrence_id is None else normalise(recurrence_id),
        start=normalise(start),
        end=normalise(end),
        all_day=not timed,
        floating=timed and (start.tzinfo is None or start.utcoffset() is None),
        summary=None if summary is None else str(summary),
        status=None if status is None else str(status),
    )


def _in_window(start: str, window: tuple[str, str]) -> bool:
    return window[0] <= start < window[1]


# --- vobject -----------------------------------------------------------------------------------


def _reset_vobject_zones() -> None:
    """vobject keeps every VTIMEZONE it read in one registry for the process, by TZID: a file
    that names a zone without defining it would get another file's definition."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)


def _vobject_value(component, name):
    line = component.contents.get(name)
    return line[0].value if line else None


def _vobject_end(vevent, start):
    end = _vobject_value(vevent, "dtend")
    if end is not None:
        return end
    duration = _vobject_value(vevent, "duration")
    if duration is not None:
        return start + duration
    return start + dt.timedelta(days=1) if not isinstance(start, dt.datetime) else start


def vobject_occurrences(
    ics: bytes, window=DEFAULT_WINDOW, limit: int = DEFAULT_LIMIT
) -> list[Occurrence]:
    _reset_vobject_zones()
    try:
        return _vobject_occurrences(ics, _window(window), limit)
    except Exception as error:
        raise ParserFailed(f"vobject: {type(error).__name__}: {error}") from error


def _vobject_occurrences(ics: bytes, window: tuple[str, str], limit: int) -> list[Occurrence]:
    results = []
    for calendar in vobject.readComponents(ics.decode("utf-8")):
        vevents = calendar.contents.get("vevent", [])
        overrides = defaultdict(dict)  # uid -> {recurrence id: VEVENT}
        for vevent in vevents:
            recurrence_id = _vobject_value(vevent, "recurrence-id")
            if recurrence_id is not None:
                overrides[_vobject_value(vevent, "uid")][normalise(recurrence_id)] = vevent

        def emit(vevent, recurrence_id, start=None, end=None):
            start = _vobject_value(vevent, "dtstart") if start is None else start
            end = _vobject_end(vevent, start) if end is None else end
            occurrence = _occurrence(
                _vobject_value(vevent, "uid"),
                recurrence_id,
                start,
                end,
                _vobject_value(vevent, "summary"),
                _vobject_value(vevent, "status"),
            )
            if _in_window(occurrence.start, window):
                results.append(occurrence)
                return True
            return False

        for vevent in vevents:
            if _vobject_value(vevent, "recurrence-id") is not None:
                continue
            uid = _vobject_value(vevent, "uid")
            own = overrides.get(uid, {})
            rules = vevent.getrruleset(addRDate=True)
            if rules is None or not (vevent.contents.get("rrule") or vevent.contents.get("rdate")):
                emit(vevent, None)
                continue
            start = _vobject_value(vevent, "dtstart")
            duration = _vobject_end(vevent, start) - start
            all_day = not isinstance(start, dt.datetime)
            kept = 0
            reached = None
            for instant in rules:
                # dateutil gives all-day instants as midnights.
                instant = instant.date() if all_day else instant
                key = normalise(instant)
                if key >= window[1] or kept >= limit:
                    reached = key
                    break
                override = own.pop(key, None)
                if override is not None:
                    kept += emit(override, instant)
                else:
                    kept += emit(vevent, instant, instant, instant + duration)
            if reached is not None and kept >= limit:
                for key in [key for key in own if key >= reached]:
                    del own[key]

        for own in overrides.values():
            for vevent in own.values():
                emit(vevent, _vobject_value(vevent, "recurrence-id"))
    return sorted(results, key=sort_key)


# --- icalendar + recurring-ical-events --------------------------------------------------------


def _reset_icalendar_zones() -> None:
    """icalendar keeps the zone of the first VTIMEZONE it read for each unknown TZID (such as
    Outlook's "Customized Time Zone") for the whole process, and gives it to every later file
    with that TZID. Each file is read afresh here."""
    icalendar.use_zoneinfo()


def icalendar_occurrences(
    ics: bytes, window=DEFAULT_WINDOW, limit: int = DEFAULT_LIMIT
) -> list[Occurrence]:
    _reset_icalendar_zones()
    try:
        return _icalendar_occurrences(ics, _window(window), limit)
    except Exception as error:
        raise ParserFailed(f"icalendar: {type(error).__name__}: {error}") from error


def _icalendar_occurrences(ics: bytes, window: tuple[str, str], limit: int) -> list[Occurrence]:
    results = []
    for calendar in icalendar.Calendar.from_ical(ics, multiple=True):
        by_uid = defaultdict(list)
        for vevent in calendar.walk("VEVENT"):
            uid = vevent.get("UID")
            by_uid[None if uid is None else str(uid)].append(vevent)
        for uid, vevents in by_uid.items():
            recurring = any("RRULE" in v or "RDATE" in v for v in vevents)
            explicit = {normalise(v["RECURRENCE-ID"].dt) for v in vevents if "RECURRENCE-ID" in v}
            # One series at a time, so that the limit counts the occurrences of each.
            series = icalendar.Calendar()
            if "CALSCALE" in calendar:
                series["CALSCALE"] = calendar["CALSCALE"]
            for vevent in vevents:
                series.add_component(vevent)
            query = recurring_ical_events.of(series, keep_recurrence_attributes=True)
            kept = 0
            for component in query.after(dt.datetime.fromisoformat(window[0])):
                start, end = component.start, component.end
                recurrence_id = component["RECURRENCE-ID"].dt
                occurrence = _occurrence(
                    uid,
                    recurrence_id if recurring or normalise(recurrence_id) in explicit else None,
                    start,
                    end,
                    component.get("SUMMARY"),
                    component.get("STATUS"),
                )
                if occurrence.start >= window[1] or kept >= limit:
                    break
                if _in_window(occurrence.start, window):
                    results.append(occurrence)
                    kept += 1
    return sorted(results, key=sort_key)


PARSERS = {
    "ical.js": icaljs,
    "vobject": vobject_occurrences,
    "icalendar": icalendar_occurrences,
}
