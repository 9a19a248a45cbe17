"""The year report: programmes by status, events held and their attendance (read from the event
tallies, ``events.tallies``), agreements and funding, each per country."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from events.models import Event, EventTally
from institutions.models import Country
from programmes.models import Agreement, AgreementParty, Currency, Partnership
from reports.selectors.common import (
    ReportFilters,
    committed_partnerships,
    money,
    scoped_programmes,
    scoped_tallies,
    share,
    with_something,
)

# ---------- Programmes by status ----------


@dataclass(frozen=True)
class StatusCounts:
    counts: dict[str, int]

    def of(self, status: str) -> int:
        # Not ``__getitem__``: templates would then read ``counts.total`` as a status.
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ProgrammesByStatus:
    """Programmes running in the year, by status, for every country taking part in them.
    ``overall`` counts each programme once (the country rows add up to more). ``nothing``:
    the countries without a programme, left out of ``rows``."""

    rows: list[tuple[Country, StatusCounts]]
    overall: StatusCounts
    nothing: list[Country] = field(default_factory=list)


def programmes_by_status(*, user: User, filters: ReportFilters) -> ProgrammesByStatus:
    programmes = scoped_programmes(
        user=user, filters=filters, first_day=filters.first_day, last_day=filters.last_day
    )
    partners = Partnership.objects.filter(programme__in=programmes.values("pk"))
    if filters.country:
        partners = partners.filter(institution__country=filters.country)
        programmes = programmes.filter(pk__in=partners.values("programme"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for line in (
        partners.order_by()
        .values("institution__country", "programme__status")
        # Two partners of one country make one programme for that country.
        .annotate(programmes=Count("programme", distinct=True))
    ):
        counts[line["institution__country"]][line["programme__status"]] = line["programmes"]
    overall = {
        line["status"]: line["programmes"]
        for line in programmes.order_by().values("status").annotate(programmes=Count("pk"))
    }
    rows, nothing = with_something(
        [(country, StatusCounts(counts.get(country.pk, {}))) for country in filters.countries],
        lambda counts: counts.total,
    )
    return ProgrammesByStatus(rows=rows, overall=StatusCounts(overall), nothing=nothing)


# ---------- Events held, by kind, and their attendance ----------


def _held_tallies(*, user: User, filters: ReportFilters) -> QuerySet[EventTally]:
    tallies = scoped_tallies(
        user=user, filters=filters, first_year=filters.year, last_year=filters.year
    ).filter(status=Event.Status.HELD)
    if filters.institution:
        tallies = tallies.filter(host_institution=filters.institution)
    if filters.country:
        tallies = tallies.filter(country=filters.country)
    return tallies


@dataclass(frozen=True)
class EventsByKind:
    """Held events by the country where they took place and their kind. ``kinds`` are those
    with at least one event, in the order of ``Event.Kind``; ``nothing``: the countries where
    none was held, left out of ``rows``."""

    rows: list[tuple[Country, dict[str, int]]]
    kinds: list[str]
    nothing: list[Country] = field(default_factory=list)

    @property
    def overall(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for _country, counts in self.rows:
            for kind, number in counts.items():
                totals[kind] += number
        return dict(totals)


def events_held_by_kind(*, user: User, filters: ReportFilters) -> EventsByKind:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for line in (
        _held_tallies(user=user, filters=filters)
        .values("country", "kind")
        .annotate(held=Sum("events"))
    ):
        counts[line["country"]][line["kind"]] = line["held"]
    present = {kind for by_kind in counts.values() for kind in by_kind}
    rows, nothing = with_something(
        [(country, counts.get(country.pk, {})) for country in filters.countries],
        lambda by_kind: any(by_kind.values()),
    )
    return EventsByKind(
        rows=rows, kinds=[kind for kind in Event.Kind.values if kind in present], nothing=nothing
    )


@dataclass(frozen=True)
class Attendance:
    """Who came to held events. The under-30 share is taken only over the events that give
    both the actual and the under-30 attendance, so an event without an age count neither
    raises nor lowers it."""

    held: int = 0
    audience: int = 0
    with_both: int = 0
    audience_with_both: int = 0
    youth: int = 0

    @property
    def youth_share(self) -> Decimal | None:
        return share(self.youth, self.audience_with_both)

    def __add__(self, other: "Attendance") -> "Attendance":
        return Attendance(
            held=self.held + other.held,
            audience=self.audience + other.audience,
            with_both=self.with_both + other.with_both,
            audience_with_both=self.audience_with_both + other.audience_with_both,
            youth=self.youth + other.youth,
        )


@dataclass(frozen=True)
class AttendanceByCountry:
    """Attendance by the country of the events; ``nothing``: the countries where none was
    held, left out of ``rows``."""

    rows: list[tuple[Country, Attendance]]
    nothing: list[Country] = field(default_factory=list)

    @property
    def overall(self) -> Attendance:
        return sum((attendance for _country, attendance in self.rows), Attendance())


def attendance_by_country(*, user: User, filters: ReportFilters) -> AttendanceByCountry:
    by_country = {
        line["country"]: Attendance(
            held=line["held"],
            audience=line["audience_sum"],
            with_both=line["with_both_sum"],
            audience_with_both=line["audience_with_both_sum"],
            youth=line["youth_sum"],
        )
        for line in _held_tallies(user=user, filters=filters)
        .values("country")
        .annotate(
            held=Sum("events"),
            audience_sum=Sum("audience"),
            with_both_sum=Sum("with_both"),
            audience_with_both_sum=Sum("audience_with_both"),
            youth_sum=Sum("youth"),
        )
    }
    rows, nothing = with_something(
        [(country, by_country.get(country.pk, Attendance())) for country in filters.countries],
        lambda attendance: attendance.held or attendance.audience,
    )
    return AttendanceByCountry(rows=rows, nothing=nothing)


# ---------- Agreements ----------


def agreement_reference_day(year: int) -> datetime.date:
    """The day on which agreements are counted for ``year``: today in the current year, the
    last day of a past year, the first day of a future one."""
    today = timezone.localdate()
    if year == today.year:
        return today
    return datetime.date(year, 12, 31) if year < today.year else datetime.date(year, 1, 1)


@dataclass(frozen=True)
class AgreementCounts:
    in_force: int = 0
    expiring: int = 0

    @property
    def total(self) -> int:
        """Every agreement in force, those expiring soon included."""
        return self.in_force + self.expiring


@dataclass(frozen=True)
class AgreementsByCountry:
    """Agreements in force and expiring within 90 days on ``day``, for every country among
    their parties; ``overall`` counts each agreement once. ``nothing``: the countries without
    one, left out of ``rows``."""

    day: datetime.date
    rows: list[tuple[Country, AgreementCounts]]
    overall: AgreementCounts
    nothing: list[Country] = field(default_factory=list)


def agreements_by_country(*, user: User, filters: ReportFilters) -> AgreementsByCountry:
    day = agreement_reference_day(filters.year)
    in_force = Agreement.objects.with_status(Agreement.Status.IN_FORCE, today=day).values("pk")
    expiring = Agreement.objects.with_status(Agreement.Status.EXPIRING, today=day).values("pk")
    agreements = Agreement.objects.all()
    if filters.institution:
        agreements = agreements.filter(
            pk__in=AgreementParty.objects.filter(institution=filters.institution).values(
                "agreement"
            )
        )
    parties = AgreementParty.objects.filter(agreement__in=agreements.values("pk"))
    if filters.country:
        parties = parties.filter(institution__country=filters.country)
        agreements = agreements.filter(pk__in=parties.values("agreement"))
    by_country = {
        line["institution__country"]: AgreementCounts(line["in_force"], line["expiring"])
        for line in parties.order_by()
        .values("institution__country")
        .annotate(
            in_force=Count("agreement", distinct=True, filter=Q(agreement__in=in_force)),
            expiring=Count("agreement", distinct=True, filter=Q(agreement__in=expiring)),
        )
    }
    overall = agreements.aggregate(
        in_force=Count("pk", filter=Q(pk__in=in_force)),
        expiring=Count("pk", filter=Q(pk__in=expiring)),
    )
    rows, nothing = with_something(
        [(country, by_country.get(country.pk, AgreementCounts())) for country in filters.countries],
        lambda counts: counts.total,
    )
    return AgreementsByCountry(
        day=day,
        rows=rows,
        overall=AgreementCounts(overall["in_force"], overall["expiring"]),
        nothing=nothing,
    )


# ---------- Funding ----------


@dataclass(frozen=True)
class FundingByCountry:
    """Funding committed by the partners of each country, in each currency as given: amounts
    in different currencies are never added together. ``nothing``: the countries whose
    partners committed none, left out of ``rows``."""

    currencies: list[str]
    rows: list[tuple[Country, dict[str, Decimal]]]
    nothing: list[Country] = field(default_factory=list)

    @property
    def overall(self) -> dict[str, Decimal]:
        """Per currency, the sum over countries: one currency at a time, never across."""
        return {
            currency: sum(
                (amounts.get(currency, Decimal(0)) for _c, amounts in self.rows), Decimal(0)
            )
            for currency in self.currencies
        }


def funding_by_country(*, user: User, filters: ReportFilters) -> FundingByCountry:
    partnerships = committed_partnerships(
        user=user, filters=filters, first_day=filters.first_day, last_day=filters.last_day
    )
    if filters.institution:
        partnerships = partnerships.filter(institution=filters.institution)
    if filters.country:
        partnerships = partnerships.filter(institution__country=filters.country)
    amounts: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for line in partnerships.values("institution__country", "funding_currency").annotate(
        committed=Sum("funding_amount")
    ):
        amounts[line["institution__country"]][line["funding_currency"]] = money(line["committed"])
    rows, nothing = with_something(
        [(country, amounts.get(country.pk, {})) for country in filters.countries],
        lambda committed: any(committed.values()),
    )
    return FundingByCountry(currencies=list(Currency.values), rows=rows, nothing=nothing)


# ---------- The year report ----------


@dataclass(frozen=True)
class YearReport:
    filters: ReportFilters
    programmes: ProgrammesByStatus
    events: EventsByKind
    attendance: AttendanceByCountry
    agreements: AgreementsByCountry
    funding: FundingByCountry


def year_report(*, user: User, filters: ReportFilters) -> YearReport:
    return YearReport(
        filters=filters,
        programmes=programmes_by_status(user=user, filters=filters),
        events=events_held_by_kind(user=user, filters=filters),
        attendance=attendance_by_country(user=user, filters=filters),
        agreements=agreements_by_country(user=user, filters=filters),
        funding=funding_by_country(user=user, filters=filters),
    )
