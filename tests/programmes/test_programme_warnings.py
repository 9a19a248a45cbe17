"""What the national coordinators should know on a programme's page, where they decide: the
warnings of its events (clashes, holidays, dates outside the programme's period), each with who
acknowledged it, and a programme that runs past the end of its agreement; in as many queries
for many events as for one."""

import datetime
import html
import re
import zoneinfo
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from events.models import Event, Venue, WarningAcknowledgement
from institutions.models import Institution
from programmes.models import Agreement, Programme
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    VenueFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@dataclass
class World:
    uwed: Institution
    kaznu: Institution
    programme: Programme
    palace: Venue
    kz_national: User
    lead_coordinator: User


@pytest.fixture
def world() -> World:
    """An active programme of 2027 and 2028, led by a Tashkent university with an Almaty
    partner, and a concert hall in Almaty."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    return World(
        uwed=uwed,
        kaznu=kaznu,
        programme=joint_programme(
            uz=uwed,
            kz=kaznu,
            title="Kazakhstan Education Days",
            status=Programme.Status.ACTIVE,
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2028, 12, 31),
        ),
        palace=VenueFactory(name="Palace of the Republic", city="Almaty", country=kz),
        kz_national=NationalCoordinatorFactory(country=kz).user,
        lead_coordinator=MembershipFactory(institution=uwed).user,
    )


def almaty_event(world: World, day: datetime.date, start: int, end: int, **fields) -> Event:
    fields.setdefault("venue", world.palace)
    return EventFactory(
        programme=world.programme,
        host_institution=world.kaznu,
        starts_at=datetime.datetime.combine(day, datetime.time(start), ALMATY),
        ends_at=datetime.datetime.combine(day, datetime.time(end), ALMATY),
        **fields,
    )


def programme_page(client, world: World, user: User | None = None):
    client.force_login(user or world.kz_national)
    return client.get(reverse("programmes:detail", args=[world.programme.pk]))


def event_warnings_on(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(event title, [(warning, what is said of its acknowledgement)]) of the page's card of
    its events' warnings."""
    found = re.search(
        r'<section class="card"[^>]*id="programme-event-warnings">(.*?)</section>', page, re.S
    )
    if found is None:
        return []
    items = re.split(r'<a class="dl-row-title" href="/events/\d+/">', found.group(1))[1:]
    return [
        (
            item.split("</a>", 1)[0],
            [
                (html.unescape(text.strip()), html.unescape(said.strip()))
                for text, said in re.findall(
                    r'<div data-warning-kind="[a-z_]+">(.*?)</div>\s*'
                    r'<div class="dl-meta">(.*?)</div>',
                    item,
                    re.S,
                )
            ],
        )
        for item in items
    ]


def programme_warnings_on(page: str) -> list[str]:
    return [
        html.unescape(text.strip())
        for text in re.findall(
            r'data-warning-kind="agreement_expiry">\s*<i[^>]*></i>\s*<div>(.*?)</div>', page, re.S
        )
    ]


def test_the_programme_page_shows_its_events_warnings(client, world):
    concert = almaty_event(world, datetime.date(2027, 10, 5), 14, 18, title="Dombra concert")
    almaty_event(world, datetime.date(2027, 10, 5), 16, 19, title="Lecture on Abai")
    almaty_event(world, datetime.date(2027, 10, 25), 10, 12, title="Republic Day fair")
    almaty_event(world, datetime.date(2031, 6, 3), 10, 12, title="Late reunion", venue=None)
    almaty_event(world, datetime.date(2027, 10, 6), 10, 12, title="Quiet workshop")
    WarningAcknowledgement.objects.create(
        event=concert,
        kind="overlap",
        key=str(Event.objects.get(title="Lecture on Abai").pk),
        message="“Lecture on Abai” is at the same venue at the same time.",
        acknowledged_by=world.lead_coordinator,
    )
    WarningAcknowledgement.objects.filter(event=concert).update(
        acknowledged_at=datetime.datetime(2026, 9, 15, 8, tzinfo=datetime.UTC)
    )

    page = programme_page(client, world).content.decode()

    assert event_warnings_on(page) == [
        (
            "Dombra concert",
            [
                (
                    "“Lecture on Abai” is at the same venue at the same time.",
                    f"Acknowledged by {world.lead_coordinator} on 15 September 2026.",
                )
            ],
        ),
        (
            "Lecture on Abai",
            [("“Dombra concert” is at the same venue at the same time.", "Not acknowledged yet.")],
        ),
        (
            "Republic Day fair",
            [
                (
                    "25 October 2027 is a public holiday in Kazakhstan: Republic Day.",
                    "Not acknowledged yet.",
                )
            ],
        ),
        (
            "Late reunion",
            [
                (
                    "The event falls outside the programme's period, 1 January 2027 to "
                    "31 December 2028.",
                    "Not acknowledged yet.",
                )
            ],
        ),
    ]


