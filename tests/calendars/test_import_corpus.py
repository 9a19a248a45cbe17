"""The calendar files real apps wrote (``tests/interop/corpus``) import: none is refused, every
TZID is understood, and each event imported starts and ends when ical.js, an independent
reader, says it does."""

import datetime
import re

import pytest

from calendars.imports import NEW, calendar_import_apply, calendar_import_preview
from events.models import Event
from tests.factories import CountryFactory, InstitutionFactory, MembershipFactory, joint_programme
from tests.interop.corpus_expectations import (
    ICALJS_UNREADABLE,
    REFERENCE_CAVEATS,
    corpus_bytes,
    corpus_files,
    icaljs_expectations,
)
from tests.interop.parsers import icaljs_missing

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def world():
    uwed = InstitutionFactory(name="UWED", country=CountryFactory(code="UZ"))
    kaznu = InstitutionFactory(name="KazNU", country=CountryFactory(code="KZ"))
    programme = joint_programme(uz=uwed, kz=kaznu)
    return programme, MembershipFactory(institution=uwed).user, uwed


def preview(world, content: bytes):
    programme, user, host = world
    return calendar_import_preview(
        programme=programme, user=user, content=content, host_institution=host, kind="other"
    )


@pytest.mark.parametrize("name", corpus_files())
def test_every_file_is_previewed_and_every_zone_understood(world, name):
    plan = preview(world, corpus_bytes(name))

    assert plan.rows
    assert [row.reason for row in plan.rows if "time zone" in row.reason] == []


def _as_read(row, occurrence) -> tuple[str, str]:
    """The row's start and end written as ``tests.interop.parsers`` writes ``occurrence``'s."""
    starts = datetime.datetime.fromisoformat(row.starts_at)
    ends = datetime.datetime.fromisoformat(row.ends_at)
    if occurrence.all_day:
        return starts.date().isoformat(), ends.date().isoformat()
    if occurrence.floating:
        return starts.replace(tzinfo=None).isoformat(), ends.replace(tzinfo=None).isoformat()
    return tuple(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for moment in (starts, ends))


COMPARABLE = [
    name for name in corpus_files() if name not in ICALJS_UNREADABLE | REFERENCE_CAVEATS.keys()
]


@pytest.mark.parametrize("name", COMPARABLE)
def test_each_event_imported_is_when_ical_js_reads_it(world, name):
    if missing := icaljs_missing():
        pytest.skip(f"ical.js cannot run: {missing}")
    expected = icaljs_expectations(name)
    rows = [row for row in preview(world, corpus_bytes(name)).rows if row.action == NEW]
    firsts = [_first(expected, row) for row in rows]

    read = [_as_read(row, first) for row, first in zip(rows, firsts, strict=True)]

    assert read == [(first.start, first.end) for first in firsts]


def _first(expected: dict, row):
    """What ical.js gives for the row: the event, or the first date of a series (whose
    occurrences it lists under their RECURRENCE-ID)."""
    if not row.recurrence_rule:
        return expected[(row.uid, None)]
    dates = [o for (uid, _rid), o in expected.items() if uid == row.uid]
    return min(dates, key=lambda occurrence: occurrence.recurrence_id or occurrence.start)


@pytest.mark.parametrize(
    ("name", "starts", "zone"),
    [
        # Outlook's definitions under localised names, since 1601 and in eras with UNTIL; the
        # files' events have no SUMMARY nor end, added here.
        (
            "outlook/yekaterinburg_russian_tzid.ics",
            datetime.datetime(2008, 5, 30, 9, 0, tzinfo=UTC),
            "Asia/Yekaterinburg",
        ),
        (
            "outlook/canberra_melbourne_sydney.ics",
            datetime.datetime(2008, 5, 30, 5, 0, tzinfo=UTC),
            "Australia/Melbourne",
        ),
    ],
)
def test_outlooks_localised_zone_names_are_read_on_the_files_definitions(world, name, starts, zone):
    content = re.sub(
        rb"BEGIN:VEVENT(\r?\n)",
        rb"BEGIN:VEVENT\1SUMMARY:Meeting\1DURATION:PT1H\1",
        corpus_bytes(name),
    )

    row = preview(world, content).rows[0]

    assert (row.action, datetime.datetime.fromisoformat(row.starts_at), row.time_zone) == (
        NEW,
        starts,
        zone,
    )


def _moment_text(moment: datetime.datetime, occurrence) -> str:
    """``moment`` written as ``tests.interop.parsers`` writes ``occurrence``'s times."""
    if occurrence.all_day:
        return moment.date().isoformat()
    if occurrence.floating:
        return moment.replace(tzinfo=None).isoformat()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Where a series' dates, once imported, differ from what ical.js reads, and why.
SERIES_CAVEATS = {
    "thunderbird/changed_duration.ics": (
        "the last date of a daily series is changed into an all-day date given both DTEND and "
        "DURATION: ical.js leaves the date out, Dostlik keeps it as the rule gives it (a date "
        "made all day is not kept, and the preview says so)"
    ),
}


@pytest.mark.parametrize("name", [name for name in COMPARABLE if name not in SERIES_CAVEATS])
def test_every_date_of_an_imported_series_is_when_ical_js_reads_it(world, name):
    """Once imported, a series holds the dates ical.js gives it, up to the last date Dostlik
    made (a series without end is made two years ahead)."""
    if missing := icaljs_missing():
        pytest.skip(f"ical.js cannot run: {missing}")
    programme, user, _host = world
    plan = preview(world, corpus_bytes(name))
    series = [row for row in plan.rows if row.action == NEW and row.recurrence_rule]
    if not series:
        return
    calendar_import_apply(programme=programme, actor=user, plan=plan)
    expected = icaljs_expectations(name)
    for row in series:
        first = Event.objects.get(programme=programme, uid=row.uid)
        dates = [first, *first.occurrences.order_by("starts_at")]
        sample = _first(expected, row)
        last = _moment_text(max(date.starts_at.astimezone(first.zone) for date in dates), sample)
        made = sorted(
            (
                _moment_text(date.starts_at.astimezone(first.zone), sample),
                _moment_text(date.ends_at.astimezone(first.zone), sample),
            )
            for date in dates
        )
        read = sorted(
            (occurrence.start, occurrence.end)
            for (uid, _rid), occurrence in expected.items()
            if uid == row.uid and occurrence.start <= last
        )
        assert (row.uid, made) == (row.uid, read)


def test_a_date_of_a_series_made_all_day_is_skipped_with_the_reason(world):
    plan = preview(world, corpus_bytes("thunderbird/changed_duration.ics"))

    assert [row.reason for row in plan.rows if "all day" in row.reason] == [
        "It makes one date of a series all day, or timed, which Dostlik does not keep."
    ]
