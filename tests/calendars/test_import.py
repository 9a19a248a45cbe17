"""Importing an .ics file into a programme: the preview (new, updated, skipped and why), the
confirmation that writes all of the plan or nothing, files refused whole, who may import, and
malformed calendars that must never break the page nor leave half an import behind."""

import dataclasses
import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from calendars.imports import (
    MAX_BYTES,
    MAX_EVENTS,
    NEW,
    SKIP,
    UPDATE,
    ImportPlan,
    ImportRejected,
    calendar_import_preview,
    plan_keep,
    plan_take,
)
from events.models import Event, all_day_bounds
from events.services import event_update
from institutions.models import Institution
from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")

FAIR_UID = "fair-2026@example.org"
ABAY_UID = "abay-2026@example.org"
TAKEN_UID = "gala-2026@elsewhere.example.org"

# A timed event in Almaty time (with the VTIMEZONE an app would send) and a three-day one.
GOOD_CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Education Days//EN
BEGIN:VTIMEZONE
TZID:Asia/Almaty
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0500
TZOFFSETTO:+0500
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:fair-2026@example.org
DTSTAMP:20260101T000000Z
SUMMARY:Kazakhstan Education Days fair
DESCRIPTION:Forty universities present their programmes.
LOCATION:Main hall\\, Al-Farabi University\\, Almaty\\, Kazakhstan
DTSTART;TZID=Asia/Almaty:20261005T140000
DTEND;TZID=Asia/Almaty:20261005T180000
STATUS:CONFIRMED
END:VEVENT
BEGIN:VEVENT
UID:abay-2026@example.org
DTSTAMP:20260101T000000Z
SUMMARY:Abay. Heritage of Fraternal Peoples
DTSTART;VALUE=DATE:20261219
DTEND;VALUE=DATE:20261222
END:VEVENT
END:VCALENDAR
"""


def ics(text: str) -> bytes:
    """``text`` with the CRLF line ends of RFC 5545."""
    return text.replace("\n", "\r\n").encode()


def calendar_of(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{event.strip()}\nEND:VEVENT\n" for event in events)
    return ics(f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example//EN\n{body}END:VCALENDAR\n")


@dataclass
class World:
    uwed: Institution
    kaznu: Institution
    programme: Programme
    draft: Programme
    elsewhere: Programme
    lead_coordinator: User
    kaznu_coordinator: User
    stranger: User
    viewer: User


@pytest.fixture
def world() -> World:
    """An active programme led by a Tashkent university with an Almaty partner; a draft of the
    same partners; another programme whose event has ``TAKEN_UID``; a coordinator of each
    partner, one of an institution that takes part in nothing, and a viewer."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    elsewhere = joint_programme(
        uz=InstitutionFactory(country=uz), kz=kaznu, status=Programme.Status.SUBMITTED
    )
    EventFactory(programme=elsewhere, host_institution=kaznu, uid=TAKEN_UID, title="Gala")
    return World(
        uwed=uwed,
        kaznu=kaznu,
        programme=joint_programme(
            uz=uwed, kz=kaznu, title="Kazakhstan Education Days", status=Programme.Status.SUBMITTED
        ),
        draft=joint_programme(uz=uwed, kz=kaznu, status=Programme.Status.DRAFT),
        elsewhere=elsewhere,
        lead_coordinator=MembershipFactory(institution=uwed).user,
        kaznu_coordinator=MembershipFactory(institution=kaznu).user,
        stranger=MembershipFactory(institution=InstitutionFactory(country=uz)).user,
        viewer=ViewerFactory().user,
    )


def import_url(programme: Programme) -> str:
    return reverse("calendars:import", args=[programme.pk])


def confirm_url(programme: Programme) -> str:
    return reverse("calendars:import_confirm", args=[programme.pk])


def upload(client, programme: Programme, content: bytes, *, host: Institution, **fields):
    data = {
        "calendar_file": SimpleUploadedFile(
            fields.pop("name", "education-days.ics"), content, content_type="text/calendar"
        ),
        "host_institution": host.pk,
        "kind": fields.pop("kind", Event.Kind.OTHER),
    }
    return client.post(import_url(programme), data)


