"""Reads of countries, institutions and people's roles.

Institutions and countries are shared reference data: every signed-in user sees all of them.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from accounts.models import User
from institutions.models import Country, Institution, Membership, NationalCoordinator


def country_list() -> QuerySet[Country]:
    return Country.objects.order_by("name")


def institution_list(*, user: User) -> QuerySet[Institution]:
    """Every institution, with its country for the badge the lists show."""
    return Institution.objects.select_related("country").order_by("name", "pk")


def institution_get(*, user: User, pk: int) -> Institution:
    """One institution, with ``coordinator_count``: how many people coordinate for it."""
    return institution_list(user=user).annotate(coordinator_count=Count("memberships")).get(pk=pk)


def institution_count() -> int:
    return Institution.objects.filter(is_active=True).count()


@dataclass(frozen=True)
class Roles:
    """What a person does in Dostlik, for greeting them with their own work."""

    institutions: list[Institution]
    countries: list[Country]

    @property
    def is_empty(self) -> bool:
        return not (self.institutions or self.countries)


def user_roles(*, user: User) -> Roles:
    """The institutions a user coordinates and the countries they coordinate nationally."""
    memberships = Membership.objects.filter(user=user).select_related("institution__country")
    national_roles = NationalCoordinator.objects.filter(user=user).select_related("country")
    return Roles(
        institutions=[membership.institution for membership in memberships],
        countries=[role.country for role in national_roles],
    )
