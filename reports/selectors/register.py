"""The register of the national coordinators' decisions: every decision ever taken, one row each,
on the programmes the reader may see, newest first."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User
from institutions.models import Country
from programmes.models import Decision, Programme
from programmes.selectors import programme_visibility


@dataclass(frozen=True)
class RegisterFilters:
    country: Country | None = None
    decision: str = ""
    # "standing": not superseded by a newer version; "superseded": superseded.
    standing: str = ""
    # "site": taken on the site; "paper": a ministry's letter recorded in the admin.
    taken: str = ""
    programme: Programme | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


def decision_register(*, user: User, filters: RegisterFilters) -> QuerySet[Decision]:
    """The decisions ``filters`` asks for, with everything a row of the register shows read in
    the same query. ``since`` and ``until`` are days in the site's time zone, both included."""
    decisions = Decision.objects.filter(programme_visibility(user=user, prefix="programme__"))
    if filters.country:
        decisions = decisions.filter(country=filters.country)
    if filters.decision:
        decisions = decisions.filter(decision=filters.decision)
    if filters.standing == "standing":
        decisions = decisions.filter(superseded_by__isnull=True)
    elif filters.standing == "superseded":
        decisions = decisions.filter(superseded_by__isnull=False)
    if filters.taken:
        decisions = decisions.filter(on_paper=filters.taken == "paper")
    if filters.programme:
        decisions = decisions.filter(programme=filters.programme)
    if filters.since:
        decisions = decisions.filter(decided_at__date__gte=filters.since)
    if filters.until:
        decisions = decisions.filter(decided_at__date__lte=filters.until)
    return decisions.select_related(
        "programme", "version", "superseded_by", "country", "decided_by", "recorded_by"
    ).order_by("-decided_at", "-pk")
