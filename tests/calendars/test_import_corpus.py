"""The calendar files real apps wrote (``tests/interop/corpus``) import: none is refused, every
TZID is understood, and each event imported starts and ends when ical.js, an independent
reader, says it does."""

import datetime
import re

import pytest

from calendars.imports import NEW, calendar_import_preview
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