def rows_of(response) -> list[tuple[str, str, str]]:
    return [(row.action, row.title, row.reason) for row in response.context["plan"].rows]


def file_errors(response) -> list[str]:
    return response.context["form"].errors.get("calendar_file", [])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def confirm(client, programme: Programme, response):
    return client.post(confirm_url(programme), {"plan": response.context["plan_id"]})


# ---------- a good file ----------


def test_the_preview_lists_both_events_as_new_and_saves_nothing(client, world):
    client.force_login(world.lead_coordinator)

    response = upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed)

    assert response.status_code == 200
    assert response.templates[0].name == "calendars/import_preview.html"
    assert rows_of(response) == [
        (NEW, "Kazakhstan Education Days fair", ""),
        (NEW, "Abay. Heritage of Fraternal Peoples", ""),
    ]
    assert response.context["plan_id"] != ""
    assert world.programme.events.count() == 0


def test_confirming_creates_exactly_the_previewed_events(client, world):
    client.force_login(world.lead_coordinator)
    preview = upload(
        client, world.programme, ics(GOOD_CALENDAR), host=world.uwed, kind=Event.Kind.FAIR
    )

    response = confirm(client, world.programme, preview)

    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:detail", args=[world.programme.pk])
    assert messages_of(response) == ["Calendar file imported. New events: 2; events updated: 0."]
    fair, abay = world.programme.events.order_by("starts_at")
    # 14:00 to 18:00 on an Almaty clock (UTC+5), kept in Almaty time.
    assert (fair.uid, fair.title, fair.starts_at, fair.ends_at, fair.time_zone, fair.all_day) == (
        FAIR_UID,
        "Kazakhstan Education Days fair",
        datetime.datetime(2026, 10, 5, 9, 0, tzinfo=UTC),
        datetime.datetime(2026, 10, 5, 13, 0, tzinfo=UTC),
        "Asia/Almaty",
        False,
    )
    assert (fair.status, fair.kind, fair.host_institution, fair.city, fair.sequence) == (
        Event.Status.CONFIRMED,
        Event.Kind.FAIR,
        world.uwed,
        "Almaty",
        0,
    )
    assert fair.description == (
        "Forty universities present their programmes.\n\n"
        "Location: Main hall, Al-Farabi University, Almaty, Kazakhstan"
    )
    # Dates: whole days on the clock of the lead's country, the end exclusive.
    assert (abay.uid, abay.title, abay.all_day, abay.time_zone) == (
        ABAY_UID,
        "Abay. Heritage of Fraternal Peoples",
        True,
        "Asia/Tashkent",
    )
    assert (abay.starts_at, abay.ends_at) == all_day_bounds(
        datetime.date(2026, 12, 19), datetime.date(2026, 12, 21), "Asia/Tashkent"
    )
    assert (abay.status, abay.city, abay.description) == (Event.Status.PLANNED, "Tashkent", "")


def test_a_plan_is_applied_once(client, world):
    client.force_login(world.lead_coordinator)
    preview = upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed)
    confirm(client, world.programme, preview)

    response = confirm(client, world.programme, preview)

    assert response["Location"] == import_url(world.programme)
    assert messages_of(response)[-1] == (
        "This preview has expired or was already used. Upload the file again."
    )
    assert world.programme.events.count() == 2


def test_reimporting_with_a_changed_summary_updates_instead_of_duplicating(client, world):
    client.force_login(world.lead_coordinator)
    confirm(
        client,
        world.programme,
        upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed),
    )
    # Its organiser changed it since: SEQUENCE rises, as calendar apps raise it.
    changed = GOOD_CALENDAR.replace(
        "SUMMARY:Kazakhstan Education Days fair",
        "SUMMARY:Kazakhstan Education Days 2026\nSEQUENCE:1",
    )

    preview = upload(client, world.programme, ics(changed), host=world.uwed)
    response = confirm(client, world.programme, preview)

    assert rows_of(preview) == [
        (UPDATE, "Kazakhstan Education Days 2026", ""),
        (SKIP, "Abay. Heritage of Fraternal Peoples", "It is already up to date."),
    ]
    assert preview.context["plan"].rows[0].changed == ["title"]
    assert messages_of(response)[-1] == "Calendar file imported. New events: 0; events updated: 1."
    assert world.programme.events.count() == 2
    fair = Event.objects.get(uid=FAIR_UID)
    assert (fair.title, fair.sequence) == ("Kazakhstan Education Days 2026", 1)


