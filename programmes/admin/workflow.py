"""The programme workflow in the admin. Each step is an action on the programme list and a button
on the programme's page, and each calls the service the site calls, after the site's predicate
says the user may take it. Steps that need words (a cancellation's reason, a decision taken on
paper) ask for them on a page of their own, a plain form: no script is needed anywhere."""

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

import rules
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import is_staff_member
from core.forms import add_service_error
from institutions.models import Country
from institutions.permissions import (
    is_administrator,
    is_coordinator,
    is_national_coordinator,
    is_signed_in,
    role_ids,
)
from programmes.models import Approval, Programme
from programmes.permissions import (
    can_activate_programme,
    can_cancel_programme,
    can_complete_programme,
    can_decide_programme,
    can_reopen_programme,
    can_submit_programme,
    can_withdraw_programme,
    is_submitted,
)
from programmes.selectors import participating_countries
from programmes.services import (
    programme_activate,
    programme_cancel,
    programme_complete,
    programme_decide,
    programme_reopen,
    programme_submit,
    programme_withdraw,
)

# A step is offered on the list, for the selected programmes, and on a programme's own page.
EVERYWHERE = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
# The name a programme's page posts its action under (Django's action form, prefixed by place).
CHANGE_FORM_ACTION = f"{admin.ActionLocation.CHANGE_FORM.value}-action"
# Posted by a step's own page once its questions are answered.
CONFIRM = "_confirm"
# A decision dated on paper is put at noon on that day at the country's clock: the same day on
# every clock of the region, whichever zone reads it.
PAPER_DECISION_TIME = datetime.time(12, 0)

# An administrator records the decision a country took on paper on any submitted programme; a
# national coordinator records their own country's, as they may decide on the site.
can_record_decision = is_signed_in & ((is_administrator & is_submitted) | can_decide_programme)


@dataclass(frozen=True)
class WorkflowStep:
    """One step as the admin offers it: the action's name, the button, who may take it (the
    site's predicate), the service that takes it and what the user is told."""

    action: str
    label: str
    allowed: rules.Predicate
    service: Callable | None
    done: str
    failed: str


SUBMIT = WorkflowStep(
    "submit_programmes",
    _("Submit for approval"),
    can_submit_programme,
    programme_submit,
    _("“%(programme)s” was submitted for approval."),
    _("“%(programme)s” was not submitted: %(reason)s"),
)
WITHDRAW = WorkflowStep(
    "withdraw_programmes",
    _("Withdraw to draft"),
    can_withdraw_programme,
    programme_withdraw,
    _("“%(programme)s” was withdrawn to draft."),
    _("“%(programme)s” was not withdrawn: %(reason)s"),
)
REOPEN = WorkflowStep(
    "reopen_programmes",
    _("Reopen as a draft"),
    can_reopen_programme,
    programme_reopen,
    _("“%(programme)s” was reopened as a draft."),
    _("“%(programme)s” was not reopened: %(reason)s"),
)
ACTIVATE = WorkflowStep(
    "activate_programmes",
    _("Start"),
    can_activate_programme,
    programme_activate,
    _("“%(programme)s” has started."),
    _("“%(programme)s” was not started: %(reason)s"),
)
COMPLETE = WorkflowStep(
    "complete_programmes",
    _("Complete"),
    can_complete_programme,
    programme_complete,
    _("“%(programme)s” was completed."),
    _("“%(programme)s” was not completed: %(reason)s"),
)
CANCEL = WorkflowStep(
    "cancel_programmes",
    _("Cancel…"),
    can_cancel_programme,
    programme_cancel,
    _("“%(programme)s” was cancelled."),
    _("“%(programme)s” was not cancelled: %(reason)s"),
)
DECIDE = WorkflowStep(
    "record_decision",
    _("Record a decision taken on paper…"),
    can_record_decision,
    programme_decide,
    _(
        "The decision of %(country)s on “%(programme)s” was recorded (%(decision)s); the "
        "programme is %(status)s."
    ),
    _("No decision was recorded on “%(programme)s”: %(reason)s"),
)

WORKFLOW_STEPS = [SUBMIT, WITHDRAW, REOPEN, ACTIVATE, COMPLETE, CANCEL, DECIDE]
WORKFLOW_ACTIONS = [step.action for step in WORKFLOW_STEPS]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why the programme is cancelled.")},
        help_text=_("Recorded with the cancellation; every partner reads it."),
    )


