"""Time zones of an imported file: a TZID the file defines itself is read on that definition
and the event kept in the IANA zone with the same offsets; floating times follow
``X-WR-TIMEZONE``; the parser's process-wide cache of zones learns nothing from a file."""

import datetime
import zoneinfo

import icalendar
import pytest

from calendars.imports import NEW, SKIP, calendar_import_preview
from events.models import Event
from tests.factories import CountryFactory, InstitutionFactory, MembershipFactory, joint_programme

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def world():
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="UWED", country=uz)
    kaznu = InstitutionFactory(name="KazNU", country=kz)
    programme = joint_programme(uz=uwed, kz=kaznu)
    return programme, MembershipFactory(institution=uwed).user, uwed


def ics(*parts: str) -> bytes:
    body = "".join(part.strip() + "\n" for part in parts)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example//EN\n{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def event(uid: str, start: str, end: str, tzid: str = "") -> str:
    zone = f";TZID={tzid}" if tzid else ""
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\nSUMMARY:{uid}\n"
        f"DTSTART{zone}:{start}\nDTEND{zone}:{end}\nEND:VEVENT"
    )


def rows(world, content: bytes):
    programme, user, host = world
    plan = calendar_import_preview(
        programme=programme, user=user, content=content, host_institution=host, kind="other"
    )
    return [
        (row.action, row.reason)
        if row.action == SKIP
        else (
            row.action,
            datetime.datetime.fromisoformat(row.starts_at).astimezone(UTC),
            datetime.datetime.fromisoformat(row.ends_at).astimezone(UTC),
            row.time_zone,
        )
        for row in plan.rows
    ]


# Outlook's definition of Windows' "AUS Eastern Standard Time", under its display name.
SYDNEY = """
BEGIN:VTIMEZONE
TZID:Canberra\\, Melbourne\\, Sydney
BEGIN:STANDARD
DTSTART:16010401T030000
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16011007T020000
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10
END:DAYLIGHT
END:VTIMEZONE
"""

TASHKENT_IN_RUSSIAN = """
BEGIN:VTIMEZONE
TZID:Ташкент
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0500
TZOFFSETTO:+0500
END:STANDARD
END:VTIMEZONE
"""

# A definition as vzic writes them: the day of the change by a range of days of the month.
US_EASTERN = """
BEGIN:VTIMEZONE
TZID:US-Eastern
BEGIN:DAYLIGHT
DTSTART:19700308T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8,9,10,11,12,13,14;BYDAY=SU
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:19701101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
"""


def test_a_zone_the_file_defines_gives_the_instant_and_the_iana_zone_like_it(world):
    content = ics(
        SYDNEY,
        TASHKENT_IN_RUSSIAN,
        US_EASTERN,
        # 10 October 2026: Sydney on summer time (UTC+11) since the 4th.
        event("sydney", "20261010T090000", "20261010T110000", '"Canberra, Melbourne, Sydney"'),
        event("tashkent", "20261010T090000", "20261010T110000", "Ташкент"),
        # 8 March 2026, 09:00: New York is on summer time (UTC-4) since 02:00.
        event("new-york", "20260308T090000", "20260308T100000", "US-Eastern"),
    )

    assert rows(world, content) == [
        (
            NEW,
            datetime.datetime(2026, 10, 9, 22, 0, tzinfo=UTC),
            datetime.datetime(2026, 10, 10, 0, 0, tzinfo=UTC),
            "Australia/Melbourne",
        ),
        (
            NEW,
            datetime.datetime(2026, 10, 10, 4, 0, tzinfo=UTC),
            datetime.datetime(2026, 10, 10, 6, 0, tzinfo=UTC),
            "Asia/Tashkent",
        ),
        (
            NEW,
            datetime.datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
            datetime.datetime(2026, 3, 8, 14, 0, tzinfo=UTC),
            "America/New_York",
        ),
    ]


def test_a_windows_name_the_file_defines_is_read_on_its_definition(world):
    # Outlook's definition of "Russian Standard Time" from before 2011, when Moscow kept summer
    # time: the organiser's calendar meant 10:00 at UTC+4, an hour from what Moscow is now.
    content = ics(
        """
        BEGIN:VTIMEZONE
        TZID:Russian Standard Time
        BEGIN:STANDARD
        DTSTART:16010101T000000
        TZOFFSETFROM:+0400
        TZOFFSETTO:+0400
        END:STANDARD
        END:VTIMEZONE
        """.replace("        ", ""),
        event("moscow", "20260715T100000", "20260715T110000", "Russian Standard Time"),
        event("windows", "20260715T100000", "20260715T110000", "W. Europe Standard Time"),
    )

    assert rows(world, content) == [
        (
            NEW,
            datetime.datetime(2026, 7, 15, 6, 0, tzinfo=UTC),
            datetime.datetime(2026, 7, 15, 7, 0, tzinfo=UTC),
            "Asia/Dubai",
        ),
        # Not defined by the file: the IANA zone the Windows name stands for.
        (
            NEW,
            datetime.datetime(2026, 7, 15, 8, 0, tzinfo=UTC),
            datetime.datetime(2026, 7, 15, 9, 0, tzinfo=UTC),
            "Europe/Berlin",
        ),
    ]


