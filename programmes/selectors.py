"""Scoped reads of agreements and programmes.

Who sees what: a *draft* programme, with its events, is seen only by coordinators
of its partner institutions, national coordinators of those institutions' countries and
superusers; once it leaves draft, every signed-in user sees it. Agreements are visible to every
signed-in user. Every read of programmes goes through ``programme_visibility`` so lists, detail
pages, filter choices and other apps (events) apply the same rule.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from institutions.models import Country, Institution, Membership, NationalCoordinator
from institutions.permissions import role_ids
from programmes.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Decision,
    Partnership,
    Programme,
    ProgrammeTransition,
    open_change_requests,
)
from programmes.versions import Difference, differences


def programmes_worked_on(*, user: User) -> QuerySet:
    """Ids of the programmes ``user`` works on: a partner is an institution they coordinate,
    or an institution of a country they coordinate nationally. A subquery, so callers filter
    with ``__in`` and never need ``distinct()``."""
    return Partnership.objects.filter(
        Q(institution__in=Membership.objects.filter(user=user).values("institution"))
        | Q(
            institution__country__in=NationalCoordinator.objects.filter(user=user).values("country")
        )
    ).values("programme")


def programme_visibility(*, user: User, prefix: str = "") -> Q:
    """The condition a programme (reached through ``prefix``, e.g. ``"programme__"`` from an
    event) meets when ``user`` may see it."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return ~Q(**{f"{prefix}status": Programme.Status.DRAFT}) | Q(
        **{f"{prefix}pk__in": programmes_worked_on(user=user)}
    )


def _partners_prefetch() -> Prefetch:
    return Prefetch(
        "partnerships",
        # By country, so a page can show each country once; the lead first within it.
        queryset=Partnership.objects.select_related("institution__country").order_by(
            "institution__country__name", "role", "institution__name"
        ),
    )


def programme_list(*, user: User) -> QuerySet[Programme]:
    """The programmes ``user`` may see, newest first, with partners and countries loaded."""
    return (
        Programme.objects.filter(programme_visibility(user=user))
        .select_related("agreement")
        .prefetch_related(_partners_prefetch())
        .order_by("-starts_on", "title", "pk")
    )


def programme_get(*, user: User, pk: int) -> Programme:
    """One programme ``user`` may see, with partners, decisions and status changes loaded;
    raises ``Programme.DoesNotExist`` otherwise, so a hidden draft looks like a missing one.
    Its events come from ``programme_events``."""
    return (
        programme_list(user=user)
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related(
                    "country", "decided_by", "recorded_by", "version", "superseded_by"
                ),
            ),
            Prefetch(
                "transitions",
                queryset=ProgrammeTransition.objects.select_related("actor").order_by("at", "pk"),
            ),
            "versions",
        )
        .select_related("current_version")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class CountryStanding:
    """Where one participating country stands on a programme: its latest decision, whether it
    was taken on the version now before the countries, and if not, what changed since."""

    country: Country
    decision: Decision | None
    on_current_version: bool
    differences: list[Difference]


def programme_standings(*, programme: Programme) -> list[CountryStanding]:
    """Each participating country's standing, by country name. Reads the decisions and the
    partners ``programme_get`` loaded."""
    current = programme.current_version
    latest = {}
    # The decision on the latest version a country decided on; by time only within a version
    # (a decision taken on paper is dated by its letter).
    # Decisions on an amendment still waiting, or rejected, are the amendment's own.
    for decision in sorted(
        (row for row in programme.decisions.all() if row.version.in_force),
        key=lambda row: (row.version.number, row.decided_at, row.pk),
    ):
        latest[decision.country_id] = decision
    countries = {
        p.institution.country_id: p.institution.country for p in programme.partnerships.all()
    }
    standings = []
    for country in sorted(countries.values(), key=lambda country: country.name):
        decision = latest.get(country.pk)
        on_current = (
            decision is not None and current is not None and decision.version_id == current.pk
        )
        standings.append(
            CountryStanding(
                country=country,
                decision=decision,
                on_current_version=on_current,
                differences=(
                    differences(decision.version.content, current.content)
                    if decision is not None and current is not None and not on_current
                    else []
                ),
            )
        )
    return standings


def programme_events(*, programme: Programme) -> QuerySet:
    """The events of ``programme``, earliest first, with what a list of them shows. Whoever may
    see a programme sees every event of it (``events.selectors.event_list`` asks nothing else of
    an event), so none is left out here; the events app is reached through the relation it
    declares, never imported."""
    return programme.events.select_related(
        "programme", "host_institution", "venue", "country"
    ).order_by("starts_at", "pk")


def participating_countries(programme: Programme) -> list[Country]:
    """The countries of the programme's partners, each once, by name."""
    return list(
        Country.objects.filter(institutions__partnerships__programme=programme)
        .distinct()
        .order_by("name")
    )


def coordinates_the_lead_of(user: User, programme: Programme) -> bool:
    """Whether ``user`` coordinates the lead institution of ``programme``."""
    return Membership.objects.filter(
        user=user,
        institution__partnerships__programme=programme,
        institution__partnerships__role=Partnership.Role.LEAD,
    ).exists()


def coordinates_a_partner_of(user: User, programme: Programme) -> bool:
    """Whether ``user`` coordinates an institution taking part in ``programme``: such a national
    coordinator does not decide on it."""
    return Membership.objects.filter(
        user=user, institution__partnerships__programme=programme
    ).exists()