def test_a_cancelled_event_and_a_programme_without_warnings_show_no_card(client, world):
    almaty_event(world, datetime.date(2031, 6, 3), 10, 12, title="Cancelled", status="cancelled")
    almaty_event(world, datetime.date(2027, 10, 6), 10, 12, title="Quiet workshop")

    page = programme_page(client, world).content.decode()

    assert (event_warnings_on(page), 'id="programme-event-warnings"' in page) == ([], False)


def test_the_page_runs_as_many_queries_for_many_events_with_warnings_as_for_one(
    client, world, django_assert_max_num_queries
):
    almaty_event(world, datetime.date(2027, 10, 25), 10, 12)
    with CaptureQueriesContext(connection) as one:
        first = programme_page(client, world)
    # On Republic Day at the same hall: every one clashes with all the others.
    for number in range(30):
        almaty_event(world, datetime.date(2027, 10, 25), 10, 12, title=f"Event {number}")
    almaty_event(world, datetime.date(2031, 6, 3), 10, 12, venue=None)

    with django_assert_max_num_queries(len(one.captured_queries)):
        many = programme_page(client, world)

    assert (
        len(event_warnings_on(first.content.decode())),
        len(event_warnings_on(many.content.decode())),
    ) == (1, 32)


# ---------- the programme and its agreement ----------


def under_agreement(world: World, **dates) -> Agreement:
    agreement = AgreementFactory(title="Memorandum on Education Days", **dates)
    world.programme.agreement = agreement
    world.programme.save(update_fields=["agreement"])
    return agreement


def test_a_programme_running_past_its_agreements_expiry_is_warned_of(client, world):
    under_agreement(world, valid_until=datetime.date(2028, 6, 30))

    page = programme_page(client, world).content.decode()

    assert programme_warnings_on(page) == [
        "The programme runs until 31 December 2028, past the expiry of its agreement "
        "“Memorandum on Education Days” on 30 June 2028."
    ]


def test_a_programme_running_past_its_agreements_termination_is_warned_of(client, world):
    under_agreement(
        world,
        valid_until=datetime.date(2030, 12, 31),
        terminated_on=datetime.date(2028, 3, 1),
    )

    page = programme_page(client, world).content.decode()

    assert programme_warnings_on(page) == [
        "The programme runs until 31 December 2028, after its agreement “Memorandum on "
        "Education Days” was terminated on 1 March 2028."
    ]


def test_a_programme_within_its_agreement_or_without_one_has_no_warning(client, world):
    without = programme_warnings_on(programme_page(client, world).content.decode())
    under_agreement(world, valid_until=datetime.date(2028, 12, 31))
    within = programme_warnings_on(programme_page(client, world).content.decode())

    assert (without, within) == ([], [])


def test_the_edit_form_warns_of_the_agreements_expiry(client, world):
    under_agreement(world, valid_until=datetime.date(2028, 6, 30))
    client.force_login(world.lead_coordinator)
    url = reverse("programmes:edit", args=[world.programme.pk])

    page = client.get(url).content.decode()

    assert programme_warnings_on(page) == [
        "The programme runs until 31 December 2028, past the expiry of its agreement "
        "“Memorandum on Education Days” on 30 June 2028."
    ]