def test_times_without_a_known_zone_are_read_on_the_right_clock(world):
    content = calendar_of(
        # Floating: the clock of the lead's country (Tashkent, UTC+5).
        "UID:floating@example.org\nSUMMARY:Floating\nDTSTART:20261005T140000\n"
        "DTEND:20261005T160000",
        # UTC says when, not where: the host's country's clock.
        "UID:utc@example.org\nSUMMARY:In UTC\nDTSTART:20261005T090000Z\nDURATION:PT2H",
        # A Windows zone name is understood.
        "UID:windows@example.org\nSUMMARY:Windows zone\n"
        "DTSTART;TZID=West Asia Standard Time:20261005T140000\nDURATION:PT1H",
    )

    plan = calendar_import_preview(
        programme=world.programme,
        user=world.kaznu_coordinator,
        content=content,
        host_institution=world.kaznu,
        kind=Event.Kind.OTHER,
    )

    assert [(row.action, row.starts_at, row.ends_at, row.time_zone) for row in plan.rows] == [
        (NEW, "2026-10-05T14:00:00+05:00", "2026-10-05T16:00:00+05:00", "Asia/Tashkent"),
        (NEW, "2026-10-05T14:00:00+05:00", "2026-10-05T16:00:00+05:00", "Asia/Almaty"),
        (NEW, "2026-10-05T14:00:00+05:00", "2026-10-05T15:00:00+05:00", "Asia/Tashkent"),
    ]


# ---------- what is skipped, and why ----------


def test_each_event_that_cannot_be_imported_is_skipped_with_its_reason(client, world):
    client.force_login(world.lead_coordinator)
    content = calendar_of(
        "UID:no-start@example.org\nSUMMARY:No start\nDTEND:20261005T160000",
        "UID:backwards@example.org\nSUMMARY:Backwards\nDTSTART:20261005T160000\n"
        "DTEND:20261005T140000",
        "UID:weekly@example.org\nSUMMARY:Weekly lecture\nDTSTART:20261005T160000\n"
        "DURATION:PT1H\nRRULE:FREQ=SECONDLY",
        "UID:mars@example.org\nSUMMARY:On Mars\nDTSTART;TZID=Mars/Olympus:20261005T160000\n"
        "DURATION:PT1H",
        f"UID:{TAKEN_UID}\nSUMMARY:Gala concert\nDTSTART:20261005T160000\nDURATION:PT1H",
        "UID:called-off@example.org\nSUMMARY:Called off\nDTSTART:20261005T160000\n"
        "DURATION:PT1H\nSTATUS:CANCELLED",
        "UID:twice@example.org\nSUMMARY:Twice\nDTSTART:20261006T160000\nDURATION:PT1H",
        "UID:twice@example.org\nSUMMARY:Twice again\nDTSTART:20261007T160000\nDURATION:PT1H",
        "SUMMARY:No UID\nDTSTART:20261005T160000\nDURATION:PT1H",
    )

    response = upload(client, world.programme, content, host=world.uwed)

    assert rows_of(response) == [
        (SKIP, "No start", "It has no start (DTSTART)."),
        (SKIP, "Backwards", "It does not end after it starts (DTEND before DTSTART)."),
        (SKIP, "Weekly lecture", "A repetition is daily, weekly, monthly or yearly."),
        (SKIP, "On Mars", "Its time zone “Mars/Olympus” is unknown."),
        (NEW, "Gala concert", ""),
        (SKIP, "Called off", "It is cancelled, and not an event of this programme."),
        (NEW, "Twice", ""),
        (SKIP, "Twice again", "Its UID appears earlier in this file."),
        (SKIP, "No UID", "It has no single UID, so a second import could not recognise it."),
    ]
    confirm(client, world.programme, response)
    assert sorted(world.programme.events.values_list("title", flat=True)) == [
        "Gala concert",
        "Twice",
    ]
    # The event of the other programme stays as it was; this programme has a copy of its own.
    assert Event.objects.get(uid=TAKEN_UID).title == "Gala"


