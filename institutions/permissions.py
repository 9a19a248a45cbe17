"""Who may do what, as small named predicates (the ``rules`` package).

A person's roles are rows (Membership, NationalCoordinator, Viewer), read in one query the first
time a request asks and kept on the user object for the rest of that request only: a role
given or taken away counts from the next request, on every server.
"""

from dataclasses import dataclass

import rules
from django.db.models import CharField, F, Value

from institutions.models import Institution, Membership, NationalCoordinator, Viewer


@dataclass(frozen=True)
class RoleIds:
    institution_ids: frozenset[int]
    country_ids: frozenset[int]
    is_viewer: bool


def role_ids(user) -> RoleIds:
    """The ids of the institutions ``user`` coordinates and the countries they coordinate
    nationally; read once per request and kept on the user object."""
    roles = getattr(user, "_dostlik_role_ids", None)
    if roles is None:
        if not user.is_authenticated:
            roles = RoleIds(frozenset(), frozenset(), is_viewer=False)
        else:
            roles = _read_role_ids(user)
        user._dostlik_role_ids = roles
    return roles


def _read_role_ids(user) -> RoleIds:
    """The three kinds of role rows in one query, as (kind, id) pairs."""

    def rows(model, kind: str, column: str | None = None):
        # A viewer's row names no institution or country: its kind is all that counts.
        key = F(column) if column else Value(0)
        return (
            model.objects.filter(user=user)
            .order_by()
            .annotate(role=Value(kind, output_field=CharField()), key=key)
            .values_list("role", "key")
        )

    found = list(
        rows(Membership, "institution", "institution_id")
        .union(rows(NationalCoordinator, "country", "country_id"), rows(Viewer, "viewer"), all=True)
        .order_by()
    )
    return RoleIds(
        institution_ids=frozenset(pk for kind, pk in found if kind == "institution"),
        country_ids=frozenset(pk for kind, pk in found if kind == "country"),
        is_viewer=any(kind == "viewer" for kind, _pk in found),
    )


def forget_roles(user) -> None:
    """Drop the roles read for this request after they changed (role management, tests)."""
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
