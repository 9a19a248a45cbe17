"""The figures of the reports, always scoped to what the reader may see.

Every count goes through the same visibility rule as the pages: programmes through
``programme_visibility`` and events through ``event_list``, so a draft counts only for the
people who may open it. Agreements are seen by every signed-in user and counted for all.

Each figure is one grouped query (or two), whatever the number of programmes or events: the
page's query count does not grow with the data. Countries with nothing to count still get their
row, with zeros, so a blank is never mistaken for a missing country.

The filters share their names with the rest of the site: ``year``, ``country`` (ISO code),
``institution`` (what it takes part in: programmes it partners in, events it hosts, agreements
it is party to, funding it commits), ``programme``, and ``kind`` and ``status`` (of the
programme).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import User
from events.models import Event
from events.selectors import event_list
from institutions.models import Country, Institution
from institutions.selectors import country_list
from programmes.models import Agreement, AgreementParty, Currency, Partnership, Programme
from programmes.selectors import programme_visibility

# A programme in these states commits no money: not yet agreed, refused or abandoned.
NOT_COMMITTED = (Programme.Status.DRAFT, Programme.Status.REJECTED, Programme.Status.CANCELLED)
# The balance looks back this many years, the chosen one included.
BALANCE_YEARS = 5
ONE_DECIMAL = Decimal("0.1")


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal, halves rounded up (12.25 → 12.3)
    as a reader rounds by hand; None when ``whole`` is nothing, since a share of nothing is
    not zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def year_start(year: int) -> datetime.datetime:
    """Midnight of 1 January in the site's time zone: the home page counts years the same way."""
    return timezone.make_aware(datetime.datetime(year, 1, 1))


@dataclass(frozen=True)
class ReportFilters:
    year: int
    country: Country | None = None
    institution: Institution | None = None
    programme: Programme | None = None
    kind: str = ""
    status: str = ""

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @cached_property
    def countries(self) -> list[Country]:
        """The rows of every per-country table: the chosen country, or every participating
        one. Loaded once for all the tables of a report."""
        return [self.country] if self.country else list(country_list())


def earliest_year(*, user: User) -> int | None:
    """The year the first programme ``user`` may see started, for the year picker."""
    first = Programme.objects.filter(programme_visibility(user=user)).aggregate(
        first=Min("starts_on")
    )["first"]
    return first.year if first else None


def _programmes(
    *,
    user: User,
    filters: ReportFilters,
    first_day: datetime.date,
    last_day: datetime.date,
    by_institution: bool = True,
) -> QuerySet[Programme]:
    """Programmes ``user`` may see that run on some day between ``first_day`` and
    ``last_day``, narrowed by the programme, kind, status and (optionally) institution."""
    programmes = Programme.objects.filter(
        programme_visibility(user=user), starts_on__lte=last_day, ends_on__gte=first_day
    )
    if filters.programme:
        programmes = programmes.filter(pk=filters.programme.pk)
    if filters.kind:
        programmes = programmes.filter(kind=filters.kind)
    if filters.status:
        programmes = programmes.filter(status=filters.status)
    if by_institution and filters.institution:
        partners = Partnership.objects.filter(institution=filters.institution)
        programmes = programmes.filter(pk__in=partners.values("programme"))
    return programmes


def _events(
    *, user: User, filters: ReportFilters, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Event]:
    """Events ``user`` may see starting in [start, end), narrowed by the programme filters;
    unordered, ready to be grouped."""
    events = event_list(user=user).order_by().filter(starts_at__gte=start, starts_at__lt=end)
    if filters.programme:
        events = events.filter(programme=filters.programme)
    if filters.kind:
        events = events.filter(programme__kind=filters.kind)
    if filters.status:
        events = events.filter(programme__status=filters.status)
    return events


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
    ``overall`` counts each programme once (the country rows add up to more)."""

    rows: list[tuple[Country, StatusCounts]]
    overall: StatusCounts


def programmes_by_status(*, user: User, filters: ReportFilters) -> ProgrammesByStatus:
    programmes = _programmes(
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
    return ProgrammesByStatus(
        rows=[(country, StatusCounts(counts.get(country.pk, {}))) for country in filters.countries],
        overall=StatusCounts(overall),
    )


# ---------- Events held, by kind, and their attendance ----------


def _held_events(*, user: User, filters: ReportFilters) -> QuerySet[Event]:
    events = _events(
        user=user, filters=filters, start=year_start(filters.year), end=year_start(filters.year + 1)
    ).filter(status=Event.Status.HELD)
    if filters.institution:
        events = events.filter(host_institution=filters.institution)
    if filters.country:
        events = events.filter(country=filters.country)
    return events


@dataclass(frozen=True)
class EventsByKind:
    """Held events by the country where they took place and their kind. ``kinds`` are those
    with at least one event, in the order of ``Event.Kind``."""

    rows: list[tuple[Country, dict[str, int]]]
    kinds: list[str]

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
        _held_events(user=user, filters=filters)
        .values("country", "kind")
        .annotate(events=Count("pk"))
    ):
        counts[line["country"]][line["kind"]] = line["events"]
    present = {kind for by_kind in counts.values() for kind in by_kind}
    return EventsByKind(
        rows=[(country, counts.get(country.pk, {})) for country in filters.countries],
        kinds=[kind for kind in Event.Kind.values if kind in present],
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
    rows: list[tuple[Country, Attendance]]

    @property
    def overall(self) -> Attendance:
        return sum((attendance for _country, attendance in self.rows), Attendance())


def attendance_by_country(*, user: User, filters: ReportFilters) -> AttendanceByCountry:
    both = Q(actual_attendance__isnull=False, youth_attendance__isnull=False)
    by_country = {
        line["country"]: Attendance(
            held=line["held"],
            audience=line["audience"] or 0,
            with_both=line["with_both"],
            audience_with_both=line["audience_with_both"] or 0,
            youth=line["youth"] or 0,
        )
        for line in _held_events(user=user, filters=filters)
        .values("country")
        .annotate(
            held=Count("pk"),
            audience=Sum("actual_attendance"),
            with_both=Count("pk", filter=both),
            audience_with_both=Sum("actual_attendance", filter=both),
            youth=Sum("youth_attendance", filter=both),
        )
    }
    return AttendanceByCountry(
        rows=[(country, by_country.get(country.pk, Attendance())) for country in filters.countries]
    )


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
    their parties; ``overall`` counts each agreement once."""

    day: datetime.date
    rows: list[tuple[Country, AgreementCounts]]
    overall: AgreementCounts


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
    return AgreementsByCountry(
        day=day,
        rows=[
            (country, by_country.get(country.pk, AgreementCounts()))
            for country in filters.countries
        ],
        overall=AgreementCounts(overall["in_force"], overall["expiring"]),
    )


