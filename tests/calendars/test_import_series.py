"""Repeating events in calendar files: a series Dostlik wrote imports as it was, and one a
calendar app wrote becomes a series, its changed dates changed."""

import zoneinfo

import pytest

from calendars.ical import calendar_bytes
from calendars.imports import NEW, SKIP, calendar_import_apply, calendar_import_preview
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
