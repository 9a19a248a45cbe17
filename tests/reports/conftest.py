"""A small world whose report figures are computed by hand in the tests.

Three countries: Uzbekistan and Kazakhstan with programmes, events, agreements and funding, and
Kyrgyzstan with nothing at all (its rows are left out, and the tables say so). Two years: 2024 and
2025, both in the past, so "today" never moves a figure. Three readers: an ``outsider`` (a
viewer), the ``partner`` (coordinator of the Uzbek university, which partners in the draft) and
an administrator.

Programmes (partners, funding):

=====  ==========  =====================  ==============================================
P1     active      2024-03-01..2025-06-30  uz_uni 1,000,000 UZS (lead) · kz_uni 5,000 USD
P2     completed   2025-01-01..2025-12-31  uz_museum 2,500 USD (lead) · kz_uni 3,000,000 KZT
P3     submitted   2025-09-01..2027-06-30  kz_uni 1,000 USD (lead) · uz_uni · uz_museum 500,000 UZS
P4     draft       2025-01-01..2025-12-31  uz_uni 9,999 USD (lead) · kz_uni
P5     rejected    2025-02-01..2025-11-30  uz_uni 7,777 USD (lead) · kz_uni
=====  ==========  =====================  ==============================================

Events (programme, host → where held, status, kind, actual / under 30):

E1 P1 uz_uni → UZ, held, exhibition, 2025-04-10, 200 / 120
E2 P1 kz_uni → KZ, held, concert, 2025-05-10, 300 / —
E3 P2 kz_uni → UZ (a Kazakh university performing in Tashkent), held, concert, 2025-06-10, 150 / 30
E4 P2 uz_museum → UZ, planned, fair, 2025-12-01
E5 P3 uz_museum → UZ, held, lecture, 2025-10-01, — / —
E6 P2 uz_uni → UZ, cancelled, fair, 2025-07-01
E7 P4 uz_uni → UZ, held, exhibition, 2025-03-01, 100 / 50 (the draft's: the partner sees it)
E8 P1 kz_uni → KZ, held, exhibition, 2024-05-01, 400 / 100
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import User
from events.models import Event
from institutions.models import Country, Institution
from programmes.models import Agreement, Partnership, Programme
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    ViewerFactory,
)

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
Status = Programme.Status
Kind = Event.Kind


@dataclass
class World:
    uz: Country
    kz: Country
    kg: Country
    uz_uni: Institution
    uz_museum: Institution
    kz_uni: Institution
    outsider: User
    partner: User
    admin: User
    programmes: dict[str, Programme]
    events: dict[str, Event]
    agreements: dict[str, Agreement]


def programme(status: str, starts_on: datetime.date, ends_on: datetime.date, *partners):
    """A programme with ``partners``: (institution, amount, currency) rows, the first the lead."""
    record = ProgrammeFactory(status=status, starts_on=starts_on, ends_on=ends_on)
    for number, (institution, amount, currency) in enumerate(partners):
        PartnershipFactory(
            programme=record,
            institution=institution,
            role=Partnership.Role.LEAD if number == 0 else Partnership.Role.PARTNER,
            funding_amount=Decimal(amount) if amount else None,
            funding_currency=currency,
        )
    return record


def event(
    record: Programme,
    host: Institution,
    day: datetime.date,
    *,
    kind: str,
    status: str = Event.Status.HELD,
    country: Country | None = None,
    actual: int | None = None,
    youth: int | None = None,
) -> Event:
    starts_at = datetime.datetime.combine(day, datetime.time(12), tzinfo=TASHKENT)
    where = country or host.country
    return EventFactory(
        programme=record,
        host_institution=host,
        country=where,
        city="Tashkent" if where.code == "UZ" else "Almaty",
        time_zone=where.time_zone,
        kind=kind,
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        actual_attendance=actual,
        youth_attendance=youth,
    )


def agreement(*parties: Institution, **dates) -> Agreement:
    record = AgreementFactory(**dates)
    for party in parties:
        AgreementPartyFactory(agreement=record, institution=party)
    return record


@pytest.fixture
def world(db) -> World:
    uz, kz, kg = CountryFactory(code="UZ"), CountryFactory(code="KZ"), CountryFactory(code="KG")
    uz_uni = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    uz_museum = InstitutionFactory(name="Fine Arts Gallery of Uzbekistan", country=uz)
    kz_uni = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    day = datetime.date
    programmes = {
        "P1": programme(
            Status.ACTIVE,
            day(2024, 3, 1),
            day(2025, 6, 30),
            (uz_uni, "1000000.00", "UZS"),
            (kz_uni, "5000.00", "USD"),
        ),
        "P2": programme(
            Status.COMPLETED,
            day(2025, 1, 1),
            day(2025, 12, 31),
            (uz_museum, "2500.00", "USD"),
            (kz_uni, "3000000.00", "KZT"),
        ),
        "P3": programme(
            Status.SUBMITTED,
            day(2025, 9, 1),
            day(2027, 6, 30),
            (kz_uni, "1000.00", "USD"),
            (uz_uni, None, ""),
            (uz_museum, "500000.00", "UZS"),
        ),
        "P4": programme(
            Status.DRAFT,
            day(2025, 1, 1),
            day(2025, 12, 31),
            (uz_uni, "9999.00", "USD"),
            (kz_uni, None, ""),
        ),
        "P5": programme(
            Status.REJECTED,
            day(2025, 2, 1),
            day(2025, 11, 30),
            (uz_uni, "7777.00", "USD"),
            (kz_uni, None, ""),
        ),
    }
    p = programmes
    events = {
        "E1": event(p["P1"], uz_uni, day(2025, 4, 10), kind=Kind.EXHIBITION, actual=200, youth=120),
        "E2": event(p["P1"], kz_uni, day(2025, 5, 10), kind=Kind.CONCERT, actual=300),
        "E3": event(
            p["P2"], kz_uni, day(2025, 6, 10), kind=Kind.CONCERT, country=uz, actual=150, youth=30
        ),
        "E4": event(p["P2"], uz_museum, day(2025, 12, 1), kind=Kind.FAIR, status="planned"),
        "E5": event(p["P3"], uz_museum, day(2025, 10, 1), kind=Kind.LECTURE),
        "E6": event(p["P2"], uz_uni, day(2025, 7, 1), kind=Kind.FAIR, status="cancelled"),
        "E7": event(p["P4"], uz_uni, day(2025, 3, 1), kind=Kind.EXHIBITION, actual=100, youth=50),
        "E8": event(p["P1"], kz_uni, day(2024, 5, 1), kind=Kind.EXHIBITION, actual=400, youth=100),
    }
    agreements = {
        "in_force": agreement(uz_uni, kz_uni, valid_from=day(2020, 1, 1)),
        # Two Uzbek parties: Uzbekistan still counts it once.
        "expiring": agreement(
            uz_uni, uz_museum, kz_uni, valid_from=day(2021, 1, 1), valid_until=day(2026, 2, 15)
        ),
        "expired": agreement(
            uz_uni, kz_uni, valid_from=day(2021, 1, 1), valid_until=day(2025, 6, 30)
        ),
        "terminated": agreement(
            uz_museum, kz_uni, valid_from=day(2021, 1, 1), terminated_on=day(2025, 5, 1)
        ),
        "pending": agreement(
            uz_uni, kz_uni, signed_on=day(2025, 11, 1), valid_from=day(2026, 6, 1)
        ),
    }
    return World(
        uz=uz,
        kz=kz,
        kg=kg,
        uz_uni=uz_uni,
        uz_museum=uz_museum,
        kz_uni=kz_uni,
        outsider=ViewerFactory().user,
        partner=MembershipFactory(institution=uz_uni).user,
        admin=UserFactory(is_superuser=True, is_staff=True),
        programmes=programmes,
        events=events,
        agreements=agreements,
    )