# ---------- Funding ----------


def _committed_partnerships(
    *, user: User, filters: ReportFilters, first_day: datetime.date, last_day: datetime.date
) -> QuerySet[Partnership]:
    """Partnerships with funding, of programmes running between the two days that are past
    their draft and neither rejected nor cancelled."""
    programmes = _programmes(
        user=user, filters=filters, first_day=first_day, last_day=last_day, by_institution=False
    ).exclude(status__in=NOT_COMMITTED)
    return Partnership.objects.filter(
        programme__in=programmes.values("pk"), funding_amount__isnull=False
    ).order_by()


@dataclass(frozen=True)
class FundingByCountry:
    """Funding committed by the partners of each country, in each currency as given: amounts
    in different currencies are never added together."""

    currencies: list[str]
    rows: list[tuple[Country, dict[str, Decimal]]]

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
    partnerships = _committed_partnerships(
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
        amounts[line["institution__country"]][line["funding_currency"]] = line["committed"]
    return FundingByCountry(
        currencies=list(Currency.values),
        rows=[(country, amounts.get(country.pk, {})) for country in filters.countries],
    )


# ---------- Balance between countries ----------


@dataclass(frozen=True)
class BalanceYear:
    """One year of the balance: events hosted by each country's institutions and funding
    committed by each country's partners, keyed by country pk."""

    year: int
    hosted: dict[int, int] = field(default_factory=dict)
    committed: dict[str, dict[int, Decimal]] = field(default_factory=dict)

    @property
    def events(self) -> int:
        return sum(self.hosted.values())

    def event_share(self, country: Country) -> Decimal | None:
        return share(self.hosted.get(country.pk, 0), self.events)

    def funding(self, currency: str) -> Decimal:
        return sum(self.committed.get(currency, {}).values(), Decimal(0))

    def funding_share(self, country: Country, currency: str) -> Decimal | None:
        return share(
            self.committed.get(currency, {}).get(country.pk, Decimal(0)), self.funding(currency)
        )


@dataclass(frozen=True)
class Balance:
    countries: list[Country]
    currencies: list[str]
    years: list[BalanceYear]  # the oldest first


def balance(*, user: User, filters: ReportFilters) -> Balance:
    """Each country's share of the events hosted and of the funding committed, year by year,
    over ``BALANCE_YEARS`` years up to the chosen one. Cancelled events were not hosted and do
    not count. Country and institution filters do not apply: a share needs every country."""
    years = list(range(filters.year - BALANCE_YEARS + 1, filters.year + 1))
    hosted: dict[int, dict[int, int]] = defaultdict(dict)
    for line in (
        _events(
            user=user, filters=filters, start=year_start(years[0]), end=year_start(years[-1] + 1)
        )
        .exclude(status=Event.Status.CANCELLED)
        .annotate(year=ExtractYear("starts_at"))
        .values("year", "host_institution__country")
        .annotate(events=Count("pk"))
    ):
        hosted[line["year"]][line["host_institution__country"]] = line["events"]

    # A programme counts in every year it runs: one conditional sum a year, in one query.
    running_in = {
        f"y{year}": Sum(
            "funding_amount",
            filter=Q(
                programme__starts_on__lte=datetime.date(year, 12, 31),
                programme__ends_on__gte=datetime.date(year, 1, 1),
            ),
        )
        for year in years
    }
    committed: dict[int, dict[str, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for line in (
        _committed_partnerships(
            user=user,
            filters=filters,
            first_day=datetime.date(years[0], 1, 1),
            last_day=datetime.date(years[-1], 12, 31),
        )
        .values("institution__country", "funding_currency")
        .annotate(**running_in)
    ):
        for year in years:
            if line[f"y{year}"] is not None:
                currency = line["funding_currency"]
                committed[year][currency][line["institution__country"]] = line[f"y{year}"]
    return Balance(
        countries=filters.countries,
        currencies=list(Currency.values),
        years=[
            BalanceYear(year, dict(hosted.get(year, {})), dict(committed.get(year, {})))
            for year in years
        ],
    )


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
