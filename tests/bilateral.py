"""A joint programme before two countries, as the tests of the bilateral record use it: led by
a Tashkent university with an Almaty partner (1,000 USD), one event, submitted."""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import User
from events.models import Event
from events.services import event_create
from institutions.models import Country, Institution
from programmes.models import Decision, Partnership, Programme
from programmes.services import PartnerRow, programme_create, programme_decide, programme_submit
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
)

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


@dataclass
class World:
    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution
    coordinator: User
    uz_national: User
    kz_national: User
    programme: Programme
    event: Event


@pytest.fixture
def world() -> World:
    """A programme led by a Tashkent university with an Almaty partner (1,000 USD), one event,
    submitted: version 1 before the countries."""
    uz = CountryFactory(code="UZ", name="Uzbekistan", time_zone="Asia/Tashkent")
    kz = CountryFactory(code="KZ", name="Kazakhstan", time_zone="Asia/Almaty")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    coordinator = MembershipFactory(institution=uwed).user
    programme = programme_create(
        actor=coordinator,
        title="Abay Days",
        kind=Programme.Kind.EXHIBITION,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 6, 30),
        budget_amount=Decimal("1000.00"),
        budget_currency="USD",
        partners=[
            PartnerRow(institution=uwed, role=Partnership.Role.LEAD),
            PartnerRow(institution=kaznu, contribution="Poets of the steppe"),
        ],
    )
    starts_at = datetime.datetime(2027, 4, 10, 18, tzinfo=TASHKENT)
    event = event_create(
        actor=coordinator,
        programme=programme,
        title="Abay. Heritage of Fraternal Peoples",
        kind=Event.Kind.EXHIBITION,
        host_institution=uwed,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
    )
    programme_submit(programme=programme, actor=coordinator)
    programme.refresh_from_db()
    return World(
        uz=uz,
        kz=kz,
        uwed=uwed,
        kaznu=kaznu,
        coordinator=coordinator,
        uz_national=NationalCoordinatorFactory(country=uz).user,
        kz_national=NationalCoordinatorFactory(country=kz).user,
        programme=programme,
        event=event,
    )


def decide(world, who: str, decision: str, comment: str = "") -> Decision:
    programme = Programme.objects.get(pk=world.programme.pk)
    return programme_decide(
        programme=programme,
        country=getattr(world, who),
        decision=decision,
        actor=getattr(world, f"{who}_national"),
        version=programme.current_version.number,
        comment=comment,
    )