def test_a_zone_the_file_defines_with_a_rule_no_zone_uses_is_not_read(world):
    content = ics(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example//EN\n"
        "BEGIN:VTIMEZONE\nTZID:Almaty office\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
        "RRULE:FREQ=SECONDLY\nTZOFFSETFROM:+0500\nTZOFFSETTO:+0500\nEND:STANDARD\n"
        "END:VTIMEZONE\n"
        "BEGIN:VEVENT\nUID:office@example.org\nSUMMARY:Office hours\n"
        "DTSTART;TZID=Almaty office:20261005T100000\nDURATION:PT1H\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )

    plan = calendar_import_preview(
        programme=world.programme,
        user=world.lead_coordinator,
        content=content,
        host_institution=world.uwed,
        kind=Event.Kind.OTHER,
    )

    assert [(row.action, row.reason) for row in plan.rows] == [
        (SKIP, "Its time zone “Almaty office” is defined in the file in a way that cannot be read.")
    ]


def test_an_event_the_importer_may_not_change_is_skipped(client, world):
    EventFactory(programme=world.programme, host_institution=world.uwed, uid=FAIR_UID)
    client.force_login(world.kaznu_coordinator)

    response = upload(client, world.programme, ics(GOOD_CALENDAR), host=world.kaznu)

    assert rows_of(response) == [
        (
            SKIP,
            "Kazakhstan Education Days fair",
            "It is an event of this programme hosted by University of World Economy and "
            "Diplomacy, which you may not change.",
        ),
        (NEW, "Abay. Heritage of Fraternal Peoples", ""),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(
            calendar_of(
                "UID:backwards@example.org\nSUMMARY:Backwards\nDTSTART:20261005T160000\n"
                "DTEND:20261005T140000"
            ),
            "It does not end after it starts (DTEND before DTSTART).",
            id="dtend-before-dtstart",
        ),
        pytest.param(
            calendar_of(
                "UID:weekly@example.org\nSUMMARY:Weekly\nDTSTART:20261005T160000\n"
                "DURATION:PT1H\nRRULE:FREQ=SECONDLY;COUNT=999999999"
            ),
            "A repetition is daily, weekly, monthly or yearly.",
            id="rrule",
        ),
    ],
)
def test_a_file_with_nothing_importable_offers_no_confirmation(client, world, content, reason):
    client.force_login(world.lead_coordinator)

    response = upload(client, world.programme, content, host=world.uwed)

    assert [row.reason for row in response.context["plan"].rows] == [reason]
    assert response.context["plan_id"] == ""
    assert "Nothing in this file can be imported" in response.content.decode()
    assert client.session.get("calendar_import_plans", {}) == {}
    assert Event.objects.count() == 1  # the other programme's


# ---------- files refused whole ----------


def too_many_events() -> bytes:
    return calendar_of(
        *(
            f"UID:e{n}@example.org\nSUMMARY:Event {n}\nDTSTART;VALUE=DATE:20261005"
            for n in range(MAX_EVENTS + 1)
        )
    )


