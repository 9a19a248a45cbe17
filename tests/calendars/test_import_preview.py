"""The preview of an import: each row's kind and visibility, from the file or the form, changed
per row before confirming; the warnings the calendar will show; times on the event's own clock;
an older copy that would undo a newer change is skipped; a bounded number of queries."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendars.imports import NEW, SKIP, UPDATE, calendar_import_preview
from events.models import Event
from events.services import event_update
from events.warnings import warnings_for_events
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    VenueFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def world():
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="UWED", country=uz)
    kaznu = InstitutionFactory(name="KazNU", country=kz)
    programme = joint_programme(uz=uwed, kz=kaznu)
    return {
        "programme": programme,
        "uwed": uwed,
        "kaznu": kaznu,
        "user": MembershipFactory(institution=uwed).user,
        "hall": VenueFactory(name="Great Hall", city="Almaty", country=kz),
    }


def calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{event.strip()}\nEND:VEVENT\n" for event in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example//EN\n{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def event(uid: str, *lines: str, start="20261005T140000", end="20261005T160000") -> str:
    return "\n".join([f"UID:{uid}", f"SUMMARY:{uid}", f"DTSTART:{start}", f"DTEND:{end}", *lines])


def upload(client, world, content: bytes, **fields):
    return client.post(
        reverse("calendars:import", args=[world["programme"].pk]),
        {
            "calendar_file": SimpleUploadedFile("a.ics", content, "text/calendar"),
            "host_institution": world["uwed"].pk,
            "kind": Event.Kind.OTHER,
            **fields,
        },
    )


def confirm(client, world, response, **choices):
    return client.post(
        reverse("calendars:import_confirm", args=[world["programme"].pk]),
        {"plan": response.context["plan_id"], **choices},
    )


def test_each_row_takes_its_kind_and_visibility_from_the_file_else_from_the_form(client, world):
    client.force_login(world["user"])
    content = calendar(
        event("own", "X-DOSTLIK-KIND:concert", "CLASS:PUBLIC"),
        event("labelled", "CATEGORIES:Meeting,Film screening", "CLASS:PRIVATE"),
        event("plain"),
    )

    response = upload(
        client, world, content, kind=Event.Kind.LECTURE, visibility=Event.Visibility.PUBLIC
    )

    assert [(row.uid, row.kind, row.visibility) for row in response.context["plan"].rows] == [
        ("own", Event.Kind.CONCERT, Event.Visibility.PUBLIC),
        ("labelled", Event.Kind.FILM_SCREENING, Event.Visibility.INTERNAL),
        ("plain", Event.Kind.LECTURE, Event.Visibility.PUBLIC),
    ]


def test_the_kind_and_visibility_chosen_per_row_are_those_imported(client, world):
    client.force_login(world["user"])
    preview = upload(client, world, calendar(event("first"), event("second")))

    confirm(client, world, preview, **{"kind-1": "workshop", "visibility-1": "public"})

    assert list(
        world["programme"].events.order_by("uid").values_list("uid", "kind", "visibility")
    ) == [("first", "other", "internal"), ("second", "workshop", "public")]


def test_a_choice_the_preview_did_not_offer_imports_nothing(client, world):
    client.force_login(world["user"])
    preview = upload(client, world, calendar(event("first")))

    response = confirm(client, world, preview, **{"kind-0": "circus"})

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Nothing was imported. Choose a kind and a visibility offered for each event. Upload "
        "the file again to see a new preview."
    ]
    assert world["programme"].events.count() == 0


def test_the_preview_warns_as_the_calendar_will(client, world):
    client.force_login(world["user"])
    EventFactory(
        programme=world["programme"],
        host_institution=world["kaznu"],
        title="Gala",
        venue=world["hall"],
        city="Almaty",
        starts_at=datetime.datetime(2026, 3, 21, 18, 0, tzinfo=ALMATY),
        ends_at=datetime.datetime(2026, 3, 21, 22, 0, tzinfo=ALMATY),
    )
    # Navruz, at the hall while the gala is on.
    content = calendar(
        event(
            "concert",
            "X-DOSTLIK-VENUE:Great Hall",
            "X-DOSTLIK-CITY:Almaty",
            "X-DOSTLIK-COUNTRY:KZ",
            start="20260321T190000",
            end="20260321T210000",
        )
    )

    preview = upload(client, world, content)
    confirm(client, world, preview)

    created = Event.objects.select_related("country").get(uid="concert")
    shown = warnings_for_events([created], reader=world["user"], limit=3)[created.pk]
    assert preview.context["plan"].rows[0].warnings == [warning.message for warning in shown]
    assert preview.context["plan"].rows[0].warnings[0] == (
        "“Gala” is at the same venue at the same time."
    )


def test_each_row_is_shown_on_its_own_clock(client, world, settings):
    settings.TIME_ZONE = "Asia/Tashkent"
    client.force_login(world["user"])
    content = calendar(
        event(
            "la",
            start="20261010T060000",
            end="20261010T070000",
        )
        .replace("DTSTART:", "DTSTART;TZID=America/Los_Angeles:")
        .replace("DTEND:", "DTEND;TZID=America/Los_Angeles:"),
        "UID:days\nSUMMARY:days\nDTSTART;VALUE=DATE:20261019\nDTEND;VALUE=DATE:20261022",
    )

    response = upload(client, world, content)

    cells = re.findall(r"<td>\s*(\d[^<]*?)\s*<div", response.content.decode())
    assert [" ".join(cell.split()) for cell in cells] == [
        "10 Oct 2026, 06:00 – 07:00",
        "19 Oct 2026 – 21 Oct 2026 · all day",
    ]


def test_an_older_copy_of_an_event_is_skipped_and_a_newer_one_applied(world):
    stored = EventFactory(programme=world["programme"], host_institution=world["uwed"], uid="x")
    stored = event_update(event=stored, actor=None, title="Renamed here")  # SEQUENCE 1
    stamp = stored.updated_at.astimezone(datetime.UTC)
    before, after = stamp - datetime.timedelta(minutes=1), stamp + datetime.timedelta(minutes=1)

    def row(sequence: int, at: datetime.datetime):
        content = calendar(
            event("x", f"SEQUENCE:{sequence}", f"DTSTAMP:{at:%Y%m%dT%H%M%SZ}").replace(
                "SUMMARY:x", "SUMMARY:Renamed in the file"
            )
        )
        plan = calendar_import_preview(
            programme=world["programme"],
            user=world["user"],
            content=content,
            host_institution=world["uwed"],
            kind="other",
        )
        return plan.rows[0].action, plan.rows[0].reason

    older = (
        SKIP,
        "The file holds an older copy of it than the one saved here (SEQUENCE 0, here 1): it "
        "was changed here since.",
    )
    assert [row(0, after), row(1, before), row(1, after), row(2, before)] == [
        older,
        (SKIP, older[1].replace("SEQUENCE 0", "SEQUENCE 1")),
        (UPDATE, ""),
        (UPDATE, ""),
    ]


def test_another_calendars_location_gives_the_country_and_city(world):
    content = calendar(
        event("fair", "LOCATION:Main hall\\, Al-Farabi University\\, Almaty\\, Kazakhstan")
    )

    plan = calendar_import_preview(
        programme=world["programme"],
        user=world["user"],
        content=content,
        host_institution=world["uwed"],
        kind="other",
    )

    row = plan.rows[0]
    assert (row.action, row.city, row.country_pk, row.time_zone) == (
        NEW,
        "Almaty",
        world["kaznu"].country_id,
        "Asia/Almaty",
    )


def queries_of_preview(world, content: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        calendar_import_preview(
            programme=world["programme"],
            user=world["user"],
            content=content,
            host_institution=world["uwed"],
            kind="other",
        )
    return len(queries)


def test_the_preview_reads_as_much_for_one_row_as_for_many(world):
    def file(count: int) -> bytes:
        return calendar(
            *(
                event(
                    f"e{n}",
                    "X-DOSTLIK-VENUE:Great Hall",
                    "X-DOSTLIK-CITY:Almaty",
                    "X-DOSTLIK-COUNTRY:KZ",
                    "X-DOSTLIK-HOST:KazNU",
                    "SEQUENCE:5",
                )
                for n in range(count)
            )
        )

    queries_of_preview(world, file(1))  # the person's roles are read once per request
    new = [queries_of_preview(world, file(1)), queries_of_preview(world, file(40))]
    # Hosted by the partner: the lead's coordinator may change them as the lead's.
    for n in range(40):
        EventFactory(programme=world["programme"], host_institution=world["kaznu"], uid=f"e{n}")
    updates = [queries_of_preview(world, file(1)), queries_of_preview(world, file(40))]

    assert (new[0], updates[0]) == (new[1], updates[1])


def test_an_unreadable_sequence_or_stamp_counts_as_none(world):
    EventFactory(programme=world["programme"], host_institution=world["uwed"], uid="x")
    content = calendar(event("x", "SEQUENCE:many", "DTSTAMP:garbage"))

    plan = calendar_import_preview(
        programme=world["programme"],
        user=world["user"],
        content=content,
        host_institution=world["uwed"],
        kind="other",
    )

    # Nothing says the file's copy is older: its changes apply.
    assert [(row.action, row.title) for row in plan.rows] == [(UPDATE, "x")]
