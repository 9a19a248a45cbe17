"""The workflow in the admin: actions on the programme list and buttons on a programme's page,
each calling its service; partners and scope changed in the admin go through programme_update;
a stale page is refused."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from events.models import Event
from events.services import event_update
from programmes.models import Approval, Partnership, Programme
from programmes.services import programme_transition, programme_update
from tests.admin import ALMATY, TASHKENT, FormFields, admin_url, form_data
from tests.factories import (
    ApprovalFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status
STALE = (
    "Someone else changed this record while you were editing it. Your changes were not saved: "
    "reload the page to see the current version, then make them again."
)
PAGE_ACTION = "CHANGE_FORM-action"


def run_action(client, action: str, programmes, **data):
    """Choose ``action`` for ``programmes`` on the list, as its drop-down and "Go" do."""
    return client.post(
        admin_url(Programme, "changelist"),
        {"action": action, "index": "0", "_selected_action": [p.pk for p in programmes], **data},
    )


def answer_step(client, url: str, action_field: str, action: str, programmes, **answers):
    """Send a step's own page back with ``answers``, as its form does."""
    return client.post(
        url,
        {
            action_field: action,
            "_selected_action": [p.pk for p in programmes],
            "_confirm": "yes",
            **answers,
        },
    )


def answer_on_list(client, action: str, programmes, **answers):
    return answer_step(
        client, admin_url(Programme, "changelist"), "action", action, programmes, **answers
    )


def page_form(response, form_id: str) -> dict[str, list[str]]:
    """What a browser posts from the form ``form_id`` of ``response``'s page."""
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def steps_recorded(programme: Programme) -> list[tuple]:
    return [
        (step.from_status, step.to_status, step.actor, step.comment)
        for step in programme.transitions.all()
    ]


def buttons(response) -> list[str]:
    return re.findall(rf'name="{PAGE_ACTION}" value="(\w+)"', response.content.decode())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(gallery, theatre):
    return joint_programme(
        uz=gallery, kz=theatre, title="Film programme Tea", status=Status.SUBMITTED
    )


# --- Steps without questions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "action", "after", "told"),
    [
        (Status.DRAFT, "submit_programmes", Status.SUBMITTED, "was submitted for approval."),
        (Status.SUBMITTED, "withdraw_programmes", Status.DRAFT, "was withdrawn to draft."),
        (Status.REJECTED, "reopen_programmes", Status.DRAFT, "was reopened as a draft."),
        (Status.APPROVED, "activate_programmes", Status.ACTIVE, "has started."),
        (Status.ACTIVE, "complete_programmes", Status.COMPLETED, "was completed."),
    ],
)
def test_each_step_on_the_list_calls_its_service(
    admin_client, admin_user, gallery, theatre, before, action, after, told
):
    programme = joint_programme(uz=gallery, kz=theatre, title="Days of culture", status=before)

    response = run_action(admin_client, action, [programme])

    programme.refresh_from_db()
    assert response["Location"] == admin_url(Programme, "changelist")
    assert (programme.status, programme.version) == (after, 2)
    assert steps_recorded(programme) == [(before, after, admin_user, "")]
    assert messages_of(response) == [f"“Days of culture” {told}"]


def test_submitting_clears_earlier_decisions(admin_client, abay_programme, kazakhstan):
    ApprovalFactory(programme=abay_programme, country=kazakhstan)

    run_action(admin_client, "submit_programmes", [abay_programme])

    assert (abay_programme.approvals.count(), abay_programme.transitions.count()) == (0, 1)


def test_a_refusal_of_the_service_is_told_and_changes_nothing(admin_client, gallery):
    national_only = joint_programme(
        uz=gallery,
        kz=InstitutionFactory(name="Navoi Theatre", country=gallery.country),
        title="Uzbek theatre week",
    )

    response = run_action(admin_client, "submit_programmes", [national_only])

    assert messages_of(response) == [
        "“Uzbek theatre week” was not submitted: A joint programme needs partners from at least "
        "two countries before it is submitted."
    ]
    national_only.refresh_from_db()
    assert (national_only.status, steps_recorded(national_only)) == (Status.DRAFT, [])


