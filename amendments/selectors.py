"""Reading amendments."""

from django.db.models import Prefetch

from accounts.models import User
from amendments.models import Amendment
from institutions.models import Country
from institutions.permissions import role_ids
from programmes.models import Decision, Partnership, Programme
from programmes.selectors import participating_countries


def programme_amendments(*, programme: Programme) -> list[Amendment]:
    """The amendments of ``programme``, the one waiting first, then the newest."""
    amendments = programme.amendments.select_related("version", "proposed_by")
    return sorted(amendments, key=lambda a: (a.state != Amendment.State.OPEN, -a.version.number))


def amendment_decisions(*, amendment: Amendment) -> list[tuple[Country, Decision | None]]:
    """Each participating country, by name, with its decision on the amendment, if any."""
    decided = {
        decision.country_id: decision
        for decision in amendment.version.decisions.select_related("decided_by", "recorded_by")
    }
    return [
        (country, decided.get(country.pk))
        for country in participating_countries(amendment.programme)
    ]


def amendments_waiting(*, user: User) -> list[Amendment]:
    """The amendments waiting for the decision of a country ``user`` decides for, but on
    programmes of an institution they coordinate, which another national coordinator decides
    on. A few queries, whatever the number of amendments."""
    roles = role_ids(user)
    if not roles.country_ids:
        return []
    candidates = (
        Amendment.objects.filter(
            state=Amendment.State.OPEN,
            programme__partnerships__institution__country__in=roles.country_ids,
        )
        .exclude(
            programme__in=Partnership.objects.filter(institution__in=roles.institution_ids).values(
                "programme"
            )
        )
        .distinct()
        .select_related("programme", "version")
        .prefetch_related(
            "version__decisions",
            Prefetch(
                "programme__partnerships",
                queryset=Partnership.objects.select_related("institution"),
            ),
        )
        .order_by("proposed_at", "pk")
    )
    waiting = []
    for amendment in candidates:
        decided = {decision.country_id for decision in amendment.version.decisions.all()}
        mine = {
            p.institution.country_id for p in amendment.programme.partnerships.all()
        } & roles.country_ids
        if mine - decided:
            waiting.append(amendment)
    return waiting
