"""Writes of countries, institutions and people's roles."""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.caching import changes_content
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer


@changes_content
@transaction.atomic
def country_create(*, code: str, name: str, time_zone: str) -> Country:
    country = Country(code=code.upper(), name=name, time_zone=time_zone)
    country.full_clean()
    country.save()
    return country


@changes_content
@transaction.atomic
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


@changes_content
@transaction.atomic
def place_shown_changed(*, institution: Institution | None = None, country: Country | None = None):
    """The name of an institution or of a country changed, which the calendar entries of the
    events it hosts, or that take place in it, show: each entry becomes a new revision
    (SEQUENCE and LAST-MODIFIED rise), so calendar apps that keep an entry until its revision
    rises take the new name. The events' versions stay, so an edit begun before is not refused
    for it."""
    events = institution.hosted_events if institution is not None else country.events
    events.update(sequence=F("sequence") + 1, updated_at=timezone.now())


# Memberships keep no history table: this log records who named or removed whom. Writes of the
# system itself (demo data, imports; no actor) are not personnel decisions and are not logged.
audit_log = logging.getLogger("dostlik.audit")


@changes_content
@transaction.atomic
def membership_add(
    *, user: User, institution: Institution, actor: User | None = None
) -> Membership:
    """Make ``user`` a coordinator of ``institution``. ``actor`` is who named them (None for
    the system: demo data, imports); whether they may is for the permission predicates."""
    membership = Membership(user=user, institution=institution)
    membership.full_clean()
    membership.save()
    if actor is not None:
        audit_log.info(
            "%s made %s a coordinator of %s (institution %s)",
            actor.username,
            user.username,
            institution,
            institution.pk,
        )
    return membership


@changes_content
@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> None:
    """End ``membership``: its user no longer coordinates the institution, and loses at once
    what that role let them change (roles are read afresh on every request)."""
    if actor is not None:
        audit_log.info(
            "%s removed %s as coordinator of %s (institution %s)",
            actor.username,
            membership.user.username,
            membership.institution,
            membership.institution_id,
        )
    membership.delete()


@changes_content
@transaction.atomic
def national_coordinator_add(*, user: User, country: Country) -> NationalCoordinator:
    """Let ``user`` decide on programmes on behalf of ``country``."""
    role = NationalCoordinator(user=user, country=country)
    role.full_clean()
    role.save()
    return role


@changes_content
@transaction.atomic
def viewer_add(
    *, user: User, country: Country | None = None, institution: Institution | None = None
) -> Viewer:
    """Give ``user`` read-only access to everything internal."""
    role = Viewer(user=user, country=country, institution=institution)
    role.full_clean()
    role.save()
    return role