def test_a_step_not_open_to_the_user_is_refused_programme_by_programme(
    gallery, theatre, abay_programme
):
    partner = UserFactory(username="kz.coordinator", is_staff=True)
    MembershipFactory(user=partner, institution=theatre)
    approved = joint_programme(
        uz=gallery, kz=theatre, title="Film programme Tea", status=Status.APPROVED
    )

    response = run_action(client_for(partner), "activate_programmes", [approved, abay_programme])

    # The list's order: by start, then title.
    assert messages_of(response) == [
        "“Days of culture, 2022” was not started: you may not take this step on a programme "
        "that is draft.",
        "“Film programme Tea” was not started: you may not take this step on a programme that "
        "is approved.",
    ]
    approved.refresh_from_db()
    assert (approved.status, steps_recorded(approved)) == (Status.APPROVED, [])


# --- Buttons on the programme's page ------------------------------------------------------------


def test_the_page_offers_the_steps_open_to_its_reader(
    abay_programme, submitted, admin_client, theatre
):
    partner = UserFactory(username="kz.coordinator", is_staff=True)
    MembershipFactory(user=partner, institution=theatre)
    draft_url = admin_url(Programme, "change", abay_programme.pk)
    submitted_url = admin_url(Programme, "change", submitted.pk)

    assert buttons(admin_client.get(draft_url)) == ["submit_programmes"]
    assert buttons(admin_client.get(submitted_url)) == [
        "withdraw_programmes",
        "cancel_programmes",
        "record_decision",
    ]
    # Cancelling is for the lead's coordinators, deciding for the national coordinators.
    assert buttons(client_for(partner).get(submitted_url)) == ["withdraw_programmes"]


def test_a_button_takes_the_step_and_comes_back_to_the_page(
    admin_client, admin_user, abay_programme
):
    url = admin_url(Programme, "change", abay_programme.pk)

    response = admin_client.post(
        url, {PAGE_ACTION: "submit_programmes", "_selected_action": abay_programme.pk}
    )

    assert response["Location"] == url
    assert steps_recorded(abay_programme) == [(Status.DRAFT, Status.SUBMITTED, admin_user, "")]
    assert messages_of(response) == ["“Days of culture, 2022” was submitted for approval."]


# --- Cancelling: a reason is asked for --------------------------------------------------------


def test_cancelling_asks_for_a_reason_first(admin_client, submitted):
    response = run_action(admin_client, "cancel_programmes", [submitted])

    assert response.templates[0].name == "admin/programmes/programme/workflow_step.html"
    assert (list(response.context["programmes"]), response.context["form"].is_bound) == (
        [submitted],
        False,
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_cancelling_with_a_reason_records_it(admin_client, admin_user, submitted):
    response = answer_on_list(
        admin_client,
        "cancel_programmes",
        [submitted],
        comment="The gallery closes for renovation.",
    )

    assert response["Location"] == admin_url(Programme, "changelist")
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED
    assert steps_recorded(submitted) == [
        (Status.SUBMITTED, Status.CANCELLED, admin_user, "The gallery closes for renovation.")
    ]
    assert messages_of(response) == ["“Film programme Tea” was cancelled."]


def test_cancelling_without_a_reason_changes_nothing(admin_client, submitted):
    response = answer_on_list(admin_client, "cancel_programmes", [submitted], comment="  ")

    assert response.context["form"].errors == {"comment": ["Say why the programme is cancelled."]}
    submitted.refresh_from_db()
    assert (submitted.status, steps_recorded(submitted)) == (Status.SUBMITTED, [])


def test_cancelling_from_the_page_comes_back_to_it(admin_client, admin_user, submitted):
    url = admin_url(Programme, "change", submitted.pk)
    page = admin_client.get(url)
    button = {**page_form(page, "workflow_form"), PAGE_ACTION: ["cancel_programmes"]}

    asked = admin_client.post(url, button)
    answer = {**page_form(asked, "workflow_step_form"), "comment": ["Funding withdrawn."]}
    answered = admin_client.post(url, answer)

    assert answered["Location"] == url
    assert steps_recorded(submitted) == [
        (Status.SUBMITTED, Status.CANCELLED, admin_user, "Funding withdrawn.")
    ]


def test_cancelling_from_the_list_through_its_page(admin_client, admin_user, submitted):
    asked = run_action(admin_client, "cancel_programmes", [submitted])
    answer = {**page_form(asked, "workflow_step_form"), "comment": ["Funding withdrawn."]}

    answered = admin_client.post(admin_url(Programme, "changelist"), answer)

    assert answered["Location"] == admin_url(Programme, "changelist")
    assert steps_recorded(submitted) == [
        (Status.SUBMITTED, Status.CANCELLED, admin_user, "Funding withdrawn.")
    ]


def test_cancelling_what_cannot_be_cancelled_asks_nothing(admin_client, gallery, theatre):
    completed = joint_programme(
        uz=gallery, kz=theatre, title="Education Days 2025", status=Status.COMPLETED
    )

    response = run_action(admin_client, "cancel_programmes", [completed])

    assert response["Location"] == admin_url(Programme, "changelist")
    assert messages_of(response) == [
        "“Education Days 2025” was not cancelled: you may not take this step on a programme "
        "that is completed."
    ]


# --- Decisions taken on paper ----------------------------------------------------------------


def decide(client, programme, **answers):
    return answer_on_list(client, "record_decision", [programme], **answers)


def test_a_decision_taken_on_paper_keeps_its_date(
    admin_client, admin_user, submitted, kazakhstan, uzbekistan
):
    kazakh = decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Approval.Decision.APPROVED,
        comment="Signed by the Minister of Culture.",
        decided_on="2026-03-02",
    )
    uzbek = decide(
        admin_client,
        submitted,
        country=uzbekistan.pk,
        decision=Approval.Decision.APPROVED,
        decided_on="2026-03-05",
    )

    assert [(a.country, a.decided_by, a.decided_at) for a in submitted.approvals.all()] == [
        (kazakhstan, admin_user, datetime.datetime(2026, 3, 2, 12, 0, tzinfo=ALMATY)),
        (uzbekistan, admin_user, datetime.datetime(2026, 3, 5, 12, 0, tzinfo=TASHKENT)),
    ]
    approval_step = submitted.transitions.get()
    assert (approval_step.to_status, approval_step.actor, approval_step.at) == (
        Status.APPROVED,
        admin_user,
        datetime.datetime(2026, 3, 5, 12, 0, tzinfo=TASHKENT),
    )
    assert kazakh["Location"] == admin_url(Programme, "changelist")
    # Messages wait until a page shows them: the second answer carries both.
    assert messages_of(uzbek) == [
        "The decision of Kazakhstan on “Film programme Tea” was recorded (approved); the "
        "programme is submitted.",
        "The decision of Uzbekistan on “Film programme Tea” was recorded (approved); the "
        "programme is approved.",
    ]


