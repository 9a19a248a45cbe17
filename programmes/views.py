"""Agreement and programme pages, and the coordinators' workspace for programmes.

Reading: a programme the user may not see is a 404, so a hidden draft looks like a missing one.
Writing: who may create, change, move along the workflow or decide is for
``programmes.permissions``; a page or step a user may see but not use answers 403, on GET and
POST alike. Every write goes through ``programmes.services``. A form with errors is shown again
with status 200; an edit refused because someone else saved the programme meanwhile, with
status 409 (Conflict), the person's input kept. Workflow steps are POST-only: each says what it
did, or why it could not, in a message on the programme page it redirects to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from rules import Predicate

from events.selectors import event_list_for_programme
from institutions.models import Country, Institution
from institutions.permissions import role_ids
from institutions.selectors import institution_list
from programmes import selectors, services
from programmes.exceptions import StaleVersion
from programmes.filters import AgreementFilter, ProgrammeFilter
from programmes.forms import (
    CancelForm,
    DecisionForm,
    NewPartnerFormSet,
    PartnerFormSet,
    ProgrammeChangeForm,
    ProgrammeForm,
    WorkflowStepForm,
)
from programmes.models import Agreement, Approval, Partnership, Programme
from programmes.permissions import (
    can_activate_programme,
    can_cancel_programme,
    can_change_programme,
    can_complete_programme,
    can_create_programme,
    can_decide_programme,
    can_reopen_programme,
    can_submit_programme,
    can_view_decisions,
    can_withdraw_programme,
)

# A programme page lists this many of its events; all of them are on the filtered event list.
EVENTS_SHOWN = 25
PARTNERS_PREFIX = "partners"

Status = Programme.Status
Decision = Approval.Decision


# ---------- agreements ----------


@require_safe
def agreement_list(request):
    filterset = AgreementFilter(
        request.GET, queryset=selectors.agreement_list(user=request.user), request=request
    )
    agreements = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(agreements, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "programmes/agreement_list.html", {"filter": filterset, "page_obj": page_obj}
    )


@require_safe
def agreement_detail(request, pk: int):
    try:
        agreement = selectors.agreement_get(user=request.user, pk=pk)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc
    programmes = selectors.programme_list_for_agreement(user=request.user, agreement=agreement)
    return render(
        request,
        "programmes/agreement_detail.html",
        {"agreement": agreement, "programmes": programmes},
    )


# ---------- reading programmes ----------


@require_safe
def programme_list(request):
    filterset = ProgrammeFilter(
        request.GET, queryset=selectors.programme_list(user=request.user), request=request
    )
    programmes = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(programmes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/programme_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "can_create": can_create_programme.test(request.user),
        },
    )


def _visible_programme(request, pk: int) -> Programme:
    try:
        return selectors.programme_get(user=request.user, pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


def _programme_page(programme: Programme):
    return redirect("programmes:detail", programme.pk)


@dataclass(frozen=True)
class WorkflowStep:
    """A step a person takes from the programme page: who may, what it calls, what it says."""

    name: str
    may: Predicate
    service: Callable
    label: Promise
    done: Promise
    icon: str
    button: str = "btn-outline-primary"
    form_class: type[WorkflowStepForm] = WorkflowStepForm

    @property
    def url_name(self) -> str:
        return f"programmes:{self.name}"


WORKFLOW_STEPS = {
    step.name: step
    for step in (
        WorkflowStep(
            "submit",
            can_submit_programme,
            services.programme_submit,
            gettext_lazy("Submit for approval"),
            gettext_lazy(
                "Submitted: the national coordinators of the participating countries were "
                "asked to decide."
            ),
            "send",
            "btn-primary",
        ),
        WorkflowStep(
            "withdraw",
            can_withdraw_programme,
            services.programme_withdraw,
            gettext_lazy("Withdraw to draft"),
            gettext_lazy(
                "Withdrawn: the programme is a draft again and its decisions were cleared."
            ),
            "arrow-counterclockwise",
        ),
        WorkflowStep(
            "reopen",
            can_reopen_programme,
            services.programme_reopen,
            gettext_lazy("Reopen as a draft"),
            gettext_lazy("Reopened: rework the programme and submit it again."),
            "arrow-repeat",
            "btn-primary",
        ),
        WorkflowStep(
            "activate",
            can_activate_programme,
            services.programme_activate,
            gettext_lazy("Start the programme"),
            gettext_lazy("The programme is active."),
            "play-circle",
            "btn-primary",
        ),
        WorkflowStep(
            "complete",
            can_complete_programme,
            services.programme_complete,
            gettext_lazy("Mark as completed"),
            gettext_lazy("The programme is completed."),
            "check2-circle",
            "btn-primary",
        ),
        WorkflowStep(
            "cancel",
            can_cancel_programme,
            services.programme_cancel,
            gettext_lazy("Cancel the programme"),
            gettext_lazy("The programme is cancelled."),
            "x-circle",
            "btn-outline-danger",
            CancelForm,
        ),
    )
}


def _deciding_countries(user, programme: Programme) -> list[Country]:
    """The user's countries taking part in ``programme``: those they may decide for."""
    participating = {
        partnership.institution.country for partnership in programme.partnerships.all()
    }
    own = role_ids(user).country_ids
    return sorted((c for c in participating if c.pk in own), key=lambda country: country.name)


