"""The balance between countries over the last ``BALANCE_YEARS`` years: events hosted (read from
the event tallies, ``events.tallies``) and funding committed."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from accounts.models import User
from events.models import Event
from institutions.models import Country
from programmes.models import Currency
from reports.selectors.common import (
    BALANCE_YEARS,
    ReportFilters,
    committed_partnerships,
    money,
    scoped_tallies,
    share,
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
    """``countries``: those that hosted an event or committed funding in one of the years;
    ``nothing``: the others, left out."""

    countries: list[Country]
    currencies: list[str]
    years: list[BalanceYear]  # the oldest first
    nothing: list[Country] = field(default_factory=list)


def balance(*, user: User, filters: ReportFilters) -> Balance:
    """Each country's share of the events hosted and of the funding committed, year by year,
    over ``BALANCE_YEARS`` years up to the chosen one. Cancelled events were not hosted and do
    not count. Country and institution filters do not apply: a share needs every country."""
    years = list(range(filters.year - BALANCE_YEARS + 1, filters.year + 1))
    hosted: dict[int, dict[int, int]] = defaultdict(dict)
    for line in (
        scoped_tallies(user=user, filters=filters, first_year=years[0], last_year=years[-1])
        .exclude(status=Event.Status.CANCELLED)
        .values("year", "host_institution__country")
        .annotate(hosted=Sum("events"))
    ):
        hosted[line["year"]][line["host_institution__country"]] = line["hosted"]

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
        committed_partnerships(
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
                committed[year][currency][line["institution__country"]] = money(line[f"y{year}"])
    active = {pk for by_country in hosted.values() for pk, count in by_country.items() if count}
    active |= {
        pk
        for by_currency in committed.values()
        for by_country in by_currency.values()
        for pk, amount in by_country.items()
        if amount
    }
    return Balance(
        countries=[country for country in filters.countries if country.pk in active],
        currencies=list(Currency.values),
        years=[
            BalanceYear(year, dict(hosted.get(year, {})), dict(committed.get(year, {})))
            for year in years
        ],
        nothing=[country for country in filters.countries if country.pk not in active],
    )