def programme_choices(*, user: User) -> QuerySet[Programme]:
    """Programmes ``user`` may see, for a filter's drop-down: titles only."""
    return (
        Programme.objects.filter(programme_visibility(user=user))
        .only("pk", "title")
        .order_by("title", "pk")
    )


def programme_list_worked_on(*, user: User) -> QuerySet[Programme]:
    """ "Your programmes": those of the institutions ``user`` coordinates and, for a national
    coordinator, those involving their country; drafts included, as they are theirs."""
    return programme_list(user=user).filter(pk__in=programmes_worked_on(user=user))


def programme_list_for_institution(*, user: User, institution: Institution):
    return programme_list(user=user).filter(
        pk__in=Partnership.objects.filter(institution=institution).values("programme")
    )


def programme_list_for_agreement(*, user: User, agreement: Agreement):
    return programme_list(user=user).filter(agreement=agreement)


def programme_count_under_way(*, user: User) -> int:
    return Programme.objects.filter(
        programme_visibility(user=user), status__in=Programme.Status.under_way_states
    ).count()


def _parties_prefetch() -> Prefetch:
    return Prefetch(
        "party_rows",
        queryset=AgreementParty.objects.select_related("institution__country").order_by(
            "institution__country__name", "institution__name"
        ),
    )


def agreement_list(*, user: User) -> QuerySet[Agreement]:
    """Every agreement, most recently signed first, with its parties and their countries."""
    return Agreement.objects.prefetch_related(_parties_prefetch()).order_by(
        "-signed_on", "title", "pk"
    )


def agreement_get(*, user: User, pk: int) -> Agreement:
    return agreement_list(user=user).get(pk=pk)


def agreement_documents(*, agreement: Agreement) -> QuerySet[AgreementDocument]:
    """The documents of ``agreement``, newest first; who may read them is for the caller
    (``programmes.permissions.can_read_agreement_documents``)."""
    return agreement.documents.select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def agreement_list_for_institution(*, user: User, institution: Institution):
    return agreement_list(user=user).filter(
        pk__in=AgreementParty.objects.filter(institution=institution).values("agreement")
    )


def agreement_count_in_force() -> int:
    """Agreements in force today, those about to expire included."""
    today = timezone.localdate()
    return (
        Agreement.objects.with_status(Agreement.Status.IN_FORCE, today=today)
        | Agreement.objects.with_status(Agreement.Status.EXPIRING, today=today)
    ).count()


def decision_count_waiting(*, user: User) -> int:
    """How many programmes the decision queue lists as waiting for ``user``: submitted
    programmes they work on with a partner country they decide for (any country, for an
    administrator) that has not decided on the version now before the countries. One query,
    for the navigation's badge on every page."""
    programmes = Programme.objects.filter(status=Programme.Status.SUBMITTED)
    partners = Partnership.objects.filter(programme=OuterRef("pk"))
    if not user.is_superuser:
        country_ids = role_ids(user).country_ids
        if not country_ids:
            return 0
        programmes = programmes.filter(
            programme_visibility(user=user), pk__in=programmes_worked_on(user=user)
        )
        partners = partners.filter(institution__country__in=country_ids)
    decided = Decision.objects.filter(
        programme=OuterRef("programme"),
        version=OuterRef("programme__current_version"),
        country=OuterRef("institution__country"),
    )
    return programmes.filter(Exists(partners.exclude(Exists(decided)))).count()


@dataclass(frozen=True)
class WorkWaiting:
    """What waits for a person to act: programmes waiting for the decision of a country they
    decide for, programmes of their institutions sent back with changes requested, and the
    amendments waiting for their decision (the ``desk`` app adds those)."""

    decisions: list[Programme]
    change_requests: list[Programme]
    amendments: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.decisions) + len(self.change_requests) + len(self.amendments)


def work_waiting(*, user: User) -> WorkWaiting:
    """What waits for ``user``; nothing for a reader without roles. A few queries, whatever
    the number of programmes: the candidates are submitted programmes of the person's countries
    or institutions, their decisions and versions read with them."""
    roles = role_ids(user)
    decisions, change_requests = [], []
    if roles.country_ids:
        candidates = (
            Programme.objects.filter(
                status=Programme.Status.SUBMITTED,
                partnerships__institution__country__in=roles.country_ids,
            )
            # Another national coordinator decides on a programme of one's own institution.
            .exclude(
                pk__in=Partnership.objects.filter(institution__in=roles.institution_ids).values(
                    "programme"
                )
            )
            .distinct()
            .order_by("starts_on", "pk")
            .prefetch_related(
                Prefetch("decisions", queryset=Decision.objects.standing()),
                Prefetch(
                    "partnerships", queryset=Partnership.objects.select_related("institution")
                ),
            )
        )
        for programme in candidates:
            decided = {
                decision.country_id
                for decision in programme.decisions.all()
                if decision.version_id == programme.current_version_id
            }
            mine = {p.institution.country_id for p in programme.partnerships.all()} & set(
                roles.country_ids
            )
            if mine - decided:
                decisions.append(programme)
    if roles.institution_ids:
        candidates = (
            Programme.objects.filter(
                status=Programme.Status.SUBMITTED,
                partnerships__institution__in=roles.institution_ids,
                decisions__decision=Decision.Kind.CHANGES_REQUESTED,
            )
            .distinct()
            .order_by("starts_on", "pk")
            .prefetch_related("decisions", "versions")
        )
        change_requests = [p for p in candidates if open_change_requests(p)]
    return WorkWaiting(decisions=decisions, change_requests=change_requests)