def _render_programme(request, programme: Programme, *, decision_form=None):
    """The programme page, with the steps and the decision the user may take on it."""
    user = request.user
    events = event_list_for_programme(user=user, programme=programme)
    steps = [step for step in WORKFLOW_STEPS.values() if step.may.test(user, programme)]
    if decision_form is None and can_decide_programme.test(user, programme):
        decision_form = DecisionForm(countries=_deciding_countries(user, programme))
    context = {
        "programme": programme,
        "events": events[:EVENTS_SHOWN],
        "event_count": events.count(),
        "can_edit": can_change_programme.test(user, programme),
        "steps": [step for step in steps if step.name != "cancel"],
        "cancel_step": next((step for step in steps if step.name == "cancel"), None),
        "step_form": WorkflowStepForm(auto_id="step_%s"),
        "cancel_form": CancelForm(auto_id="cancel_%s"),
        "decision_form": decision_form,
        "changes_requested": [
            approval
            for approval in programme.approvals.all()
            if approval.decision == Decision.CHANGES_REQUESTED
        ],
    }
    return render(request, "programmes/programme_detail.html", context)


@require_safe
def programme_detail(request, pk: int):
    return _render_programme(request, _visible_programme(request, pk))


# ---------- creating and editing ----------


def _partner_institutions(*, user, programme: Programme | None = None) -> list[Institution]:
    """Institutions a partner row offers: the active ones, and the programme's own partners
    even when no longer active, so editing never drops them silently."""
    current = Q(partnerships__programme=programme) if programme is not None else Q(pk__in=[])
    return list(
        institution_list(user=user)
        .filter(Q(is_active=True) | current)
        .distinct()
        .order_by("country__name", "name", "pk")
    )


def _partner_initial(partnership: Partnership) -> dict:
    return {
        "institution": partnership.institution_id,
        "role": partnership.role,
        "contribution": partnership.contribution,
        "funding_amount": partnership.funding_amount,
        "funding_currency": partnership.funding_currency,
    }