REFUSED = [
    pytest.param(
        b"Dear colleagues, please find our programme attached.",
        "This is not an iCalendar file: it must begin with BEGIN:VCALENDAR.",
        id="not-a-calendar",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "The file is not UTF-8 text, as iCalendar files are. Save it as UTF-8 and retry.",
        id="binary",
    ),
    pytest.param(
        ics(GOOD_CALENDAR).replace(b"Abay", "Абай".encode("cp1251")),
        "The file is not UTF-8 text, as iCalendar files are. Save it as UTF-8 and retry.",
        id="not-utf-8",
    ),
    pytest.param(
        b"BEGIN:VCALENDAR\r\n" + b"X-PADDING:" + b"x" * MAX_BYTES + b"\r\nEND:VCALENDAR\r\n",
        "The file is larger than 1.0\xa0MB; split it into smaller calendars.",
        id="over-the-size-limit",
    ),
    pytest.param(
        too_many_events(),
        "The file has more than 500 events; split it into smaller ones.",
        id="over-the-event-limit",
    ),
    pytest.param(
        calendar_of("UID:outer@example.org\nBEGIN:VEVENT\nUID:inner@example.org\nEND:VEVENT"),
        "The file has an event inside another component.",
        id="nested-event",
    ),
    pytest.param(
        calendar_of("UID:deep@example.org\n" + "BEGIN:X-A\n" * 50 + "END:X-A\n" * 50),
        "The file nests components more than 4 deep.",
        id="deep-nesting",
    ),
    pytest.param(
        ics(GOOD_CALENDAR)[:-15],
        "The file ends before its calendar does; is it complete?",
        id="truncated",
    ),
    pytest.param(
        ics(GOOD_CALENDAR).replace(b"END:VEVENT", b"END:VTODO", 1),
        "The file's components are not closed in order (END:VTODO).",
        id="unbalanced",
    ),
    pytest.param(
        ics(GOOD_CALENDAR) + ics(GOOD_CALENDAR),
        "The file goes on after its calendar ends; it must hold one calendar.",
        id="two-calendars",
    ),
]


@pytest.mark.parametrize(("content", "message"), REFUSED)
def test_a_refused_file_gets_a_clear_message_and_imports_nothing(client, world, content, message):
    client.force_login(world.lead_coordinator)

    response = upload(client, world.programme, content, host=world.uwed)

    assert response.status_code == 200
    assert response.templates[0].name == "calendars/import_form.html"
    assert file_errors(response) == [message]
    assert client.session.get("calendar_import_plans", {}) == {}
    assert Event.objects.count() == 1


def test_a_file_is_judged_by_its_content_not_its_name(client, world):
    client.force_login(world.lead_coordinator)

    named_ics = upload(client, world.programme, b"not a calendar", host=world.uwed)
    named_txt = upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed, name="a.txt")

    assert file_errors(named_ics) == [
        "This is not an iCalendar file: it must begin with BEGIN:VCALENDAR."
    ]
    assert [row.action for row in named_txt.context["plan"].rows] == [NEW, NEW]


# ---------- all or nothing ----------


def test_a_failure_while_applying_rolls_back_every_row(client, world):
    client.force_login(world.lead_coordinator)
    preview = upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed)
    # Between the preview and the confirmation, another programme takes the second row's UID:
    # the first row is created, the second violates the UID's unique constraint.
    EventFactory(programme=world.elsewhere, host_institution=world.kaznu, uid=ABAY_UID)

    response = confirm(client, world.programme, preview)

    assert response["Location"] == import_url(world.programme)
    assert messages_of(response) == [
        "Nothing was imported. “Abay. Heritage of Fraternal Peoples”: Another event already has "
        "this calendar UID. Upload the file again to see a new preview."
    ]
    assert world.programme.events.count() == 0


def test_an_event_changed_since_the_preview_stops_the_whole_import(client, world):
    fair = EventFactory(programme=world.programme, host_institution=world.uwed, uid=FAIR_UID)
    client.force_login(world.lead_coordinator)
    newer = GOOD_CALENDAR.replace(
        "UID:fair-2026@example.org", "UID:fair-2026@example.org\nSEQUENCE:1"
    )
    preview = upload(client, world.programme, ics(newer), host=world.uwed)
    event_update(event=fair, actor=world.kaznu_coordinator, title="Renamed meanwhile")

    confirm(client, world.programme, preview)

    fair.refresh_from_db()
    assert [row.action for row in preview.context["plan"].rows] == [UPDATE, NEW]
    assert (fair.title, world.programme.events.count()) == ("Renamed meanwhile", 1)


