from accounts.models import User
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer


def country_create(*, code: str, name: str, time_zone: str) -> Country:
    country = Country(code=code.upper(), name=name, time_zone=time_zone)
    country.full_clean()
    country.save()
    return country


def institution_create(
    *,
    name: str,
    kind: str,
    country: Country,
    city: str,
    short_name: str = "",
    website: str = "",
    description: str = "",
) -> Institution:
    institution = Institution(
        name=name,
        kind=kind,
        country=country,
        city=city,
        short_name=short_name,
        website=website,
        description=description,
    )
    institution.full_clean()
    institution.save()
    return institution


def membership_add(*, user: User, institution: Institution) -> Membership:
    """Make ``user`` a coordinator of ``institution``."""
    membership = Membership(user=user, institution=institution)
    membership.full_clean()
    membership.save()
    return membership


def national_coordinator_add(*, user: User, country: Country) -> NationalCoordinator:
    """Let ``user`` decide on programmes on behalf of ``country``."""
    role = NationalCoordinator(user=user, country=country)
    role.full_clean()
    role.save()
    return role


def viewer_add(
    *, user: User, country: Country | None = None, institution: Institution | None = None
) -> Viewer:
    """Give ``user`` read-only access to everything internal."""
    role = Viewer(user=user, country=country, institution=institution)
    role.full_clean()
    role.save()
    return role
