"""What ical.js reads from each file of the corpus, for tests that import the same file.

`icaljs_expectations(name)` gives the occurrences of one corpus file keyed by
(uid, recurrence_id): a test that imports the file can look up each event it made by the same
key and compare the instants. `corpus/SOURCES.md` says where each file comes from and what it
exercises.
"""

from pathlib import Path

from .parsers import DEFAULT_LIMIT, DEFAULT_WINDOW, Occurrence, icaljs

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SOURCES = CORPUS_DIR / "SOURCES.md"
CALENDAR_SUFFIXES = (".ics", ".vcs")

# Files ical.js refuses, with the start of its message. An import has no reference for them,
# only the duty to refuse them clearly or to read them as the producer meant.
ICALJS_UNREADABLE = {
    "apple/ical_1_0_lowercase_freq.ics": 'Error: invalid frequency "Weekly"',
    "google/australian_holidays_2004.ics": 'Error: invalid date-time value: "2004-12-25T::"',
    "outlook/cdo_escaped_rrule.ics": 'Error: invalid BYDAY value " TU"',
    "vcalendar/korganizer_vcal10_rrule.vcs": "TypeError: Cannot read properties of undefined",
}

# Files where ical.js's reading is not what the producer meant: an import that follows the
# producer differs from ical.js here, for the reason given.
REFERENCE_CAVEATS = {
    "apple/ical_1_5_truncated_vtimezone.ics": (
        "The VTIMEZONE for Europe/Paris has no DTSTART, so ical.js applies no offset and takes "
        "Paris times for UTC (two hours off in summer); a reader that knows Europe/Paris "
        "places them right, and the UNTIL of one series then keeps one more occurrence."
    ),
    "outlook/w_europe_vtimezone_berlin_tzid.ics": (
        "The events name TZID=Europe/Berlin, which the file does not define: ical.js leaves "
        "them floating, so the EXDATE given in UTC removes nothing (three occurrences where a "
        "reader that knows Europe/Berlin finds two)."
    ),
    "thunderbird/windows_tzid_mismatch.ics": (
        'The VTIMEZONE is named "Pacific Standard Time:" and the event "Pacific Standard Time": '
        "ical.js leaves the times floating; a reader that maps Windows names places them in "
        "America/Los_Angeles."
    ),
    "outlook/gmt_standard_time_allday_overrides.ics": (
        "The overrides of an all-day series carry a date-time RECURRENCE-ID, which matches no "
        "date of the series: ical.js keeps each original date and adds the moved occurrence "
        "(27 occurrences), where the producer meant 24."
    ),
    "apple/ical_1_5_allday_exdate_and_overrides.ics": (
        "Each modified occurrence is both an EXDATE and a RECURRENCE-ID override; read here as "
        "the override standing (ical.js keeps it, recurring-ical-events drops it)."
    ),
}


def corpus_files() -> list[str]:
    """Every calendar of the corpus, as its path under `corpus/`."""
    return sorted(
        path.relative_to(CORPUS_DIR).as_posix()
        for path in CORPUS_DIR.rglob("*")
        if path.is_file() and path.suffix in CALENDAR_SUFFIXES
    )


def readable_corpus_files() -> list[str]:
    return [name for name in corpus_files() if name not in ICALJS_UNREADABLE]


def corpus_bytes(name: str) -> bytes:
    return (CORPUS_DIR / name).read_bytes()


def icaljs_expectations(
    name: str, window=DEFAULT_WINDOW, limit: int = DEFAULT_LIMIT
) -> dict[tuple[str | None, str | None], Occurrence]:
    """The occurrences ical.js gives for a corpus file, keyed by (uid, recurrence_id).

    recurrence_id is None for an event outside any series; instants are UTC text, dates and
    floating times as `parsers` describes. Raises `parsers.ParserFailed` for a file of
    ICALJS_UNREADABLE, and ValueError if two occurrences share a key (no corpus file has any).
    """
    expectations = {}
    for occurrence in icaljs(corpus_bytes(name), window, limit):
        if occurrence.key in expectations:
            raise ValueError(f"{name}: two occurrences for {occurrence.key}")
        expectations[occurrence.key] = occurrence
    return expectations
