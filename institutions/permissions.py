"""Who may do what, as small named predicates (the ``rules`` package).

A person's roles are rows (Membership, NationalCoordinator, Viewer), read once per request and
kept on the user object, so a page that asks many questions runs the role queries once; between
requests they are kept until the data changes (``core.caching``), which a role given or
taken away does at once.
"""

from dataclasses import dataclass

import rules

from core.caching import ACCESS_KEEP_SECONDS, kept
from institutions.models import Institution, Membership, NationalCoordinator, Viewer


@dataclass(frozen=True)
class RoleIds:
    institution_ids: frozenset[int]
    country_ids: frozenset[int]
    is_viewer: bool


def role_ids(user) -> RoleIds:
    """The ids of the institutions ``user`` coordinates and the countries they coordinate
    nationally; cached on the user object for the rest of the request."""
    cached = getattr(user, "_dostlik_role_ids", None)
    if cached is None:
        if not user.is_authenticated:
            cached = RoleIds(frozenset(), frozenset(), is_viewer=False)
        else:
            cached = kept(
                f"roles|{user.pk}", lambda: _read_role_ids(user), timeout=ACCESS_KEEP_SECONDS
            )
        user._dostlik_role_ids = cached
    return cached


def _read_role_ids(user) -> RoleIds:
    return RoleIds(
        institution_ids=frozenset(
            Membership.objects.filter(user=user).values_list("institution_id", flat=True)
        ),
        country_ids=frozenset(
            NationalCoordinator.objects.filter(user=user).values_list("country_id", flat=True)
        ),
        is_viewer=Viewer.objects.filter(user=user).exists(),
    )


def forget_roles(user) -> None:
    """Drop the cached roles after they changed (tests, role management)."""
    user.__dict__.pop("_dostlik_role_ids", None)


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def is_administrator(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


@rules.predicate
def is_coordinator(user) -> bool:
    return bool(role_ids(user).institution_ids)


@rules.predicate
def is_national_coordinator(user) -> bool:
    return bool(role_ids(user).country_ids)


@rules.predicate
def is_national_coordinator_of_institution(user, institution: Institution) -> bool:
    if institution is None:
        return False
    return institution.country_id in role_ids(user).country_ids


@rules.predicate
def coordinates_institution(user, institution: Institution) -> bool:
    if institution is None:
        return False
    return institution.pk in role_ids(user).institution_ids


# A national coordinator names and removes the coordinators of their country's institutions.
can_manage_coordinators = is_signed_in & (is_administrator | is_national_coordinator_of_institution)

rules.add_perm("institutions.manage_coordinators", can_manage_coordinators)
