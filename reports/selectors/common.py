"""What every report shares: the filters, the scoped programmes and event tallies, shares and
years."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Min, QuerySet

from accounts.models import User
from events.models import EventTally
from institutions.models import Country, Institution
from institutions.selectors import country_list
from programmes.models import Partnership, Programme
from programmes.selectors import programme_visibility

# The balance looks back this many years, the chosen one included.
BALANCE_YEARS = 5
ONE_DECIMAL = Decimal("0.1")
# The places of every amount (``Partnership.funding_amount``).
CENT = Decimal("0.01")


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal, halves rounded up (12.25 → 12.3)
    as a reader rounds by hand; None when ``whole`` is nothing, since a share of nothing is
    not zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def money(amount: Decimal) -> Decimal:
    """A sum of amounts with the places of an amount: SQLite returns 47300000 for a sum of
    47300000.00."""
    return Decimal(amount).quantize(CENT)


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


def with_something[T](
    rows: list[tuple[Country, T]], has_something: Callable[[T], object]
) -> tuple[list[tuple[Country, T]], list[Country]]:
    """``rows`` split into those with something to show and the countries of the others, so
    a table and its chart leave out rows of zeros and say once which countries had none."""
    shown = [(country, figures) for country, figures in rows if has_something(figures)]
    kept = {country.pk for country, _figures in shown}
    return shown, [country for country, _figures in rows if country.pk not in kept]


def earliest_year(*, user: User) -> int | None:
    """The year the first programme ``user`` may see started, for the year picker."""
    first = Programme.objects.filter(programme_visibility(user=user)).aggregate(
        first=Min("starts_on")
    )["first"]
    return first.year if first else None


def scoped_programmes(
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


def scoped_tallies(
    *, user: User, filters: ReportFilters, first_year: int, last_year: int
) -> QuerySet[EventTally]:
    """The tallies of the events ``user`` may see (the rule of ``event_list``: that of their
    programme) starting in the years ``first_year`` to ``last_year``, narrowed by the
    programme filters; unordered, ready to be grouped."""
    tallies = EventTally.objects.filter(
        programme_visibility(user=user, prefix="programme__"),
        year__gte=first_year,
        year__lte=last_year,
    )
    if filters.programme:
        tallies = tallies.filter(programme=filters.programme)
    if filters.kind:
        tallies = tallies.filter(programme__kind=filters.kind)
    if filters.status:
        tallies = tallies.filter(programme__status=filters.status)
    return tallies


def committed_partnerships(
    *, user: User, filters: ReportFilters, first_day: datetime.date, last_day: datetime.date
) -> QuerySet[Partnership]:
    """Partnerships with funding, of programmes running between the two days that are past
    their draft and neither rejected nor cancelled."""
    programmes = scoped_programmes(
        user=user, filters=filters, first_day=first_day, last_day=last_day, by_institution=False
    ).exclude(status__in=Programme.Status.uncommitted_states)
    return Partnership.objects.filter(
        programme__in=programmes.values("pk"), funding_amount__isnull=False
    ).order_by()
