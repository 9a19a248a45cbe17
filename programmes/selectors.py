"""Scoped reads of agreements and programmes.

Who sees what (DESIGN.md): a *draft* programme, with its events, is seen only by coordinators
of its partner institutions, national coordinators of those institutions' countries and
superusers; once it leaves draft, every signed-in user sees it. Agreements are visible to every
signed-in user. Every read of programmes goes through ``programme_visibility`` so lists, detail
pages, filter choices and other apps (events) apply the same rule.
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from institutions.models import Country, Institution, Membership, NationalCoordinator
from programmes.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Approval,
    Partnership,
    Programme,
    ProgrammeTransition,
)


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
    """One programme ``user`` may see, with partners, approvals and status changes loaded;
    raises ``Programme.DoesNotExist`` otherwise, so a hidden draft looks like a missing one.
    Its events come from ``programme_events``."""
    return (
        programme_list(user=user)
        .prefetch_related(
            Prefetch(
                "approvals", queryset=Approval.objects.select_related("country", "decided_by")
            ),
            Prefetch(
                "transitions",
                queryset=ProgrammeTransition.objects.select_related("actor").order_by("at", "pk"),
            ),
        )
        .get(pk=pk)
    )


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
