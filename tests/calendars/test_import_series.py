"""Repeating events in calendar files: a series Dostlik wrote imports as it was, and one a
calendar app wrote becomes a series, its changed dates changed."""

import zoneinfo

import pytest

from calendars.ical import calendar_bytes
from calendars.imports import NEW, SKIP, UPDATE, calendar_import_apply, calendar_import_preview
from events.models import Event
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    joint_programme,
    weekly_series_with_changes,
)

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def world():
    uwed = InstitutionFactory(name="UWED", country=CountryFactory(code="UZ"))
    kaznu = InstitutionFactory(name="KazNU", country=CountryFactory(code="KZ"))
    source = joint_programme(uz=uwed, kz=kaznu)
    target = joint_programme(uz=uwed, kz=kaznu)
    return source, target, MembershipFactory(institution=uwed).user, uwed


def shape(programme) -> list[tuple]:
    """Each date of the programme's events: its local start, status, and whether it was changed
    on its own."""
    return [
        (f"{event.local_starts_at:%m-%d %H:%M}", event.status, event.detached)
        for event in Event.objects.filter(programme=programme).order_by("starts_at")
    ]


def preview(programme, user, host, content: bytes):
    return calendar_import_preview(
        programme=programme, user=user, content=content, host_institution=host, kind="other"
    )


def test_a_series_exported_and_imported_into_its_programme_changes_nothing(world):
    source, _target, user, host = world
    weekly_series_with_changes(source, host)
    before = shape(source)

    plan = preview(source, user, host, calendar_bytes(source.events.all(), name="Club"))

    assert [(row.action, row.reason) for row in plan.rows] == [
        (SKIP, "It is already up to date.")
    ] * 3
    assert shape(source) == before


def test_a_series_exported_makes_the_same_dates_on_another_dostlik(world):
    source, target, user, host = world
    weekly_series_with_changes(source, host)
    content = calendar_bytes(source.events.all(), name="Club")
    before = shape(source)
    # Another Dostlik holds no event of these UIDs; here, they are taken by the originals.
    source.events.all().delete()

    plan = preview(target, user, host, content)
    calendar_import_apply(programme=target, actor=user, plan=plan)

    assert [(row.action, row.recurrence_rule, len(row.overrides)) for row in plan.rows] == [
        (NEW, "FREQ=WEEKLY;COUNT=6", 2)
    ]
    assert shape(target) == before
    first = Event.objects.get(programme=target, series=None)
    assert first.recurrence_skipped == ["2026-04-07T17:00:00+00:00"]


GOOGLE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
X-WR-TIMEZONE:Asia/Almaty\r
BEGIN:VEVENT\r
UID:tuesdays@google.com\r
SUMMARY:Kazakh lessons\r
DTSTART;TZID=Asia/Almaty:20261006T180000\r
DTEND;TZID=Asia/Almaty:20261006T193000\r
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261027T130000Z\r
EXDATE;TZID=Asia/Almaty:20261013T180000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:tuesdays@google.com\r
RECURRENCE-ID;TZID=Asia/Almaty:20261020T180000\r
SUMMARY:Kazakh lessons (at the library)\r
DTSTART;TZID=Asia/Almaty:20261021T180000\r
DTEND;TZID=Asia/Almaty:20261021T193000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:hourly@google.com\r
SUMMARY:Every hour\r
DTSTART:20261006T180000Z\r
DURATION:PT1H\r
RRULE:FREQ=HOURLY;COUNT=3\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:listed@google.com\r
SUMMARY:Listed dates\r
DTSTART:20261006T180000Z\r
DURATION:PT1H\r
RDATE:20261008T180000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_series_a_calendar_app_wrote_becomes_a_series(world):
    _source, target, user, host = world

    plan = preview(target, user, host, GOOGLE)
    calendar_import_apply(programme=target, actor=user, plan=plan)

    assert [(row.action, row.title, row.reason) for row in plan.rows] == [
        (NEW, "Kazakh lessons", ""),
        (SKIP, "Every hour", "A repetition is daily, weekly, monthly or yearly."),
        (
            SKIP,
            "Listed dates",
            "It repeats on dates listed one by one (RDATE) or leaves dates out by a rule "
            "(EXRULE), which Dostlik does not keep.",
        ),
    ]
    lessons = Event.objects.filter(programme=target).order_by("starts_at")
    assert [(f"{e.local_starts_at:%m-%d %H:%M}", e.title) for e in lessons] == [
        ("10-06 18:00", "Kazakh lessons"),
        ("10-21 18:00", "Kazakh lessons (at the library)"),
        ("10-27 18:00", "Kazakh lessons"),
    ]


def test_a_date_changed_in_the_calendar_app_changes_that_date_of_the_series_here(world):
    _source, target, user, host = world
    calendar_import_apply(programme=target, actor=user, plan=preview(target, user, host, GOOGLE))
    moved_again = GOOGLE.replace(
        b"DTSTART;TZID=Asia/Almaty:20261021T180000\r\nDTEND;TZID=Asia/Almaty:20261021T193000\r\n",
        b"DTSTART;TZID=Asia/Almaty:20261022T170000\r\nDTEND;TZID=Asia/Almaty:20261022T183000\r\n"
        b"SEQUENCE:2\r\n",
    ).replace(
        b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:hourly",
        b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:tuesdays@google.com\r\n"
        b"RECURRENCE-ID;TZID=Asia/Almaty:20261027T180000\r\nSTATUS:CANCELLED\r\n"
        b"SEQUENCE:1\r\nDTSTART;TZID=Asia/Almaty:20261027T180000\r\nDURATION:PT90M\r\n"
        b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:hourly",
    )

    plan = preview(target, user, host, moved_again)
    result = calendar_import_apply(programme=target, actor=user, plan=plan)

    assert [(row.action, row.title, row.changed) for row in plan.rows[:1] + plan.rows[3:]] == [
        (SKIP, "Kazakh lessons", []),
        (UPDATE, "Kazakh lessons (at the library)", ["starts_at", "ends_at"]),
        (UPDATE, "Kazakh lessons", ["status"]),
    ]
    assert result.updated == 2
    lessons = Event.objects.filter(programme=target).order_by("starts_at")
    assert [(f"{e.local_starts_at:%m-%d %H:%M}", e.status, e.detached) for e in lessons] == [
        ("10-06 18:00", Event.Status.PLANNED, False),
        ("10-22 17:00", Event.Status.PLANNED, True),
        ("10-27 18:00", Event.Status.CANCELLED, True),
    ]
    again = preview(target, user, host, moved_again)
    assert [row.reason for row in again.rows[3:]] == ["It is already up to date."] * 2


def test_a_changed_date_older_than_its_change_here_is_skipped(world):
    _source, target, user, host = world
    calendar_import_apply(programme=target, actor=user, plan=preview(target, user, host, GOOGLE))
    moved = Event.objects.get(programme=target, title="Kazakh lessons (at the library)")
    assert moved.sequence == 1

    plan = preview(target, user, host, GOOGLE.replace(b"20261021T18", b"20261021T16"))

    assert [row.reason for row in plan.rows[3:]] == [
        "The file holds an older copy of it than the one saved here (SEQUENCE 0, here 1): it "
        "was changed here since."
    ]