def test_an_iana_name_is_read_on_the_zone_database_whatever_the_file_defines(world):
    content = ics(
        SYDNEY.replace("Canberra\\, Melbourne\\, Sydney", "Asia/Almaty"),
        event("almaty", "20261010T090000", "20261010T110000", "Asia/Almaty"),
    )

    assert rows(world, content) == [
        (
            NEW,
            datetime.datetime(2026, 10, 10, 4, 0, tzinfo=UTC),
            datetime.datetime(2026, 10, 10, 6, 0, tzinfo=UTC),
            "Asia/Almaty",
        )
    ]


def test_floating_times_and_dates_are_read_on_the_calendars_x_wr_timezone(world):
    content = ics(
        "X-WR-TIMEZONE:America/Los_Angeles",
        event("floating", "20261010T060000", "20261010T070000"),
        "BEGIN:VEVENT\nUID:day\nDTSTAMP:20260101T000000Z\nSUMMARY:day\n"
        "DTSTART;VALUE=DATE:20261010\nEND:VEVENT",
    )

    assert rows(world, content) == [
        (
            NEW,
            datetime.datetime(2026, 10, 10, 13, 0, tzinfo=UTC),
            datetime.datetime(2026, 10, 10, 14, 0, tzinfo=UTC),
            "America/Los_Angeles",
        ),
        (
            NEW,
            datetime.datetime(2026, 10, 10, 7, 0, tzinfo=UTC),
            datetime.datetime(2026, 10, 11, 7, 0, tzinfo=UTC),
            "America/Los_Angeles",
        ),
    ]


def test_a_time_the_clocks_skip_or_repeat_is_read_as_the_zone_database_reads_it(world):
    # Sydney's clocks go from 02:00 to 03:00 on 4 October 2026 and from 03:00 back to 02:00 on
    # 5 April 2026: 02:30 is read on the clock before each change.
    content = ics(
        SYDNEY,
        event("skipped", "20261004T023000", "20261004T043000", '"Canberra, Melbourne, Sydney"'),
        event("repeated", "20260405T023000", "20260405T043000", '"Canberra, Melbourne, Sydney"'),
    )
    sydney = zoneinfo.ZoneInfo("Australia/Sydney")

    starts = [row[1] for row in rows(world, content)]

    assert starts == [
        datetime.datetime(2026, 10, 4, 2, 30, tzinfo=sydney).astimezone(UTC),
        datetime.datetime(2026, 4, 5, 2, 30, tzinfo=sydney).astimezone(UTC),
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY",
        "FREQ=YEARLY;BYHOUR=1,2,3",
        "FREQ=YEARLY;BYDAY=SU",
        "FREQ=YEARLY;BYMONTH=13;BYDAY=1SU",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=9SU",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYSETPOS=-1",
    ],
)
def test_a_definition_no_zone_uses_is_not_read_and_the_event_says_why(world, rule):
    content = ics(
        SYDNEY.replace("RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", f"RRULE:{rule}"),
        event("odd", "20261010T090000", "20261010T110000", '"Canberra, Melbourne, Sydney"'),
    )

    assert rows(world, content) == [
        (
            SKIP,
            "Its time zone “Canberra, Melbourne, Sydney” is defined in the file in a way that "
            "cannot be read.",
        )
    ]


def test_an_undefined_tzid_is_unknown_and_a_vendor_prefix_is_read(world):
    content = ics(
        event("mars", "20261010T090000", "20261010T110000", "Mars/Olympus"),
        event("vendor", "20261010T090000", "20261010T110000", "/example.com/Asia/Almaty"),
    )

    assert rows(world, content) == [
        (SKIP, "Its time zone “Mars/Olympus” is unknown."),
        (
            NEW,
            datetime.datetime(2026, 10, 10, 4, 0, tzinfo=UTC),
            datetime.datetime(2026, 10, 10, 6, 0, tzinfo=UTC),
            "Asia/Almaty",
        ),
    ]


def test_a_files_zones_do_not_reach_the_parsers_cache(world):
    # The parser keeps, for the whole process, each zone it resolves and each definition it
    # meets: a file's "Ташкент" at UTC+3 would be every later file's "Ташкент". (The names
    # looked up in the cache are this test's own, which no other file uses.)
    probe = TASHKENT_IN_RUSSIAN.replace("Ташкент", "Import probe 7f3a")
    hostile = TASHKENT_IN_RUSSIAN.replace("+0500", "+0300")
    rows(
        world,
        ics(
            hostile,
            probe,
            event("a", "20261010T090000", "20261010T110000", "Ташкент"),
            event("b", "20261010T090000", "20261010T110000", "Import probe 7f3a"),
            event("c", "20261010T090000", "20261010T110000", "/import-probe-7f3a/Asia/Almaty"),
        ),
    )

    honest = rows(
        world, ics(TASHKENT_IN_RUSSIAN, event("d", "20261010T090000", "20261010T110000", "Ташкент"))
    )

    assert icalendar.timezone.tzp.timezone("Import probe 7f3a") is None
    assert icalendar.timezone.tzp.timezone("import-probe-7f3a/Asia/Almaty") is None
    assert honest[0][1] == datetime.datetime(2026, 10, 10, 4, 0, tzinfo=UTC)
    assert Event.objects.count() == 0