# ---------- who may import ----------


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (import_url(world.programme), confirm_url(world.programme)):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["stranger", "viewer"])
def test_a_hidden_draft_is_not_found(client, world, role):
    client.force_login(getattr(world, role))

    answers = [
        client.get(import_url(world.draft)).status_code,
        upload(client, world.draft, ics(GOOD_CALENDAR), host=world.uwed).status_code,
        client.post(confirm_url(world.draft), {"plan": "x"}).status_code,
    ]

    assert answers == [404, 404, 404]
    assert world.draft.events.count() == 0


@pytest.mark.parametrize("role", ["stranger", "viewer"])
def test_a_visible_programme_the_user_may_not_change_is_forbidden(client, world, role):
    client.force_login(getattr(world, role))

    answers = [
        client.get(import_url(world.programme)).status_code,
        upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed).status_code,
        client.post(confirm_url(world.programme), {"plan": "x"}).status_code,
    ]

    assert answers == [403, 403, 403]
    assert world.programme.events.count() == 0


def test_a_partner_coordinator_hosts_only_for_their_institution(client, world):
    client.force_login(world.kaznu_coordinator)

    form = client.get(import_url(world.programme)).context["form"]
    refused = upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed)

    assert list(form.fields["host_institution"].queryset) == [world.kaznu]
    assert (form["host_institution"].initial, form["kind"].initial) == (
        world.kaznu,
        Event.Kind.OTHER,
    )
    assert refused.context["form"].errors["host_institution"] == [
        "Choose one of the programme's partners that you may name."
    ]


def test_a_plan_is_confirmed_only_for_its_programme(client, world):
    client.force_login(world.lead_coordinator)
    preview = upload(client, world.programme, ics(GOOD_CALENDAR), host=world.uwed)

    elsewhere = client.post(confirm_url(world.draft), {"plan": preview.context["plan_id"]})
    here = confirm(client, world.programme, preview)

    assert elsewhere["Location"] == import_url(world.draft)
    assert world.draft.events.count() == 0
    assert here["Location"] == reverse("programmes:detail", args=[world.programme.pk])
    assert world.programme.events.count() == 2


def test_a_plan_is_kept_for_its_author_and_for_an_hour(world):
    plan = calendar_import_preview(
        programme=world.programme,
        user=world.lead_coordinator,
        content=ics(GOOD_CALENDAR),
        host_institution=world.uwed,
        kind=Event.Kind.OTHER,
    )
    stale = dataclasses.replace(
        plan, created_at=(timezone.now() - datetime.timedelta(minutes=61)).isoformat()
    )
    session = SessionStore()
    kept, expired = plan_keep(session=session, plan=plan), plan_keep(session=session, plan=stale)

    taken = {
        "another user": plan_take(
            session=session, plan_id=kept, programme=world.programme, user=world.kaznu_coordinator
        ),
        "expired": plan_take(
            session=session, plan_id=expired, programme=world.programme, user=world.lead_coordinator
        ),
        "author": plan_take(
            session=session, plan_id=kept, programme=world.programme, user=world.lead_coordinator
        ),
    }

    assert taken == {"another user": None, "expired": None, "author": plan}
    assert session["calendar_import_plans"] == {}


# ---------- malformed calendars ----------

