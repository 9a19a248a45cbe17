"""The shapes of demo records: plain, frozen descriptions that the loader turns into rows.

Institutions, venues and users are referred to by a short key, so the content reads like a
story and a typo fails loudly at load time instead of silently creating a second record.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CountrySpec:
    code: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class InstitutionSpec:
    key: str
    country: str
    name: str
    kind: str
    city: str
    short_name: str = ""
    website: str = ""
    description: str = ""


@dataclass(frozen=True)
class UserSpec:
    """A demo account and the roles it holds."""

    username: str
    first_name: str
    last_name: str
    superuser: bool = False
    national_coordinator_of: str = ""
    member_of: str = ""
    viewer: bool = False


@dataclass(frozen=True)
class VenueSpec:
    key: str
    name: str
    city: str
    country: str
    institution: str = ""
    address: str = ""


@dataclass(frozen=True)
class AgreementSpec:
    title: str
    kind: str
    signed_on: datetime.date
    parties: tuple[str, ...]
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    reference: str = ""
    summary: str = ""


@dataclass(frozen=True)
class PartnerSpec:
    institution: str
    contribution: str = ""
    funding_amount: Decimal | None = None
    funding_currency: str = ""


@dataclass(frozen=True)
class Transition:
    """One step of the workflow, taken through ``programme_transition``."""

    to_status: str
    actor: str
    comment: str = ""


@dataclass(frozen=True)
class DecisionSpec:
    """One country's decision, recorded through ``programme_decide``."""

    country: str
    decision: str
    actor: str
    comment: str = ""


@dataclass(frozen=True)
class EventSpec:
    """An event on a local date. Without ``starts`` it is all-day, through ``last_day``."""

    uid: str
    title: str
    kind: str
    host: str
    day: datetime.date
    starts: datetime.time | None = None
    ends: datetime.time | None = None
    last_day: datetime.date | None = None
    venue: str = ""
    city: str = ""
    status: str = "planned"
    visibility: str = "internal"
    description: str = ""
    expected_attendance: int | None = None
    actual_attendance: int | None = None
    youth_attendance: int | None = None


@dataclass(frozen=True)
class ProgrammeSpec:
    title: str
    kind: str
    lead: str
    actor: str
    starts_on: datetime.date
    ends_on: datetime.date
    summary: str = ""
    agreement: str = ""
    budget_amount: Decimal | None = None
    budget_currency: str = ""
    enrolled_students: int | None = None
    partners: tuple[PartnerSpec, ...] = ()
    story: tuple[Transition | DecisionSpec, ...] = ()
    events: tuple[EventSpec, ...] = field(default=())
