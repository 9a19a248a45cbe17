import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from institutions.models import Country, Institution
from programmes.models import (
    Agreement,
    AgreementParty,
    Approval,
    Partnership,
    Programme,
    ProgrammeTransition,
)

Status = Programme.Status

# The workflow's edges. Whether a given person may take one is decided by the permission
# predicates; the services only keep the programme on these edges.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.SUBMITTED: frozenset({Status.DRAFT, Status.APPROVED, Status.REJECTED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.SUBMITTED, Status.ACTIVE, Status.CANCELLED}),
    Status.ACTIVE: frozenset({Status.COMPLETED, Status.CANCELLED}),
    Status.REJECTED: frozenset({Status.DRAFT}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}


@transaction.atomic
def agreement_create(
    *,
    actor: User | None,
    title: str,
    kind: str,
    signed_on: datetime.date,
    parties: list[Institution],
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    reference: str = "",
    summary: str = "",
) -> Agreement:
    """Record an agreement between at least two distinct parties; it is in force from signing
    unless ``valid_from`` says otherwise."""
    if len(set(parties)) < 2:
        raise ValidationError(_("An agreement needs at least two different parties."))
    agreement = Agreement(
        title=title,
        kind=kind,
        signed_on=signed_on,
        valid_from=valid_from or signed_on,
        valid_until=valid_until,
        reference=reference,
        summary=summary,
    )
    agreement.full_clean()
    agreement._history_user = actor
    agreement.save()
    for institution in dict.fromkeys(parties):
        AgreementParty.objects.create(agreement=agreement, institution=institution)
    return agreement


@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    lead: Institution,
    title: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    summary: str = "",
    agreement: Agreement | None = None,
    budget_amount: Decimal | None = None,
    budget_currency: str = "",
    enrolled_students: int | None = None,
    at: datetime.datetime | None = None,
) -> Programme:
    """Create a draft programme led by ``lead``; partners are added with ``partnership_add``.
    ``at`` dates the opening of the draft when it was started before being entered here."""
    programme = Programme(
        title=title,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        summary=summary,
        agreement=agreement,
        budget_amount=budget_amount,
        budget_currency=budget_currency,
        enrolled_students=enrolled_students,
        created_by=actor,
    )
    programme.full_clean()
    programme._history_user = actor
    programme.save()
    Partnership.objects.create(programme=programme, institution=lead, role=Partnership.Role.LEAD)
    ProgrammeTransition.objects.create(
        programme=programme,
        from_status="",
        to_status=Status.DRAFT,
        actor=actor,
        at=at or timezone.now(),
    )
    return programme


def partnership_add(
    *,
    actor: User | None,
    programme: Programme,
    institution: Institution,
    contribution: str = "",
    funding_amount: Decimal | None = None,
    funding_currency: str = "",
) -> Partnership:
    """Add ``institution`` as a partner (not the lead) of ``programme``."""
    partnership = Partnership(
        programme=programme,
        institution=institution,
        role=Partnership.Role.PARTNER,
        contribution=contribution,
        funding_amount=funding_amount,
        funding_currency=funding_currency,
    )
    partnership.full_clean()
    partnership.save()
    return partnership


@transaction.atomic
def programme_transition(
    *,
    programme: Programme,
    to_status: str,
    actor: User | None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> ProgrammeTransition:
    """Move ``programme`` along one edge of the workflow and record who, when and why. ``at``
    records a step taken earlier (on paper, or before the programme was entered); default now."""
    from_status = (
        Programme.objects.select_for_update().values_list("status", flat=True).get(pk=programme.pk)
    )
    if to_status not in Status.values:
        raise ValidationError(_("%(status)s is not a programme status.") % {"status": to_status})
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise ValidationError(
            _("A programme cannot go from %(from)s to %(to)s.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    programme.status = to_status
    programme._history_user = actor
    programme.save(update_fields=["status", "updated_at"])
    return ProgrammeTransition.objects.create(
        programme=programme,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        comment=comment,
        at=at or timezone.now(),
    )


def approval_record(
    *,
    programme: Programme,
    country: Country,
    decision: str,
    actor: User | None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Approval:
    """Record ``country``'s decision on the current version of ``programme``; a later decision of
    the same country replaces the earlier one. ``at`` records a decision taken earlier."""
    if not programme.partnerships.filter(institution__country=country).exists():
        raise ValidationError(
            _("%(country)s is not a participant of this programme.") % {"country": country}
        )
    approval = Approval.objects.filter(programme=programme, country=country).first() or Approval(
        programme=programme, country=country
    )
    approval.decision = decision
    approval.decided_by = actor
    approval.decided_at = at or timezone.now()
    approval.comment = comment
    approval.full_clean()
    approval.save()
    return approval
