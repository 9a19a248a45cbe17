"""The bilateral workflow: draft → submitted → approved → active → completed, plus rejected and
cancelled. A programme is approved when every participating country's national coordinator
approved its current version. Every step is recorded: who, when, from, to and why.

Whether a person may take a step is for the permission predicates; these services keep the
programme on the workflow's edges and enforce what must hold whoever acts.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.caching import changes_content
from institutions.models import Country
from programmes import notifications
from programmes.models import Approval, Programme, ProgrammeTransition
from programmes.selectors import participating_countries

Status = Programme.Status
Decision = Approval.Decision


@changes_content
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
    records a step taken earlier (on paper, or before the programme was entered); default now.
    The programme's version rises, so an edit begun before the step is refused."""
    from_status, version = (
        Programme.objects.select_for_update().values_list("status", "version").get(pk=programme.pk)
    )
    if to_status not in Status.values:
        raise ValidationError(_("%(status)s is not a programme status.") % {"status": to_status})
    if to_status not in Status.transitions[from_status]:
        raise ValidationError(
            _("A programme cannot go from %(from)s to %(to)s.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    programme.status = to_status
    programme.version = version + 1
    programme._history_user = actor
    programme.save(update_fields=["status", "version", "updated_at"])
    return ProgrammeTransition.objects.create(
        programme=programme,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        comment=comment,
        at=at or timezone.now(),
    )


@changes_content
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


def _require_status(programme: Programme, status: str, message: str) -> None:
    """Lock the programme and refuse the step unless it stands at ``status``. Some steps share
    an edge of the workflow with another (withdrawing and reopening both lead to draft;
    submitting and a return for decision both lead to submitted), so the edge alone would let
    one step be taken from the other's status: an approved programme submitted again would
    lose its approvals."""
    current = (
        Programme.objects.select_for_update().values_list("status", flat=True).get(pk=programme.pk)
    )
    if current != status:
        raise ValidationError(message)


def _require_comment(comment: str, message: str) -> str:
    if not comment.strip():
        raise ValidationError({"comment": message})
    return comment.strip()


@changes_content
@transaction.atomic
def programme_submit(
    *, programme: Programme, actor: User | None, comment: str = ""
) -> ProgrammeTransition:
    """Send a draft to the national coordinators of every participating country, who are told
    by e-mail once the change is saved. A joint programme has partners of two countries."""
    _require_status(programme, Status.DRAFT, _("Only a draft can be submitted."))
    countries = participating_countries(programme)
    if len(countries) < 2:
        raise ValidationError(
            _(
                "A joint programme needs partners from at least two countries before it is "
                "submitted."
            )
        )
    programme.approvals.all().delete()
    transition = programme_transition(
        programme=programme, to_status=Status.SUBMITTED, actor=actor, comment=comment
    )
    notifications.programme_submitted(programme=programme, countries=countries)
    return transition


@changes_content
@transaction.atomic
def programme_withdraw(
    *, programme: Programme, actor: User | None, comment: str = ""
) -> ProgrammeTransition:
    """Take a submitted programme back into draft; the decisions taken so far are cleared."""
    _require_status(programme, Status.SUBMITTED, _("Only a submitted programme can be withdrawn."))
    transition = programme_transition(
        programme=programme, to_status=Status.DRAFT, actor=actor, comment=comment
    )
    programme.approvals.all().delete()
    return transition


@changes_content
@transaction.atomic
def programme_reopen(
    *, programme: Programme, actor: User | None, comment: str = ""
) -> ProgrammeTransition:
    """Take a rejected programme back into draft, to rework and submit again."""
    _require_status(programme, Status.REJECTED, _("Only a rejected programme can be reopened."))
    transition = programme_transition(
        programme=programme, to_status=Status.DRAFT, actor=actor, comment=comment
    )
    programme.approvals.all().delete()
    return transition


@changes_content
@transaction.atomic
def programme_decide(
    *,
    programme: Programme,
    country: Country,
    decision: str,
    actor: User | None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Approval:
    """Record one country's decision on a submitted programme. A rejection rejects the
    programme; the last approval of the participating countries approves it; a request for
    changes keeps it submitted until the coordinators change it. The programme's coordinators are
    told by e-mail once the decision is saved."""
    programme.refresh_from_db(fields=["status", "version"])
    if programme.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted programme can be decided on."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve, reject or request changes.")})
    if decision != Decision.APPROVED:
        comment = _require_comment(
            comment, _("Say why, so that the coordinators know what to change.")
        )
    approval = approval_record(
        programme=programme,
        country=country,
        decision=decision,
        actor=actor,
        comment=comment,
        at=at,
    )
    countries = participating_countries(programme)
    if decision == Decision.REJECTED:
        programme_transition(
            programme=programme,
            to_status=Status.REJECTED,
            actor=actor,
            comment=_("Rejected by %(country)s: %(comment)s")
            % {"country": str(country), "comment": comment},
            at=at,
        )
    elif decision == Decision.APPROVED and set(
        programme.approvals.filter(decision=Decision.APPROVED).values_list("country", flat=True)
    ) >= {c.pk for c in countries}:
        programme_transition(
            programme=programme,
            to_status=Status.APPROVED,
            actor=actor,
            comment=_("Approved by every participating country: %(countries)s.")
            % {"countries": ", ".join(c.name for c in countries)},
            at=at,
        )
    else:
        # The decision alone is a new version for anyone editing the programme.
        Programme.objects.filter(pk=programme.pk).update(version=programme.version + 1)
        programme.version += 1
    notifications.programme_decided(programme=programme, approval=approval)
    return approval


@changes_content
@transaction.atomic
def programme_return_for_decision(*, programme: Programme, actor: User | None, reason: str) -> bool:
    """After a change that needs a new decision, clear the decisions and put the programme back
    before the national coordinators, who are told by e-mail. Returns whether anything was
    cleared or moved, so the editor can be told."""
    had_decisions = programme.approvals.exists()
    programme.approvals.all().delete()
    if programme.status == Status.APPROVED:
        programme_transition(
            programme=programme, to_status=Status.SUBMITTED, actor=actor, comment=reason
        )
    elif had_decisions:
        ProgrammeTransition.objects.create(
            programme=programme,
            from_status=Status.SUBMITTED,
            to_status=Status.SUBMITTED,
            actor=actor,
            comment=reason,
        )
    else:
        return False
    notifications.programme_submitted(
        programme=programme, countries=participating_countries(programme), again=True
    )
    return True


@changes_content
def programme_activate(
    *, programme: Programme, actor: User | None, comment: str = ""
) -> ProgrammeTransition:
    """An approved programme starts."""
    return programme_transition(
        programme=programme, to_status=Status.ACTIVE, actor=actor, comment=comment
    )


@changes_content
def programme_complete(
    *, programme: Programme, actor: User | None, comment: str = ""
) -> ProgrammeTransition:
    """An active programme has held its events and is closed."""
    return programme_transition(
        programme=programme, to_status=Status.COMPLETED, actor=actor, comment=comment
    )


@changes_content
def programme_cancel(
    *, programme: Programme, actor: User | None, comment: str
) -> ProgrammeTransition:
    """Stop a programme for good; the reason is required and recorded."""
    comment = _require_comment(comment, _("Say why the programme is cancelled."))
    return programme_transition(
        programme=programme, to_status=Status.CANCELLED, actor=actor, comment=comment
    )
