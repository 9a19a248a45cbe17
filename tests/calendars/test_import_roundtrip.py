"""A calendar file Dostlik wrote imports as what it was: into the programme it came from, it
changes nothing; into another programme, it makes the same events, field by field."""

import datetime
import zoneinfo
from dataclasses import dataclass

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from calendars.ical import calendar_bytes
from calendars.imports import (
    NEW,
    SKIP,
    ImportResult,
    calendar_import_apply,
    calendar_import_preview,
)
from events.models import Event, Venue, all_day_bounds
from institutions.models import Institution
from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    VenueFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# What the export writes of each event that it did not always write (calendars.ical).
DOSTLIK_PROPERTIES = (
    "CLASS",
    "X-DOSTLIK-KIND",
    "X-DOSTLIK-STATUS",
    "X-DOSTLIK-HOST",
    "X-DOSTLIK-VENUE",
    "X-DOSTLIK-CITY",
    "X-DOSTLIK-COUNTRY",
)
COMPARED = (
    "title",
    "description",
    "kind",
    "visibility",
    "status",
    "starts_at",
    "ends_at",
    "all_day",
    "time_zone",
    "city",
    "country_id",
    "venue_id",
    "host_institution_id",
)


def exported(programme: Programme, *, own_properties: bool = True) -> bytes:
    """The programme's calendar file as ``calendars.ical`` writes it, or, without
    ``own_properties``, as it wrote them before it wrote Dostlik's own properties."""
    content = calendar_bytes(
        Event.objects.filter(programme=programme).order_by("starts_at"), name=programme.title
    )
    if own_properties:
        return content
    calendar = icalendar.Calendar.from_ical(content)
    for component in calendar.walk("VEVENT"):
        for name in DOSTLIK_PROPERTIES[1:]:
            component.pop(name, None)
        if component["CLASS"] == "PRIVATE":
            del component["CLASS"]
    return calendar.to_ical()


@dataclass
class World:
    uwed: Institution
    kaznu: Institution
    source: Programme
    target: Programme
    lead_coordinator: User
    kaznu_coordinator: User
    events: list[Event]


def _event(programme, **fields) -> Event:
    from events.services import event_create

    return event_create(actor=None, programme=programme, **fields)