GOOD_LINES = GOOD_CALENDAR.splitlines()
HOSTILE_LINES = [
    "RRULE:FREQ=SECONDLY",
    "RDATE:20261006T100000Z",
    "RECURRENCE-ID:20261005T090000Z",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTIMEZONE",
    "END:VCALENDAR",
    "DTSTART;TZID=Mars/Olympus:20261005T140000",
    "DTSTART;TZID=/vendor/Asia/Almaty:20261005T140000",
    "DTSTART:99991231T235959",
    "DTEND;VALUE=DATE:00010101",
    "DTSTART;VALUE=PERIOD:20261005T140000Z/PT1H",
    "DURATION:P99999999W",
    "DURATION:-PT5H",
    f"UID:{TAKEN_UID}",
    "UID:" + "u" * 300,
    "STATUS:CANCELLED",
    "SUMMARY:\x00\x07",
    "X-HUGE:" + "x" * 10_001,
    "TZID:Almaty office",
    "DTSTART;TZID=Almaty office:20261005T140000",
    'DTSTART;TZID="Canberra, Melbourne, Sydney":20261005T140000',
    "DTSTART;X-DOSTLIK-TZID=7:20261005T140000",
    "BEGIN:STANDARD",
    "END:STANDARD",
    "TZOFFSETFROM:+9999",
    "TZOFFSETTO:-0500",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=100000",
    "SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=hex:=D0=A1=",
    "DESCRIPTION;ENCODING=QUOTED-PRINTABLE;CHARSET=x-unknown:=ZZ=0D=0A=",
    "X-WR-TIMEZONE:Mars/Olympus",
    "X-DOSTLIK-KIND:circus",
    "X-DOSTLIK-STATUS:cancelled",
    "X-DOSTLIK-COUNTRY:ZZ",
    "X-DOSTLIK-HOST:Al-Farabi Kazakh National University",
    "X-DOSTLIK-VENUE:" + "v" * 300,
    "CLASS:SECRET",
    "SEQUENCE:-5",
    "SEQUENCE:99999999999999999999",
    "DTSTAMP:garbage",
    "URL:https://dostlik.example.org/events/1/",
    "BEGIN:X-VENDOR",
]


@st.composite
def malformed_calendars(draw) -> bytes:
    """Random bytes, or the good calendar cut, stripped of lines, given garbage values, hostile
    lines, or another encoding."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2000))
    lines = list(GOOD_LINES)
    for _ in range(draw(st.integers(1, 4))):
        mutation = draw(st.sampled_from(["drop", "garble", "insert", "repeat", "cut"]))
        where = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if mutation == "drop" and lines:
            del lines[where]
        elif mutation == "garble" and lines:
            name = lines[where].split(":", 1)[0]
            lines[where] = f"{name}:{draw(st.text(max_size=80))}"
        elif mutation == "insert":
            lines.insert(where, draw(st.sampled_from(HOSTILE_LINES) | st.text(max_size=80)))
        elif mutation == "repeat" and lines:
            lines.insert(where, lines[where])
        elif mutation == "cut":
            text = "\r\n".join(lines)
            lines = text[: draw(st.integers(0, len(text)))].split("\r\n")
    text = "\r\n".join(lines) + "\r\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


FUZZ_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    # The world is built once per test and each example undoes its own writes.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ_SETTINGS
@given(content=malformed_calendars())
def test_a_malformed_calendar_is_refused_or_previewed_and_never_written(world, content):
    with transaction.atomic():
        EventFactory(programme=world.programme, host_institution=world.uwed, uid=FAIR_UID)
        before = Event.objects.count()

        try:
            plan = calendar_import_preview(
                programme=world.programme,
                user=world.lead_coordinator,
                content=content,
                host_institution=world.uwed,
                kind=Event.Kind.OTHER,
            )
        except ImportRejected as exc:
            assert all(message.strip() for message in exc.messages)
        else:
            assert ImportPlan.from_json(plan.to_json()) == plan
            for row in plan.rows:
                assert (row.action == SKIP) == bool(row.reason)
                if row.action != SKIP:
                    assert row.ends > row.starts
        assert Event.objects.count() == before
        transaction.set_rollback(True)


@FUZZ_SETTINGS
@given(content=malformed_calendars())
def test_uploading_a_malformed_calendar_never_fails_nor_imports_half(world, content):
    client = Client()
    with transaction.atomic():
        EventFactory(programme=world.programme, host_institution=world.uwed, uid=FAIR_UID)
        client.force_login(world.lead_coordinator)
        before = Event.objects.count()

        preview = upload(client, world.programme, content, host=world.uwed)

        assert preview.status_code == 200
        assert Event.objects.count() == before
        plan_id = preview.context.get("plan_id") if "plan" in preview.context else None
        if plan_id:
            plan = preview.context["plan"]
            response = confirm(client, world.programme, preview)
            assert response.status_code == 302
            if response["Location"] == import_url(world.programme):
                assert Event.objects.count() == before
            else:
                assert Event.objects.count() == before + len(plan.new_rows)
        transaction.set_rollback(True)
