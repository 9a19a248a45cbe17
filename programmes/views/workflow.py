"""Workflow steps and national decisions: POST-only steps that redirect to the programme."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.forms import add_service_error
from institutions.models import Country
from institutions.permissions import role_ids
from programmes import selectors, services
from programmes.forms import (
    DecisionForm,
)
from programmes.models import Decision, Programme
from programmes.permissions import (
    can_decide_programme,
    can_view_decisions,
    decides_on_programme,
)
from programmes.steps import WORKFLOW_STEPS, WorkflowStep
from programmes.views.programmes import (
    deciding_countries,
    programme_page,
    render_programme,
    visible_programme,
)

Status = Programme.Status
Kind = Decision.Kind

# ---------- the workflow ----------


def _not_now(request, programme: Programme):
    """The answer to a step or decision that the programme's status no longer allows, sent by
    someone who may take it in another: another person took a step a moment before, or this is
    the second click. Nothing to do; the page shows where the programme stands."""
    messages.error(
        request,
        _("Nothing was done: the programme is “%(status)s” now.")
        % {"status": programme.get_status_display()},
    )
    return programme_page(programme)


def _workflow_view(step: WorkflowStep):
    @require_POST
    def take_step(request, pk: int):
        programme = visible_programme(request, pk)
        if not step.may.test(request.user, programme):
            if not step.who.test(request.user, programme):
                raise PermissionDenied
            return _not_now(request, programme)
        form = step.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["comment"]))
            return programme_page(programme)
        try:
            step.service(
                programme=programme, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, str(step.done))
        return programme_page(programme)

    take_step.__name__ = take_step.__qualname__ = f"programme_{step.name}"
    take_step.__doc__ = f"POST only: the workflow step “{step.name}” on one programme."
    return take_step


programme_submit = _workflow_view(WORKFLOW_STEPS["submit"])
programme_withdraw = _workflow_view(WORKFLOW_STEPS["withdraw"])
programme_reopen = _workflow_view(WORKFLOW_STEPS["reopen"])
programme_resubmit = _workflow_view(WORKFLOW_STEPS["resubmit"])
programme_activate = _workflow_view(WORKFLOW_STEPS["activate"])
programme_complete = _workflow_view(WORKFLOW_STEPS["complete"])
programme_cancel = _workflow_view(WORKFLOW_STEPS["cancel"])


# ---------- national decisions ----------


def _decision_message(approval: Decision, programme: Programme) -> str:
    country = str(approval.country)
    if approval.decision == Kind.REJECTED:
        return _("Rejected on behalf of %(country)s: the programme is rejected.") % {
            "country": country
        }
    if approval.decision == Kind.CHANGES_REQUESTED:
        return _(
            "Changes requested on behalf of %(country)s: the programme's coordinators were told."
        ) % {"country": country}
    if programme.status == Status.APPROVED:
        return _(
            "Approved on behalf of %(country)s. Every participating country has approved: the "
            "programme is approved."
        ) % {"country": country}
    return _(
        "Approved on behalf of %(country)s. The programme waits for the other countries' decisions."
    ) % {"country": country}


@require_POST
def programme_decide(request, pk: int):
    user = request.user
    programme = visible_programme(request, pk)
    if not can_decide_programme.test(user, programme):
        if not decides_on_programme.test(user, programme):
            raise PermissionDenied
        return _not_now(request, programme)
    form = DecisionForm(request.POST, countries=deciding_countries(user, programme))
    if form.is_valid():
        try:
            approval = services.programme_decide(
                programme=programme,
                country=form.cleaned_data["country"],
                decision=form.cleaned_data["decision"],
                actor=user,
                version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except services.StaleDecision as stale:
            # Shown the current version and what changed since the page the decision came from;
            # the person decides again, on what is now before them.
            current = visible_programme(request, pk)
            fresh = DecisionForm(
                initial={"comment": form.cleaned_data["comment"]},
                countries=deciding_countries(user, current),
                version=current.current_version.number,
            )
            return render_programme(
                request, current, decision_form=fresh, stale_decision=stale, status=409
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _decision_message(approval, programme))
            return programme_page(programme)
    # Shown again on the programme page, with the choice and the comment the person typed.
    return render_programme(request, visible_programme(request, pk), decision_form=form)


@dataclass(frozen=True)
class CountryDecision:
    country: Country
    approval: Decision | None


@dataclass(frozen=True)
class QueueEntry:
    """A submitted programme and, for each country the reader decides for, its decision."""

    programme: Programme
    decisions: list[CountryDecision]

    @property
    def waiting(self) -> bool:
        return any(decision.approval is None for decision in self.decisions)


def _queue_entry(programme: Programme, country_ids, everyone: bool) -> QueueEntry:
    # The decisions on the version now before the countries; older ones were superseded.
    approvals = {
        approval.country_id: approval
        for approval in programme.decisions.all()
        if approval.version_id == programme.current_version_id
    }
    countries = {
        p.institution.country_id: p.institution.country for p in programme.partnerships.all()
    }
    return QueueEntry(
        programme=programme,
        decisions=[
            CountryDecision(country=country, approval=approvals.get(country.pk))
            for country in sorted(countries.values(), key=lambda country: country.name)
            if everyone or country.pk in country_ids
        ],
    )


@require_safe
def decision_queue(request):
    """The national coordinators' desk: the submitted programmes involving their countries,
    those still waiting for one of their decisions first. An administrator sees every
    submitted programme, with every country's decision."""
    user = request.user
    if not can_view_decisions.test(user):
        raise PermissionDenied
    programmes = (
        (
            selectors.programme_list(user=user)
            if user.is_superuser
            else selectors.programme_list_worked_on(user=user)
        )
        .filter(status=Status.SUBMITTED)
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("decided_by"))
        )
    )
    entries = [
        entry
        for entry in (
            _queue_entry(programme, role_ids(user).country_ids, user.is_superuser)
            for programme in programmes
        )
        if entry.decisions
    ]
    return render(
        request,
        "programmes/decision_queue.html",
        {
            "waiting": [entry for entry in entries if entry.waiting],
            "decided": [entry for entry in entries if not entry.waiting],
            "is_administrator": user.is_superuser,
        },
    )