def _show_refusal(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names when the form has it, else
    above the form (a partner's field, a rule spanning several fields)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _render_form(request, *, form, formset, programme=None, status=200):
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "formset": formset, "programme": programme},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def programme_create(request):
    user = request.user
    if not can_create_programme.test(user):
        raise PermissionDenied
    institutions = _partner_institutions(user=user)
    if request.method != "POST":
        own = [i.pk for i in institutions if i.pk in role_ids(user).institution_ids]
        lead = {"role": Partnership.Role.LEAD, "institution": own[0] if len(own) == 1 else None}
        form = ProgrammeForm()
        formset = NewPartnerFormSet(
            initial=[lead], user=user, institutions=institutions, prefix=PARTNERS_PREFIX
        )
        return _render_form(request, form=form, formset=formset)
    form = ProgrammeForm(request.POST)
    formset = NewPartnerFormSet(
        request.POST, user=user, institutions=institutions, prefix=PARTNERS_PREFIX
    )
    if all([form.is_valid(), formset.is_valid()]):
        try:
            programme = services.programme_create(
                actor=user, partners=formset.partner_rows(), **form.programme_fields()
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(
                request,
                _(
                    "The programme “%(title)s” was created as a draft. Submit it for approval "
                    "once its partners from both countries are in."
                )
                % {"title": programme.title},
            )
            return _programme_page(programme)
    return _render_form(request, form=form, formset=formset)


@require_http_methods(["GET", "HEAD", "POST"])
def programme_edit(request, pk: int):
    user = request.user
    programme = _visible_programme(request, pk)
    if not can_change_programme.test(user, programme):
        raise PermissionDenied
    partnerships = sorted(
        programme.partnerships.all(), key=lambda p: (p.role != Partnership.Role.LEAD,)
    )
    formset_kwargs = {
        "user": user,
        "institutions": _partner_institutions(user=user, programme=programme),
        "current_lead": next(
            (p.institution for p in partnerships if p.role == Partnership.Role.LEAD), None
        ),
        "prefix": PARTNERS_PREFIX,
    }
    if request.method != "POST":
        form = ProgrammeChangeForm(
            initial={
                **model_to_dict(programme, fields=ProgrammeForm.Meta.fields),
                "version": programme.version,
            }
        )
        formset = PartnerFormSet(
            initial=[_partner_initial(p) for p in partnerships], **formset_kwargs
        )
        return _render_form(request, form=form, formset=formset, programme=programme)
    form = ProgrammeChangeForm(request.POST)
    formset = PartnerFormSet(request.POST, **formset_kwargs)
    status = 200
    if all([form.is_valid(), formset.is_valid()]):
        try:
            saved = services.programme_update(
                programme=programme,
                actor=user,
                version=form.cleaned_data["version"],
                partners=formset.partner_rows(),
                **form.programme_fields(),
            )
        except StaleVersion as error:
            form.add_error(None, error)
            status = 409
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            if saved.returned_for_decision:
                messages.warning(
                    request,
                    _(
                        "Partners, dates or budget changed after submission: the decisions "
                        "were cleared and the programme is back with the national coordinators."
                    ),
                )
            elif saved.programme.version == form.cleaned_data["version"]:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    _("The programme “%(title)s” was saved.") % {"title": saved.programme.title},
                )
            return _programme_page(programme)
    return _render_form(request, form=form, formset=formset, programme=programme, status=status)


# ---------- the workflow ----------


def _workflow_view(step: WorkflowStep):
    @require_POST
    def take_step(request, pk: int):
        programme = _visible_programme(request, pk)
        if not step.may.test(request.user, programme):
            raise PermissionDenied
        form = step.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["comment"]))
            return _programme_page(programme)
        try:
            step.service(
                programme=programme, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, str(step.done))
        return _programme_page(programme)

    take_step.__name__ = take_step.__qualname__ = f"programme_{step.name}"
    take_step.__doc__ = f"POST only: the workflow step “{step.name}” on one programme."
    return take_step


programme_submit = _workflow_view(WORKFLOW_STEPS["submit"])
programme_withdraw = _workflow_view(WORKFLOW_STEPS["withdraw"])
programme_reopen = _workflow_view(WORKFLOW_STEPS["reopen"])
programme_activate = _workflow_view(WORKFLOW_STEPS["activate"])
programme_complete = _workflow_view(WORKFLOW_STEPS["complete"])
programme_cancel = _workflow_view(WORKFLOW_STEPS["cancel"])


# ---------- national decisions ----------


def _decision_message(approval: Approval, programme: Programme) -> str:
    country = approval.country.name
    if approval.decision == Decision.REJECTED:
        return _("Rejected on behalf of %(country)s: the programme is rejected.") % {
            "country": country
        }
    if approval.decision == Decision.CHANGES_REQUESTED:
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
    programme = _visible_programme(request, pk)
    if not can_decide_programme.test(user, programme):
        raise PermissionDenied
    form = DecisionForm(request.POST, countries=_deciding_countries(user, programme))
    if form.is_valid():
        try:
            approval = services.programme_decide(
                programme=programme,
                country=form.cleaned_data["country"],
                decision=form.cleaned_data["decision"],
                actor=user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _decision_message(approval, programme))
            return _programme_page(programme)
    # Shown again on the programme page, with the choice and the comment the person typed.
    return _render_programme(request, _visible_programme(request, pk), decision_form=form)


@dataclass(frozen=True)
class CountryDecision:
    country: Country
    approval: Approval | None


@dataclass(frozen=True)
class QueueEntry:
    """A submitted programme and, for each country the reader decides for, its decision."""

    programme: Programme
    decisions: list[CountryDecision]

    @property
    def waiting(self) -> bool:
        return any(decision.approval is None for decision in self.decisions)


def _queue_entry(programme: Programme, country_ids, everyone: bool) -> QueueEntry:
    approvals = {approval.country_id: approval for approval in programme.approvals.all()}
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
            Prefetch("approvals", queryset=Approval.objects.select_related("decided_by"))
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
