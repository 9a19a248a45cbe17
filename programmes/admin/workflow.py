"""The programme workflow in the admin. Each step of ``programmes.steps`` is an action on the
programme list and a button on the programme's page, taken with the site's predicate, service
and form. A step that needs words first (a cancellation's reason) and a decision taken on paper
ask for them on a page of their own, a plain form: no script is needed anywhere."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import is_staff_member
from core.forms import add_service_error
from institutions.models import Country
from institutions.permissions import is_coordinator, is_national_coordinator, role_ids
from programmes.forms import PaperDecisionForm
from programmes.models import Programme
from programmes.permissions import can_record_decision
from programmes.selectors import participating_countries
from programmes.services import programme_decide
from programmes.steps import WORKFLOW_STEPS, StepPage, WorkflowStep

# A step is offered on the list, for the selected programmes, and on a programme's own page.
EVERYWHERE = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
# The name a programme's page posts its action under (Django's action form, prefixed by place).
CHANGE_FORM_ACTION = f"{admin.ActionLocation.CHANGE_FORM.value}-action"
# Posted by a step's own page once its questions are answered.
CONFIRM = "_confirm"

# A national decision is no step of the table: it names a country and a decision, and the
# programme's next state depends on the other countries' decisions.
RECORD_DECISION_PAGE = StepPage(
    title=_("Record a decision taken on paper"),
    intro=_(
        "A decision recorded here counts as the country's decision: a rejection rejects the "
        "programme, and the last approval of the participating countries approves it."
    ),
    submit_label=_("Record the decision"),
)
DECISION_RECORDED = _(
    "The decision of %(country)s on “%(programme)s” was recorded (%(decision)s); the programme "
    "is %(status)s."
)
DECISION_FAILED = _("No decision was recorded on “%(programme)s”: %(reason)s")
# The name of the action, as its method is named.
RECORD_DECISION = "record_decision"


def action_name(step: WorkflowStep) -> str:
    return f"{step.name}_programmes"


def workflow_action(step: WorkflowStep):
    """The admin action taking ``step`` on the programmes chosen."""

    @admin.action(
        description=step.label,
        description_plural=step.admin_list_label,
        permissions=["workflow"],
        location=EVERYWHERE,
    )
    def take(modeladmin, request, queryset):
        return modeladmin.take_step(request, list(queryset), step)

    take.__name__ = take.__qualname__ = action_name(step)
    return take


WORKFLOW_ACTIONS = [workflow_action(step) for step in WORKFLOW_STEPS.values()]


def status_of(programme: Programme) -> str:
    return programme.get_status_display().lower()


class ProgrammeWorkflowMixin:
    """The workflow's actions and buttons, for the programme admin: ``WORKFLOW_ACTIONS`` and
    ``record_decision`` among its ``actions``."""

    workflow_step_template = "admin/programmes/programme/workflow_step.html"

    # --- Who is offered the steps at all; each programme is then asked its predicate ---------

    def has_workflow_permission(self, request) -> bool:
        user = request.user
        return is_staff_member(user) and (user.is_superuser or is_coordinator.test(user))

    def has_decide_permission(self, request) -> bool:
        user = request.user
        return is_staff_member(user) and (user.is_superuser or is_national_coordinator.test(user))

    # --- Taking a step -------------------------------------------------------------------------

    def take_step(self, request, programmes: list[Programme], step: WorkflowStep):
        """Take ``step`` on each programme in turn and tell the user, programme by programme,
        what happened: a refusal of one does not stop the others. A step with a page of its own
        asks its form first, unless no programme is open to it."""
        form = None
        if step.admin_page is not None and any(
            step.may.test(request.user, programme) for programme in programmes
        ):
            form = step.form_class(request.POST if CONFIRM in request.POST else None)
            if not form.is_valid():
                return self.step_page(request, action_name(step), step.admin_page, programmes, form)
        comment = form.cleaned_data["comment"] if form is not None else ""
        for programme in programmes:
            if not step.may.test(request.user, programme):
                self.refuse(request, programme, step.admin_failed)
                continue
            try:
                step.service(programme=programme, actor=request.user, comment=comment)
            except ValidationError as error:
                if form is not None and hasattr(error, "error_dict"):
                    # The answer will not do (a reason left empty): asked again, as typed. The
                    # service checks the answer first, so no programme was changed with it.
                    add_service_error(form, error)
                    return self.step_page(
                        request, action_name(step), step.admin_page, programmes, form
                    )
                self.tell_failure(request, programme, step.admin_failed, " ".join(error.messages))
            else:
                self.message_user(
                    request, step.admin_done % {"programme": programme}, messages.SUCCESS
                )
        return None

    @admin.action(
        description=_("Record a decision taken on paper…"),
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
        if not can_record_decision.test(request.user, programme):
            self.refuse(request, programme, DECISION_FAILED)
            return None
        asked = CONFIRM in request.POST
        form = PaperDecisionForm(
            request.POST if asked else None,
            request.FILES if asked else None,
            countries=self.countries_deciding(request.user, programme),
            version=programme.current_version.number if programme.current_version else None,
        )
        if form.is_valid():
            try:
                approval = programme_decide(
                    programme=programme,
                    country=form.cleaned_data["country"],
                    decision=form.cleaned_data["decision"],
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                    paper=form.paper_letter(),
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    self.tell_failure(request, programme, DECISION_FAILED, " ".join(error.messages))
                    return None
                # An answer that will not do: asked again on the same page, as typed.
                add_service_error(form, error)
            else:
                self.message_user(
                    request,
                    DECISION_RECORDED
                    % {
                        "country": str(approval.country),
                        "programme": programme,
                        "decision": approval.get_decision_display().lower(),
                        "status": status_of(programme),
                    },
                    messages.SUCCESS,
                )
                return None
        return self.step_page(request, RECORD_DECISION, RECORD_DECISION_PAGE, [programme], form)

    def refuse(self, request, programme: Programme, failed: str) -> None:
        reason = gettext("you may not take this step on a programme that is %(status)s.") % {
            "status": status_of(programme)
        }
        self.tell_failure(request, programme, failed, reason)

    def tell_failure(self, request, programme: Programme, failed: str, reason: str) -> None:
        self.message_user(
            request, failed % {"programme": programme, "reason": reason}, messages.ERROR
        )

    def countries_deciding(self, user, programme: Programme) -> list[Country]:
        """The participating countries whose decision ``user`` may record: any of them for a
        superuser, their own for a national coordinator."""
        countries = participating_countries(programme)
        if user.is_superuser:
            return countries
        own = role_ids(user).country_ids
        return [country for country in countries if country.pk in own]

    def step_page(self, request, action: str, page: StepPage, programmes, form):
        """The page a step asks its questions on. It posts back to where the step was chosen
        (the list or the programme's page) with the same action and selection."""
        from_page = CHANGE_FORM_ACTION in request.POST
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": page.title,
            "opts": self.opts,
            "programmes": programmes,
            "form": form,
            "intro": page.intro,
            "submit_label": page.submit_label,
            "action_field": CHANGE_FORM_ACTION if from_page else "action",
            "action_name": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "confirm_field": CONFIRM,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, self.workflow_step_template, context)

    # --- The buttons on a programme's page -----------------------------------------------------

    def workflow_buttons(self, request, programme: Programme) -> list[tuple[str, str]]:
        """The name and label of each action of the programme's page open to the user on it."""
        open_to_user = {
            action_name(step)
            for step in WORKFLOW_STEPS.values()
            if step.may.test(request.user, programme)
        }
        if can_record_decision.test(request.user, programme):
            open_to_user.add(RECORD_DECISION)
        offered = self.get_actions(request, action_location=admin.ActionLocation.CHANGE_FORM)
        return [
            (name, action.description) for name, action in offered.items() if name in open_to_user
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            context.update(
                workflow_actions=self.workflow_buttons(request, obj),
                workflow_action_field=CHANGE_FORM_ACTION,
                # The buttons replace the admin's drop-down of actions on this page.
                action_form=None,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
