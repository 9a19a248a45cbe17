"""A world for the public portal: published programmes with public and internal events, and
unpublished programmes in every other state whose records carry distinctive titles, so a test
can search every public page for them."""

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import Event
from institutions.models import Country, Institution
from programmes.models import Partnership, Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    PartnershipFactory,
    VenueFactory,
    joint_programme,
)

BISHKEK = zoneinfo.ZoneInfo("Asia/Bishkek")
Status = Programme.Status
PUBLIC = Event.Visibility.PUBLIC
INTERNAL = Event.Visibility.INTERNAL
SITE_URL = "https://dostlik.example.org"

# Every record the public must never see has one of these in its title, summary or name.
SECRETS = (
    "SECRET-DRAFT-Digital heritage archive",
    "SECRET-DRAFT-summary of the archive",
    "SECRET-DRAFT-Kick-off of the archive",
    "SECRET-PARTNER-Institute of drafts",
    "SECRET-VENUE-Back office",
    "SECRET-INTERNAL-Methods seminar",
    "SECRET-INTERNAL-Rehearsal of the heritage school",
    *(
        f"SECRET-UNPUBLISHED-{status} programme"
        for status in ("submitted", "rejected", "cancelled")
    ),
    *(
        f"SECRET-UNPUBLISHED-{status} public concert"
        for status in ("draft", "submitted", "rejected", "cancelled")
    ),
)


@pytest.fixture(autouse=True)
def site_url(settings):
    """Open Graph addresses and calendar links are built on ``SITE_URL``."""
    settings.SITE_URL = SITE_URL


@pytest.fixture(autouse=True)
def fresh_cache():
    """Calendar files keep serialised events in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    uz: Country
    kz: Country
    kg: Country
    uwed: Institution
    kaznu: Institution
    published: dict[str, Programme]
    unpublished: dict[str, Programme]
    public_events: dict[str, Event]
    hidden_events: dict[str, Event]

    @property
    def unpublished_public_events(self) -> list[Event]:
        return list(
            Event.objects.filter(programme__in=self.unpublished.values(), visibility=PUBLIC)
        )


def days_from_now(days: int, hour: int, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """``hour`` o'clock in ``zone``, ``days`` from today there."""
    day = timezone.now().astimezone(zone).date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


@pytest.fixture
def world() -> World:
    uz, kz, kg = CountryFactory(code="UZ"), CountryFactory(code="KZ"), CountryFactory(code="KG")
    uwed = InstitutionFactory(country=uz, name="University of World Economy and Diplomacy")
    kaznu = InstitutionFactory(country=kz, name="Al-Farabi Kazakh National University")
    bishkek_hall = InstitutionFactory(
        country=kg, city="Bishkek", name="Kyrgyz National Philharmonic"
    )
    draft_partner = InstitutionFactory(country=uz, name="SECRET-PARTNER-Institute of drafts")
    back_office = VenueFactory(name="SECRET-VENUE-Back office", country=uz, city="Tashkent")
    tashkent = zoneinfo.ZoneInfo("Asia/Tashkent")

    published = {
        "school": joint_programme(
            uz=uwed,
            kz=kaznu,
            status=Status.APPROVED,
            title="Silk Road heritage school",
            summary="Students of both countries study the monuments of Samarkand together.",
            kind=Programme.Kind.HERITAGE,
        ),
        "fair": joint_programme(
            uz=uwed,
            kz=kaznu,
            status=Status.ACTIVE,
            title="Kazakhstan Education Days",
            summary="Yearly fairs of Kazakh universities in the cities of Uzbekistan.",
            kind=Programme.Kind.EDUCATION_FAIR,
        ),
        "abay": joint_programme(
            uz=uwed,
            kz=kaznu,
            status=Status.COMPLETED,
            title="Abay. Heritage of Fraternal Peoples",
            summary="",
        ),
    }
    PartnershipFactory(programme=published["fair"], institution=bishkek_hall)
    unpublished = {
        "draft": joint_programme(
            uz=uwed,
            kz=kaznu,
            status=Status.DRAFT,
            title="SECRET-DRAFT-Digital heritage archive",
            summary="SECRET-DRAFT-summary of the archive",
        ),
        **{
            status: joint_programme(
                uz=uwed,
                kz=kaznu,
                status=status,
                title=f"SECRET-UNPUBLISHED-{status} programme",
                summary="Heritage concerts.",
            )
            for status in (Status.SUBMITTED, Status.REJECTED, Status.CANCELLED)
        },
    }
    PartnershipFactory(
        programme=unpublished["draft"], institution=draft_partner, role=Partnership.Role.PARTNER
    )

    def event(programme: Programme, visibility: str, title: str, **fields) -> Event:
        fields.setdefault("host_institution", uwed)
        fields.setdefault("starts_at", days_from_now(20, 10, tashkent))
        fields.setdefault("ends_at", fields["starts_at"] + datetime.timedelta(hours=2))
        return EventFactory(programme=programme, visibility=visibility, title=title, **fields)

    public_events = {
        "lecture": event(
            published["school"],
            PUBLIC,
            "Silk Road heritage school: opening lecture",
            kind=Event.Kind.LECTURE,
            description="The first lecture of the school, open to everyone.",
            starts_at=days_from_now(30, 11, tashkent),
        ),
        "tashkent_fair": event(
            published["fair"], PUBLIC, "Education Days — Tashkent", kind=Event.Kind.FAIR
        ),
        "bishkek_concert": event(
            published["fair"],
            PUBLIC,
            "Evening concert in Bishkek",
            kind=Event.Kind.CONCERT,
            host_institution=bishkek_hall,
            starts_at=days_from_now(40, 19, BISHKEK),
        ),
        "abay_exhibition": event(
            published["abay"],
            PUBLIC,
            "Abay. Heritage of Fraternal Peoples",
            starts_at=days_from_now(-400, 11, tashkent),
        ),
    }
    hidden_events = {
        "workshop": event(
            published["school"],
            INTERNAL,
            "SECRET-INTERNAL-Rehearsal of the heritage school",
            venue=back_office,
        ),
        "seminar": event(
            published["fair"],
            INTERNAL,
            "SECRET-INTERNAL-Methods seminar",
            starts_at=days_from_now(-30, 9, tashkent),
        ),
        "kick_off": event(unpublished["draft"], INTERNAL, "SECRET-DRAFT-Kick-off of the archive"),
    }
    for status, programme in unpublished.items():
        hidden_events[f"public_of_{status}"] = event(
            programme, PUBLIC, f"SECRET-UNPUBLISHED-{status} public concert"
        )
    return World(
        uz=uz,
        kz=kz,
        kg=kg,
        uwed=uwed,
        kaznu=kaznu,
        published=published,
        unpublished=unpublished,
        public_events=public_events,
        hidden_events=hidden_events,
    )