class DecisionForm(forms.Form):
    """A country's decision as its paper says it: who, what, why and on which day."""

    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Approval.Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required to reject or to request changes: the coordinators read it."),
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The day the decision was taken; empty: today."),
    )

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        if len(countries) == 1:
            self.initial.setdefault("country", countries[0])

    def clean(self):
        cleaned_data = super().clean()
        country, day = cleaned_data.get("country"), cleaned_data.get("decided_on")
        if country and day and day > timezone.localdate(timezone=zone_of(country)):
            self.add_error(
                "decided_on", gettext("A decision taken on paper cannot be dated in the future.")
            )
        return cleaned_data

    def decided_at(self) -> datetime.datetime | None:
        """The moment the decision is recorded at: noon on the day given, at the country's
        clock, or now when that noon is still to come; None (now) without a day."""
        day = self.cleaned_data["decided_on"]
        if day is None:
            return None
        noon = datetime.datetime.combine(
            day, PAPER_DECISION_TIME, tzinfo=zone_of(self.cleaned_data["country"])
        )
        return min(noon, timezone.now())


def zone_of(country: Country) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(country.time_zone)


def status_of(programme: Programme) -> str:
    return programme.get_status_display().lower()


class ProgrammeWorkflowMixin:
    """The workflow's actions and buttons, for the programme admin."""

    workflow_step_template = "admin/programmes/programme/workflow_step.html"

    # --- Who is offered the steps at all; each programme is then asked its predicate ---------

    def has_workflow_permission(self, request) -> bool:
        user = request.user
        return is_staff_member(user) and (user.is_superuser or is_coordinator.test(user))

    def has_decide_permission(self, request) -> bool:
        user = request.user
        return is_staff_member(user) and (user.is_superuser or is_national_coordinator.test(user))

    # --- The actions ---------------------------------------------------------------------------

    @admin.action(
        description=SUBMIT.label,
        description_plural=_("Submit the selected programmes for approval"),
        permissions=["workflow"],
        location=EVERYWHERE,
    )
    def submit_programmes(self, request, queryset):
        self.take_step(request, queryset, SUBMIT)

    @admin.action(
        description=WITHDRAW.label,
        description_plural=_("Withdraw the selected programmes to draft"),
        permissions=["workflow"],
        location=EVERYWHERE,
    )
    def withdraw_programmes(self, request, queryset):
        self.take_step(request, queryset, WITHDRAW)

    @admin.action(
        description=REOPEN.label,
        description_plural=_("Reopen the selected programmes as drafts"),
        permissions=["workflow"],
        location=EVERYWHERE,
    )
    def reopen_programmes(self, request, queryset):
        self.take_step(request, queryset, REOPEN)

    @admin.action(
        description=ACTIVATE.label,
        description_plural=_("Start the selected programmes"),
        permissions=["workflow"],
        location=EVERYWHERE,
    )
    def activate_programmes(self, request, queryset):
        self.take_step(request, queryset, ACTIVATE)

    @admin.action(
        description=COMPLETE.label,
        description_plural=_("Complete the selected programmes"),
        permissions=["workflow"],
        location=EVERYWHERE,
    )
    def complete_programmes(self, request, queryset):
        self.take_step(request, queryset, COMPLETE)

    @admin.action(
        description=CANCEL.label,
        description_plural=_("Cancel the selected programmes…"),
        permissions=["workflow"],
        location=EVERYWHERE,
    )
    def cancel_programmes(self, request, queryset):
        programmes = list(queryset)
        if not any(CANCEL.allowed.test(request.user, programme) for programme in programmes):
            # Nothing to ask a reason for.
            self.take_step(request, programmes, CANCEL)
            return None
        form = CancelForm(request.POST if CONFIRM in request.POST else None)
        if form.is_valid():
            self.take_step(request, programmes, CANCEL, comment=form.cleaned_data["reason"])
            return None
        return self.step_page(
            request,
            CANCEL,
            programmes,
            form,
            title=gettext("Cancel programmes"),
            intro=gettext(
                "Cancelling stops a programme for good: it cannot be reopened. The reason is "
                "recorded with the cancellation."
            ),
            submit_label=gettext("Cancel the programmes"),
        )

    @admin.action(
        description=DECIDE.label,
        description_plural=_("Record a decision taken on paper…"),
        permissions=["decide"],
        location=EVERYWHERE,
    )
    def record_decision(self, request, queryset):
        programmes = list(queryset[:2])
        if len(programmes) != 1:
            self.message_user(
                request,
                gettext("Record a decision for one programme at a time."),
                messages.WARNING,
            )
            return None
        (programme,) = programmes
        if not DECIDE.allowed.test(request.user, programme):
            self.refuse(request, programme, DECIDE)
            return None
        form = DecisionForm(
            request.POST if CONFIRM in request.POST else None,
            countries=self.countries_deciding(request.user, programme),
        )
        if form.is_valid():
            try:
                approval = programme_decide(
                    programme=programme,
                    country=form.cleaned_data["country"],
                    decision=form.cleaned_data["decision"],
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                    at=form.decided_at(),
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    self.tell_failure(request, programme, DECIDE, " ".join(error.messages))
                    return None
                # A missing reason: asked for again on the same page, with what was typed.
                add_service_error(form, error)
            else:
                self.message_user(
                    request,
                    DECIDE.done
                    % {
                        "country": str(approval.country),
                        "programme": programme,
                        "decision": approval.get_decision_display().lower(),
                        "status": status_of(programme),
                    },
                    messages.SUCCESS,
                )
                return None
        return self.step_page(
            request,
            DECIDE,
            [programme],
            form,
            title=gettext("Record a decision taken on paper"),
            intro=gettext(
                "A decision recorded here counts as the country's decision: a rejection rejects "
                "the programme, and the last approval of the participating countries approves it."
            ),
            submit_label=gettext("Record the decision"),
        )

    # --- Taking a step -------------------------------------------------------------------------

    def take_step(self, request, programmes, step: WorkflowStep, comment: str = "") -> None:
        """Take ``step`` on each programme in turn and tell the user, programme by programme,
        what happened: a refusal of one does not stop the others."""
        for programme in programmes:
            if not step.allowed.test(request.user, programme):
                self.refuse(request, programme, step)
                continue
            try:
                step.service(programme=programme, actor=request.user, comment=comment)
            except ValidationError as error:
                self.tell_failure(request, programme, step, " ".join(error.messages))
            else:
                self.message_user(request, step.done % {"programme": programme}, messages.SUCCESS)

    def refuse(self, request, programme: Programme, step: WorkflowStep) -> None:
        reason = gettext("you may not take this step on a programme that is %(status)s.") % {
            "status": status_of(programme)
        }
        self.tell_failure(request, programme, step, reason)

    def tell_failure(self, request, programme: Programme, step: WorkflowStep, reason: str) -> None:
        self.message_user(
            request, step.failed % {"programme": programme, "reason": reason}, messages.ERROR
        )

    def countries_deciding(self, user, programme: Programme):
        """The participating countries whose decision ``user`` may record: any of them for a
        superuser, their own for a national coordinator."""
        countries = Country.objects.filter(
            pk__in=[country.pk for country in participating_countries(programme)]
        ).order_by("name")
        if user.is_superuser:
            return countries
        return countries.filter(pk__in=role_ids(user).country_ids)

    def step_page(self, request, step, programmes, form, *, title, intro, submit_label):
        """The page a step asks its questions on. It posts back to where the step was chosen
        (the list or the programme's page) with the same action and selection."""
        from_page = CHANGE_FORM_ACTION in request.POST
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "programmes": programmes,
            "form": form,
            "intro": intro,
            "submit_label": submit_label,
            "action_field": CHANGE_FORM_ACTION if from_page else "action",
            "action_name": step.action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "confirm_field": CONFIRM,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, self.workflow_step_template, context)

    # --- The buttons on a programme's page -----------------------------------------------------

    def workflow_buttons(self, request, programme: Programme) -> list[WorkflowStep]:
        offered = self.get_actions(request, action_location=admin.ActionLocation.CHANGE_FORM)
        return [
            step
            for step in WORKFLOW_STEPS
            if step.action in offered and step.allowed.test(request.user, programme)
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            context.update(
                workflow_steps=self.workflow_buttons(request, obj),
                workflow_action_field=CHANGE_FORM_ACTION,
                # The buttons replace the admin's drop-down of actions on this page.
                action_form=None,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
