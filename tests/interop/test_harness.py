"""The harness itself: each parser reads small calendars whose occurrences are worked out by
hand, so that their agreement on Dostlik's files means something; and ical.js reads the corpus.
"""

import datetime as dt
import hashlib
import re

import pytest

from .corpus_expectations import (
    ICALJS_UNREADABLE,
    SOURCES,
    corpus_bytes,
    corpus_files,
    icaljs_expectations,
    readable_corpus_files,
)
from .parsers import Occurrence, ParserFailed, icaljs

BERLIN = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def calendar(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Dostlik tests//EN", *lines]
    return ("\r\n".join([*body, "END:VCALENDAR"]) + "\r\n").encode()


def event(uid: str, *lines: str) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20250101T000000Z", *lines, "END:VEVENT"]


def timed(uid, recurrence_id, start, end, summary=None) -> Occurrence:
    return Occurrence(uid, recurrence_id, start, end, False, False, summary)


def test_times_in_a_dst_zone_are_placed_at_their_offset(read):
    ics = calendar(
        *BERLIN,
        *event(
            "before",
            "DTSTART;TZID=Europe/Berlin:20250329T100000",
            "DTEND;TZID=Europe/Berlin:20250329T113000",
        ),
        # 01:30 CET to 03:30 CEST: two hours on the clock, one in fact.
        *event(
            "across",
            "DTSTART;TZID=Europe/Berlin:20250330T013000",
            "DTEND;TZID=Europe/Berlin:20250330T033000",
        ),
        *event(
            "after",
            "DTSTART;TZID=Europe/Berlin:20250331T100000",
            "DTEND;TZID=Europe/Berlin:20250331T113000",
        ),
    )

    assert read(ics) == [
        timed("across", None, "2025-03-30T00:30:00Z", "2025-03-30T01:30:00Z"),
        timed("after", None, "2025-03-31T08:00:00Z", "2025-03-31T09:30:00Z"),
        timed("before", None, "2025-03-29T09:00:00Z", "2025-03-29T10:30:00Z"),
    ]


def custom_zone(offset: str) -> bytes:
    return calendar(
        "BEGIN:VTIMEZONE",
        "TZID:Customized Time Zone",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        f"TZOFFSETFROM:{offset}",
        f"TZOFFSETTO:{offset}",
        "END:STANDARD",
        "END:VTIMEZONE",
        *event(
            "meeting",
            "DTSTART;TZID=Customized Time Zone:20250505T100000",
            "DTEND;TZID=Customized Time Zone:20250505T110000",
        ),
    )


def test_a_tzid_is_the_files_own_zone_in_each_file(read):
    """Two files may define one TZID differently (Outlook names every zone it cannot name
    "Customized Time Zone"): each is read in its own definition, whatever was read before."""
    assert read(custom_zone("+0500")) == [
        timed("meeting", None, "2025-05-05T05:00:00Z", "2025-05-05T06:00:00Z")
    ]
    assert read(custom_zone("+0600")) == [
        timed("meeting", None, "2025-05-05T04:00:00Z", "2025-05-05T05:00:00Z")
    ]


def test_all_day_events_are_dates_with_an_exclusive_end(read):
    ics = calendar(
        *event("festival", "DTSTART;VALUE=DATE:20250601", "DTEND;VALUE=DATE:20250604"),
        *event("holiday", "DTSTART;VALUE=DATE:20250610"),
    )

    assert read(ics) == [
        Occurrence("festival", None, "2025-06-01", "2025-06-04", True, False),
        Occurrence("holiday", None, "2025-06-10", "2025-06-11", True, False),
    ]


def test_a_weekly_series_leaves_out_its_exdate_and_moves_its_override(read):
    ics = calendar(
        *BERLIN,
        *event(
            "rehearsal",
            "DTSTART;TZID=Europe/Berlin:20250317T190000",
            "DTEND;TZID=Europe/Berlin:20250317T210000",
            "RRULE:FREQ=WEEKLY;COUNT=5",
            "EXDATE;TZID=Europe/Berlin:20250324T190000",
            "SUMMARY:Rehearsal\\, choir",
        ),
        *event(
            "rehearsal",
            "RECURRENCE-ID;TZID=Europe/Berlin:20250407T190000",
            "DTSTART;TZID=Europe/Berlin:20250408T180000",
            "DTEND;TZID=Europe/Berlin:20250408T200000",
            "SUMMARY:Rehearsal (moved)",
        ),
    )

    # 19:00 on the clock throughout: 18:00Z before the change to summer time, 17:00Z after.
    assert read(ics) == [
        timed(
            "rehearsal",
            "2025-03-17T18:00:00Z",
            "2025-03-17T18:00:00Z",
            "2025-03-17T20:00:00Z",
            "Rehearsal, choir",
        ),
        timed(
            "rehearsal",
            "2025-03-31T17:00:00Z",
            "2025-03-31T17:00:00Z",
            "2025-03-31T19:00:00Z",
            "Rehearsal, choir",
        ),
        timed(
            "rehearsal",
            "2025-04-07T17:00:00Z",
            "2025-04-08T16:00:00Z",
            "2025-04-08T18:00:00Z",
            "Rehearsal (moved)",
        ),
        timed(
            "rehearsal",
            "2025-04-14T17:00:00Z",
            "2025-04-14T17:00:00Z",
            "2025-04-14T19:00:00Z",
            "Rehearsal, choir",
        ),
    ]


def test_an_endless_series_gives_its_first_occurrences_in_the_window(read):
    ics = calendar(
        *BERLIN,
        *event(
            "daily",
            "DTSTART;TZID=Europe/Berlin:20250101T090000",
            "DURATION:PT1H",
            "RRULE:FREQ=DAILY",
        ),
    )

    occurrences = read(ics, window=(dt.date(2025, 1, 10), dt.date(2025, 2, 1)), limit=3)

    assert occurrences == [
        timed(
            "daily",
            f"2025-01-{day}T08:00:00Z",
            f"2025-01-{day}T08:00:00Z",
            f"2025-01-{day}T09:00:00Z",
        )
        for day in (10, 11, 12)
    ]


def test_a_time_without_zone_stays_floating(read):
    ics = calendar(*event("local", "DTSTART:20250321T100000", "DURATION:PT1H30M"))

    assert read(ics) == [
        Occurrence("local", None, "2025-03-21T10:00:00", "2025-03-21T11:30:00", False, True)
    ]


def test_an_override_without_its_series_is_an_occurrence_of_its_own(read):
    """As a calendar sends a guest the one occurrence they are invited to."""
    ics = calendar(
        *BERLIN,
        *event(
            "invited-once",
            "RECURRENCE-ID;TZID=Europe/Berlin:20250505T100000",
            "DTSTART;TZID=Europe/Berlin:20250506T100000",
            "DTEND;TZID=Europe/Berlin:20250506T110000",
        ),
    )

    assert read(ics) == [
        timed(
            "invited-once", "2025-05-05T08:00:00Z", "2025-05-06T08:00:00Z", "2025-05-06T09:00:00Z"
        )
    ]


# --- the corpus ----------------------------------------------------------------------------

# What ical.js gives for each corpus file over the default window (1900 to 2200, at most 1000
# occurrences a series): a change of ical.js or of the harness shows here first.
ICALJS_OCCURRENCES = {
    "apple/ical_1_5_allday_exdate_and_overrides.ics": 1002,
    "apple/ical_1_5_melbourne_series.ics": 263,
    "apple/ical_1_5_truncated_vtimezone.ics": 84,
    "apple/ical_2_0_exdate_brisbane.ics": 5,
    "apple/iphone_structured_location.ics": 1,
    "feeds/lastfm_floating.ics": 33,
    "google/berlin_dst_series.ics": 7162,
    "google/chicago_dst_exdates.ics": 11006,
    "google/google_birthday.ics": 6,
    "google/moved_occurrence.ics": 1000,
    "google/moved_occurrences_sydney.ics": 6,
    "google/x_wr_timezone_utc.ics": 2,
    "google/zurich_weekly_folded.ics": 1000,
    "nextcloud/calendar_app_allday_yearly.ics": 175,
    "nextcloud/edited_duration.ics": 3,
    "nextcloud/edited_occurrence.ics": 3,
    "nextcloud/utc_exdates_berlin_series.ics": 6,
    "outlook/brasilia_portuguese_tzid.ics": 1,
    "outlook/canberra_melbourne_sydney.ics": 1,
    "outlook/eastern_standard_time.ics": 1,
    "outlook/germany_holidays_long_lines.ics": 159,
    "outlook/gmt_standard_time_allday_overrides.ics": 27,
    "outlook/kuala_lumpur_weekly.ics": 1000,
    "outlook/outlook_2010_folded.ics": 1,
    "outlook/pacific_standard_time.ics": 1,
    "outlook/standup_canberra_weekly.ics": 1000,
    "outlook/w_europe_vtimezone_berlin_tzid.ics": 3,
    "outlook/yekaterinburg_russian_tzid.ics": 1,
    "thunderbird/cancelled_occurrence.ics": 3,
    "thunderbird/changed_duration.ics": 7,
    "thunderbird/estonia_holidays.ics": 415,
    "thunderbird/london_exdates_overrides.ics": 7,
    "thunderbird/moved_occurrences.ics": 7,
    "thunderbird/windows_tzid_mismatch.ics": 23,
    "vcalendar/korganizer_vcal10.vcs": 1,
    "vcalendar/quoted_printable.ics": 1,
}

INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
FLOATING = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
DATE = re.compile(r"\d{4}-\d\d-\d\d")


def test_every_corpus_file_has_a_count_or_is_unreadable():
    assert sorted([*ICALJS_OCCURRENCES, *ICALJS_UNREADABLE]) == corpus_files()


def test_sources_name_every_corpus_file_with_its_digest():
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", SOURCES.read_text(), re.M)
    listed = dict(rows)

    assert sorted(listed) == corpus_files()
    assert {name: hashlib.sha256(corpus_bytes(name)).hexdigest() for name in listed} == listed


@pytest.mark.parametrize("name", readable_corpus_files())
def test_icaljs_reads_the_corpus_file(icaljs_ready, name):
    occurrences = icaljs(corpus_bytes(name))

    assert len(occurrences) == ICALJS_OCCURRENCES[name]
    kind = INSTANT, FLOATING, DATE
    malformed = [
        occurrence
        for occurrence in occurrences
        if not all(
            kind[occurrence.floating + 2 * occurrence.all_day].fullmatch(value)
            for value in (occurrence.start, occurrence.end)
        )
        or occurrence.end < occurrence.start
    ]
    assert malformed == []


@pytest.mark.parametrize("name", sorted(ICALJS_UNREADABLE))
def test_icaljs_refuses_the_corpus_file(icaljs_ready, name):
    with pytest.raises(ParserFailed, match=re.escape(f"ical.js: {ICALJS_UNREADABLE[name]}")):
        icaljs(corpus_bytes(name))


def test_expectations_key_a_moved_occurrence_by_the_instant_it_replaces(icaljs_ready):
    """The last Friday of December 2021 at 21:30 in Berlin, moved two weeks earlier."""
    expectations = icaljs_expectations("google/moved_occurrence.ics")

    moved = expectations[("38m812jicsrer5gorh3mlp7qhc@google.com", "2021-12-31T20:30:00Z")]
    assert (moved.start, moved.end, moved.summary) == (
        "2021-12-17T20:30:00Z",
        "2021-12-17T20:30:00Z",
        "Karaoke",
    )
    assert len(expectations) == ICALJS_OCCURRENCES["google/moved_occurrence.ics"]