@pytest.fixture
def world() -> World:
    """A programme with events of every shape: timed at a venue, public and postponed; all day,
    internal, with a description of several lines; one without description, confirmed, held
    in another country than its host's. A second programme of the same partners."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(
        name="University of World Economy and Diplomacy, Tashkent", country=uz
    )
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    hall = VenueFactory(name="Abay Opera House, Great Hall", city="Almaty", country=kz)
    source = joint_programme(uz=uwed, kz=kaznu, status=Programme.Status.SUBMITTED)
    target = joint_programme(uz=uwed, kz=kaznu, status=Programme.Status.SUBMITTED)
    events = [
        _event(
            source,
            title="Kurmangazy orchestra: spring concert",
            kind=Event.Kind.CONCERT,
            host_institution=kaznu,
            venue=hall,
            starts_at=datetime.datetime(2026, 10, 5, 19, 0, tzinfo=ALMATY),
            ends_at=datetime.datetime(2026, 10, 5, 21, 30, tzinfo=ALMATY),
            status=Event.Status.POSTPONED,
            visibility=Event.Visibility.PUBLIC,
            description="Works by Kurmangazy; Tattimbet, and Dina Nurpeisova.\r\nFree entry.",
        ),
        _event(
            source,
            title="Abay. Heritage of Fraternal Peoples",
            kind=Event.Kind.EXHIBITION,
            host_institution=uwed,
            starts_at=all_day_bounds(
                datetime.date(2026, 12, 19), datetime.date(2026, 12, 21), "Asia/Tashkent"
            )[0],
            ends_at=all_day_bounds(
                datetime.date(2026, 12, 19), datetime.date(2026, 12, 21), "Asia/Tashkent"
            )[1],
            all_day=True,
            description="Manuscripts · first editions\n\nPhotographs of the 1945 jubilee.",
        ),
        _event(
            source,
            title="Round table on translation",
            kind=Event.Kind.CONFERENCE,
            host_institution=uwed,
            city="Almaty",
            country=kz,
            starts_at=datetime.datetime(2026, 11, 2, 10, 0, tzinfo=ALMATY),
            ends_at=datetime.datetime(2026, 11, 2, 13, 0, tzinfo=ALMATY),
            status=Event.Status.CONFIRMED,
        ),
    ]
    return World(
        uwed=uwed,
        kaznu=kaznu,
        source=source,
        target=target,
        lead_coordinator=MembershipFactory(institution=uwed).user,
        kaznu_coordinator=MembershipFactory(institution=kaznu).user,
        events=events,
    )


def fields_of(event: Event) -> dict:
    fields = {name: getattr(event, name) for name in COMPARED}
    # A browser sends line breaks as CRLF; iCalendar text has one kind of line break.
    fields["description"] = fields["description"].replace("\r\n", "\n")
    return fields


def upload(client, programme, content: bytes, *, host: Institution, **fields):
    return client.post(
        reverse("calendars:import", args=[programme.pk]),
        {
            "calendar_file": SimpleUploadedFile("programme.ics", content, "text/calendar"),
            "host_institution": host.pk,
            "kind": Event.Kind.OTHER,
            **fields,
        },
    )


@pytest.mark.parametrize("own_properties", [True, False], ids=["today", "before X-DOSTLIK"])
def test_the_export_imported_into_its_own_programme_changes_nothing(client, world, own_properties):
    client.force_login(world.lead_coordinator)
    before = {event.uid: (event.sequence, event.version) for event in world.source.events.all()}
    history = Event.history.count()
    content = exported(world.source, own_properties=own_properties)

    response = upload(client, world.source, content, host=world.uwed)
    plan = response.context["plan"]
    result = calendar_import_apply(programme=world.source, actor=world.lead_coordinator, plan=plan)

    assert [(row.action, row.title, row.reason) for row in plan.rows] == [
        (SKIP, event.title, "It is already up to date.")
        for event in sorted(world.events, key=lambda event: event.starts_at)
    ]
    assert response.context["plan_id"] == ""
    assert result == ImportResult(created=0, updated=0)
    after = {event.uid: (event.sequence, event.version) for event in world.source.events.all()}
    assert (after, Event.history.count()) == (before, history)


def test_the_export_of_an_edited_event_changes_only_what_was_edited(client, world):
    content = exported(world.source)
    concert = world.events[0]
    Event.objects.filter(pk=concert.pk).update(title="Spring concert (draft title)")
    client.force_login(world.lead_coordinator)

    plan = upload(client, world.source, content, host=world.uwed).context["plan"]

    assert [(row.action, row.changed) for row in plan.rows if row.action != SKIP] == [
        ("update", ["title"])
    ]


def test_the_export_imported_into_another_programme_makes_the_same_events(client, world):
    content = exported(world.source)
    originals = {event.uid: fields_of(event) for event in world.source.events.all()}
    # Another Dostlik holds no event of these UIDs; here, they are taken by the originals.
    world.source.events.all().delete()
    client.force_login(world.lead_coordinator)

    preview = upload(client, world.target, content, host=world.uwed)
    client.post(
        reverse("calendars:import_confirm", args=[world.target.pk]),
        {"plan": preview.context["plan_id"]},
    )

    assert [(row.action, row.notes) for row in preview.context["plan"].rows] == [(NEW, [])] * 3
    copies = {event.uid: fields_of(event) for event in world.target.events.all()}
    assert copies == originals


def test_a_host_the_importer_may_not_name_gives_way_to_the_chosen_one_and_is_said(client, world):
    content = exported(world.source)
    originals = {event.uid: fields_of(event) for event in world.source.events.all()}
    world.source.events.all().delete()
    client.force_login(world.kaznu_coordinator)

    preview = upload(client, world.target, content, host=world.kaznu)
    client.post(
        reverse("calendars:import_confirm", args=[world.target.pk]),
        {"plan": preview.context["plan_id"]},
    )

    note = (
        "The file names “University of World Economy and Diplomacy, Tashkent” as host, which "
        "you may not name in this programme: Al-Farabi Kazakh National University hosts it."
    )
    assert [(row.title, row.notes) for row in preview.context["plan"].rows] == [
        ("Kurmangazy orchestra: spring concert", []),
        ("Round table on translation", [note]),
        ("Abay. Heritage of Fraternal Peoples", [note]),
    ]
    expected = {
        uid: {**fields, "host_institution_id": world.kaznu.pk} for uid, fields in originals.items()
    }
    assert {event.uid: fields_of(event) for event in world.target.events.all()} == expected


def test_a_venue_this_dostlik_does_not_have_is_left_out(world):
    content = exported(world.source)
    world.source.events.all().delete()
    Venue.objects.all().delete()

    plan = calendar_import_preview(
        programme=world.target,
        user=world.lead_coordinator,
        content=content,
        host_institution=world.uwed,
        kind=Event.Kind.OTHER,
    )

    concert = plan.rows[0]
    assert (concert.venue_pk, concert.city, concert.country_pk, concert.place) == (
        None,
        "Almaty",
        world.kaznu.country_id,
        "Almaty, Kazakhstan",
    )


def test_the_export_imported_into_another_programme_here_makes_copies_once(client, world):
    """On the same Dostlik the UIDs are the other programme's: the events are copied under
    UIDs of their own, which a second import of the file finds and leaves as they are."""
    content = exported(world.source)
    originals = sorted(
        (fields_of(event) for event in world.source.events.all()), key=lambda f: f["starts_at"]
    )
    client.force_login(world.lead_coordinator)

    first = upload(client, world.target, content, host=world.uwed)
    client.post(
        reverse("calendars:import_confirm", args=[world.target.pk]),
        {"plan": first.context["plan_id"]},
    )
    again = upload(client, world.target, content, host=world.uwed).context["plan"]

    copy_note = "It is an event of another programme: it is added to this one as a copy."
    assert [(row.action, row.notes) for row in first.context["plan"].rows] == [
        (NEW, [copy_note])
    ] * 3
    copies = sorted(
        (fields_of(event) for event in world.target.events.all()), key=lambda f: f["starts_at"]
    )
    assert copies == originals
    assert [(row.action, row.reason) for row in again.rows] == [
        (SKIP, "It is already up to date.")
    ] * 3
    assert world.source.events.count() == world.target.events.count() == 3