def test_a_decision_cannot_be_dated_in_the_future(admin_client, submitted, kazakhstan):
    response = decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Approval.Decision.APPROVED,
        decided_on="2099-01-01",
    )

    assert response.context["form"].errors == {
        "decided_on": ["A decision taken on paper cannot be dated in the future."]
    }
    assert submitted.approvals.exists() is False


def test_a_rejection_without_a_reason_is_asked_again_with_the_input_kept(
    admin_client, submitted, kazakhstan
):
    response = decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Approval.Decision.REJECTED,
        decided_on="2026-03-02",
    )

    form = response.context["form"]
    assert form.errors == {"comment": ["Say why, so that the coordinators know what to change."]}
    assert (form["decision"].value(), form["decided_on"].value()) == ("rejected", "2026-03-02")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approvals.exists()) == (Status.SUBMITTED, False)


def test_a_decision_is_recorded_for_one_programme_at_a_time(
    admin_client, submitted, gallery, theatre
):
    other = joint_programme(
        uz=gallery, kz=theatre, title="Joint research in humanities", status=Status.SUBMITTED
    )

    response = run_action(admin_client, "record_decision", [submitted, other])

    assert messages_of(response) == ["Record a decision for one programme at a time."]


def test_a_national_coordinator_records_their_own_countrys_decision_only(
    submitted, kazakhstan, uzbekistan
):
    national = UserFactory(username="kz.national", is_staff=True)
    NationalCoordinatorFactory(user=national, country=kazakhstan)
    client = client_for(national)
    url = admin_url(Programme, "change", submitted.pk)

    page = client.get(url)
    asked = client.post(url, {PAGE_ACTION: "record_decision", "_selected_action": submitted.pk})
    for_uzbekistan = answer_step(
        client,
        url,
        PAGE_ACTION,
        "record_decision",
        [submitted],
        country=uzbekistan.pk,
        decision=Approval.Decision.APPROVED,
    )

    assert (page.context["has_change_permission"], buttons(page)) == (False, ["record_decision"])
    assert list(asked.context["form"].fields["country"].queryset) == [kazakhstan]
    assert for_uzbekistan.context["form"].errors == {
        "country": ["You do not decide for this country here."]
    }
    assert submitted.approvals.exists() is False


