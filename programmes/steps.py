"""The steps of a programme's workflow, once for the site and the admin: who may take each (the
permission predicate), the service that takes it, the form its comment is given on, and what
each place says of it.

The site takes a step on the programme's page and says what became of the programme; the admin
takes it on the programmes selected in its list or from a programme's page, so it names each
programme in what it says, and asks for what a step cannot go without (a cancellation's reason)
on a page of its own first.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rules import Predicate

from programmes import services
from programmes.forms import CancelForm, ResubmitForm, WorkflowStepForm
from programmes.permissions import (
    can_activate_programme,
    can_cancel_programme,
    can_complete_programme,
    can_reopen_programme,
    can_resubmit_programme,
    can_submit_programme,
    can_withdraw_programme,
    takes_approval_steps,
    takes_lead_steps,
)


@dataclass(frozen=True, kw_only=True)
class StepPage:
    """The admin's page for a step that asks something before it is taken."""

    title: Promise
    intro: Promise
    submit_label: Promise


@dataclass(frozen=True, kw_only=True)
class WorkflowStep:
    """One step of a programme's workflow, as the site and the admin offer it."""

    name: str
    # Who takes the step in some status, and whether this person may take it now.
    who: Predicate
    may: Predicate
    # Called as service(programme=, actor=, comment=).
    service: Callable
    form_class: type[WorkflowStepForm] = WorkflowStepForm
    # The button, on the site and on the admin's programme page.
    label: Promise
    # The site: the button's look, and what the person is told once the step is taken.
    icon: str
    button: str = "btn-outline-primary"
    done: Promise
    # The admin: the action on its list, and what it says of each programme (%(programme)s,
    # and the %(reason)s of a refusal).
    admin_list_label: Promise
    admin_done: Promise
    admin_failed: Promise
    # None: the admin takes the step at once, without a comment.
    admin_page: StepPage | None = None

    @property
    def url_name(self) -> str:
        return f"programmes:{self.name}"


WORKFLOW_STEPS = {
    step.name: step
    for step in (
        WorkflowStep(
            name="submit",
            who=takes_approval_steps,
            may=can_submit_programme,
            service=services.programme_submit,
            label=_("Submit for approval"),
            icon="send",
            button="btn-primary",
            done=_(
                "Submitted: the national coordinators of the participating countries were "
                "asked to decide."
            ),
            admin_list_label=_("Submit the selected programmes for approval"),
            admin_done=_("“%(programme)s” was submitted for approval."),
            admin_failed=_("“%(programme)s” was not submitted: %(reason)s"),
        ),
        WorkflowStep(
            name="withdraw",
            who=takes_approval_steps,
            may=can_withdraw_programme,
            service=services.programme_withdraw,
            label=_("Withdraw to draft"),
            icon="arrow-counterclockwise",
            done=_(
                "Withdrawn: the programme is a draft again. Submitted again, it is a new version "
                "for the countries to decide on."
            ),
            admin_list_label=_("Withdraw the selected programmes to draft"),
            admin_done=_("“%(programme)s” was withdrawn to draft."),
            admin_failed=_("“%(programme)s” was not withdrawn: %(reason)s"),
        ),
        WorkflowStep(
            name="resubmit",
            who=takes_approval_steps,
            may=can_resubmit_programme,
            service=services.programme_resubmit,
            form_class=ResubmitForm,
            label=_("Resubmit with the changes"),
            icon="send-check",
            button="btn-primary",
            done=_(
                "Resubmitted: the national coordinators decide on the new version, and were told."
            ),
            admin_list_label=_("Resubmit the selected programmes with their changes…"),
            admin_done=_("“%(programme)s” was resubmitted."),
            admin_failed=_("“%(programme)s” was not resubmitted: %(reason)s"),
            admin_page=StepPage(
                title=_("Resubmit programmes"),
                intro=_(
                    "A country requested changes. Say what was changed: the national "
                    "coordinators decide on the programme again as a new version."
                ),
                submit_label=_("Resubmit"),
            ),
        ),
        WorkflowStep(
            name="reopen",
            who=takes_approval_steps,
            may=can_reopen_programme,
            service=services.programme_reopen,
            label=_("Reopen as a draft"),
            icon="arrow-repeat",
            button="btn-primary",
            done=_("Reopened: rework the programme and submit it again."),
            admin_list_label=_("Reopen the selected programmes as drafts"),
            admin_done=_("“%(programme)s” was reopened as a draft."),
            admin_failed=_("“%(programme)s” was not reopened: %(reason)s"),
        ),
        WorkflowStep(
            name="activate",
            who=takes_lead_steps,
            may=can_activate_programme,
            service=services.programme_activate,
            label=_("Start the programme"),
            icon="play-circle",
            button="btn-primary",
            done=_("The programme is active."),
            admin_list_label=_("Start the selected programmes"),
            admin_done=_("“%(programme)s” has started."),
            admin_failed=_("“%(programme)s” was not started: %(reason)s"),
        ),
        WorkflowStep(
            name="complete",
            who=takes_lead_steps,
            may=can_complete_programme,
            service=services.programme_complete,
            label=_("Mark as completed"),
            icon="check2-circle",
            button="btn-primary",
            done=_("The programme is completed."),
            admin_list_label=_("Complete the selected programmes"),
            admin_done=_("“%(programme)s” was completed."),
            admin_failed=_("“%(programme)s” was not completed: %(reason)s"),
        ),
        WorkflowStep(
            name="cancel",
            who=takes_lead_steps,
            may=can_cancel_programme,
            service=services.programme_cancel,
            form_class=CancelForm,
            label=_("Cancel the programme"),
            icon="x-circle",
            button="btn-outline-danger",
            done=_("The programme is cancelled."),
            admin_list_label=_("Cancel the selected programmes…"),
            admin_done=_("“%(programme)s” was cancelled."),
            admin_failed=_("“%(programme)s” was not cancelled: %(reason)s"),
            admin_page=StepPage(
                title=_("Cancel programmes"),
                intro=_(
                    "Cancelling stops a programme for good: it cannot be reopened. The reason is "
                    "recorded with the cancellation."
                ),
                submit_label=_("Cancel the programmes"),
            ),
        ),
    )
}