# --- Partners and scope through programme_update -----------------------------------------------


@pytest.fixture
def approved(submitted, kazakhstan, uzbekistan):
    programme_transition(programme=submitted, to_status=Status.APPROVED, actor=None)
    ApprovalFactory(programme=submitted, country=kazakhstan)
    ApprovalFactory(programme=submitted, country=uzbekistan)
    submitted.refresh_from_db()
    return submitted


def add_partner_row(data: dict[str, list[str]], institution) -> None:
    index = int(data["partnerships-TOTAL_FORMS"][0])
    data["partnerships-TOTAL_FORMS"] = [str(index + 1)]
    data[f"partnerships-{index}-institution"] = [str(institution.pk)]
    data[f"partnerships-{index}-role"] = [Partnership.Role.PARTNER]


def test_a_new_partner_after_approval_sends_the_programme_back_for_decision(
    admin_client, admin_user, approved, kyrgyzstan
):
    philharmonic = InstitutionFactory(name="Kyrgyz National Philharmonic", country=kyrgyzstan)
    url = admin_url(Programme, "change", approved.pk)
    data = form_data(admin_client.get(url), Programme)
    add_partner_row(data, philharmonic)

    response = admin_client.post(url, data)

    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Status.SUBMITTED
    assert approved.approvals.exists() is False
    assert philharmonic in approved.institutions.all()
    assert steps_recorded(approved)[-1] == (
        Status.APPROVED,
        Status.SUBMITTED,
        admin_user,
        "Changed after submission: the national coordinators decide again.",
    )
    assert messages_of(response) == [
        "The partners, dates or budget of “Film programme Tea” changed after it was submitted: "
        "the national decisions were cleared and it waits for the national coordinators again.",
        f'The programme “<a href="{url}">Film programme Tea</a>” was changed successfully.',
    ]


def test_a_new_end_date_after_approval_sends_it_back_too(admin_client, approved):
    url = admin_url(Programme, "change", approved.pk)
    data = form_data(admin_client.get(url), Programme)
    data["ends_on"] = ["2026-11-30"]

    admin_client.post(url, data)

    approved.refresh_from_db()
    assert (approved.ends_on, approved.status, approved.approvals.exists()) == (
        datetime.date(2026, 11, 30),
        Status.SUBMITTED,
        False,
    )


def test_a_stale_page_is_refused_with_the_input_kept(admin_client, admin_user, abay_programme):
    url = admin_url(Programme, "change", abay_programme.pk)
    data = form_data(admin_client.get(url), Programme)
    programme_update(
        programme=abay_programme, actor=admin_user, version=1, summary="Changed meanwhile."
    )
    data["title"] = ["Days of culture, 2022 and 2023"]

    response = admin_client.post(url, data)

    form = response.context["adminform"].form
    assert (response.status_code, form.non_field_errors()) == (200, [STALE])
    assert form["title"].value() == "Days of culture, 2022 and 2023"
    abay_programme.refresh_from_db()
    assert (abay_programme.title, abay_programme.summary) == (
        "Days of culture, 2022",
        "Changed meanwhile.",
    )


def test_a_change_the_service_refuses_is_shown_on_the_form(admin_client, gallery, theatre):
    active = joint_programme(
        uz=gallery, kz=theatre, title="Film programme Tea", status=Status.ACTIVE
    )
    url = admin_url(Programme, "change", active.pk)
    data = form_data(admin_client.get(url), Programme)
    data["ends_on"] = ["2026-11-30"]

    response = admin_client.post(url, data)

    assert response.context["adminform"].form.non_field_errors() == [
        "The partners, dates and budget of an active programme are fixed."
    ]
    active.refresh_from_db()
    assert (active.ends_on, active.version) == (datetime.date(2026, 12, 31), 1)


def test_a_stale_event_page_is_refused(admin_client, admin_user, abay_exhibition):
    url = admin_url(Event, "change", abay_exhibition.pk)
    data = form_data(admin_client.get(url), Event)
    event_update(event=abay_exhibition, actor=admin_user, description="Changed meanwhile.")
    data["title"] = ["Abay: Heritage of Two Peoples"]

    response = admin_client.post(url, data)

    assert response.context["adminform"].form.non_field_errors() == [STALE]
    abay_exhibition.refresh_from_db()
    assert abay_exhibition.title == "Abay. Heritage of Fraternal Peoples"
