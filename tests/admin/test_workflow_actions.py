"""The workflow in the admin: actions on the programme list and buttons on a programme's page,
each calling its service; partners and scope changed in the admin go through programme_update;
a stale page is refused."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from events.models import Event
from events.services import event_update
from programmes.models import Decision, Partnership, Programme, ProgrammeVersion
from programmes.services import programme_update
from tests.admin import ALMATY, TASHKENT, FormFields, admin_url, form_data
from tests.factories import (
    DecisionFactory,
    EventFactory,
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


# The day the programme was put before the countries: a letter is dated from it to today.
SUBMITTED_AT = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=TASHKENT)


@pytest.fixture
def submitted(gallery, theatre):
    programme = joint_programme(
        uz=gallery, kz=theatre, title="Film programme Tea", status=Status.SUBMITTED
    )
    ProgrammeVersion.objects.filter(pk=programme.current_version.pk).update(created_at=SUBMITTED_AT)
    programme.refresh_from_db()
    return programme


# --- Steps without questions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "action", "after", "version", "told"),
    [
        # Submitting is a step and a new version put before the countries: each raises it.
        (Status.DRAFT, "submit_programmes", Status.SUBMITTED, 3, "was submitted for approval."),
        (Status.SUBMITTED, "withdraw_programmes", Status.DRAFT, 2, "was withdrawn to draft."),
        (Status.REJECTED, "reopen_programmes", Status.DRAFT, 2, "was reopened as a draft."),
        (Status.APPROVED, "activate_programmes", Status.ACTIVE, 2, "has started."),
        (Status.ACTIVE, "complete_programmes", Status.COMPLETED, 2, "was completed."),
    ],
)
def test_each_step_on_the_list_calls_its_service(
    admin_client, admin_user, gallery, theatre, before, action, after, version, told
):
    programme = joint_programme(uz=gallery, kz=theatre, title="Days of culture", status=before)

    response = run_action(admin_client, action, [programme])

    programme.refresh_from_db()
    assert response["Location"] == admin_url(Programme, "changelist")
    assert (programme.status, programme.version) == (after, version)
    assert steps_recorded(programme) == [(before, after, admin_user, "")]
    assert messages_of(response) == [f"“Days of culture” {told}"]


def test_submitting_supersedes_earlier_decisions(admin_client, abay_programme, kazakhstan):
    DecisionFactory(programme=abay_programme, country=kazakhstan)

    run_action(admin_client, "submit_programmes", [abay_programme])

    abay_programme.refresh_from_db()
    assert [
        (d.country.code, d.decision, d.version.number, d.superseded_by.number)
        for d in abay_programme.decisions.all()
    ] == [("KZ", Decision.Kind.APPROVED, 1, 2)]
    assert (abay_programme.current_version.number, abay_programme.transitions.count()) == (2, 1)


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

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def decide(client, programme, **answers):
    """Answer the paper decision's page for ``programme``, with the version it shows."""
    return answer_on_list(
        client,
        "record_decision",
        [programme],
        **{"version": programme.current_version.number, **answers},
    )


def paper_rows(programme) -> list[tuple]:
    return [
        (
            d.country.code,
            d.decision,
            d.version.number,
            d.on_paper,
            d.registry_number,
            d.letter_date,
            d.decided_by,
            d.recorded_by,
            d.decided_at,
        )
        for d in programme.decisions.order_by("decided_at", "pk")
    ]


def test_the_paper_decision_page_asks_for_the_letter(admin_client, submitted):
    asked = run_action(admin_client, "record_decision", [submitted])

    form = asked.context["form"]
    assert (list(form.fields), form.is_bound) == (
        ["country", "decision", "comment", "registry_number", "letter_date", "letter", "version"],
        False,
    )
    assert [name for name, field in form.fields.items() if field.required] == [
        "country",
        "decision",
        "registry_number",
        "letter_date",
        "version",
    ]
    assert page_form(asked, "workflow_step_form")["version"] == ["1"]


def test_a_decision_taken_on_paper_is_dated_by_its_letter(
    admin_client, admin_user, submitted, kazakhstan, uzbekistan
):
    kazakh = decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.APPROVED,
        comment="Signed by the Minister of Culture.",
        registry_number="02-14/3187",
        letter_date="2026-03-02",
    )
    uzbek = decide(
        admin_client,
        submitted,
        country=uzbekistan.pk,
        decision=Decision.Kind.APPROVED,
        registry_number="01/2-455",
        letter_date="2026-03-05",
    )

    kz_noon = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=ALMATY)
    uz_noon = datetime.datetime(2026, 3, 5, 12, 0, tzinfo=TASHKENT)
    assert paper_rows(submitted) == [
        (
            "KZ",
            Decision.Kind.APPROVED,
            1,
            True,
            "02-14/3187",
            datetime.date(2026, 3, 2),
            None,
            admin_user,
            kz_noon,
        ),
        (
            "UZ",
            Decision.Kind.APPROVED,
            1,
            True,
            "01/2-455",
            datetime.date(2026, 3, 5),
            None,
            admin_user,
            uz_noon,
        ),
    ]
    assert submitted.decisions.get(country=kazakhstan).comment == (
        "Signed by the Minister of Culture."
    )
    approval_step = submitted.transitions.get()
    assert (approval_step.to_status, approval_step.actor, approval_step.at) == (
        Status.APPROVED,
        admin_user,
        uz_noon,
    )
    assert kazakh["Location"] == admin_url(Programme, "changelist")
    # Messages wait until a page shows them: the second answer carries both.
    assert messages_of(uzbek) == [
        "The decision of Kazakhstan on “Film programme Tea” was recorded (approved); the "
        "programme is submitted.",
        "The decision of Uzbekistan on “Film programme Tea” was recorded (approved); the "
        "programme is approved.",
    ]


def test_a_letter_dated_today_is_not_dated_after_now(
    admin_client, admin_user, submitted, kazakhstan
):
    today = timezone.localdate(timezone=ALMATY)
    before = timezone.now()

    decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.APPROVED,
        registry_number="02-14/3187",
        letter_date=today.isoformat(),
    )

    decision = submitted.decisions.get()
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=ALMATY)
    assert (decision.letter_date, decision.on_paper) == (today, True)
    # Noon of the letter's day at Almaty, unless that is still to come: then the moment recorded.
    if noon <= before:
        assert decision.decided_at == noon
    else:
        assert before <= decision.decided_at < noon


def test_the_scanned_letter_is_kept_with_the_decision(admin_client, submitted, kazakhstan):
    decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.APPROVED,
        registry_number="02-14/3187",
        letter_date="2026-03-02",
        letter=SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    )

    decision = submitted.decisions.get()
    assert decision.letter.name.startswith(f"decisions/{submitted.pk}/")
    with decision.letter.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    "letter_date",
    [datetime.date(2026, 2, 28), None],
    ids=["before the submission", "tomorrow"],
)
def test_a_letter_dated_outside_submission_to_today_is_refused(
    admin_client, submitted, kazakhstan, letter_date
):
    today = timezone.localdate(timezone=ALMATY)
    letter_date = letter_date or today + datetime.timedelta(days=1)

    response = decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.APPROVED,
        registry_number="02-14/3187",
        letter_date=letter_date.isoformat(),
    )

    assert response.context["form"].errors == {
        "letter_date": [
            "A decision on this version is dated from its submission (2026-03-01) to today "
            f"({today.isoformat()})."
        ]
    }
    assert submitted.decisions.exists() is False


def test_a_paper_decision_without_its_letter_is_asked_again(admin_client, submitted, kazakhstan):
    response = decide(
        admin_client, submitted, country=kazakhstan.pk, decision=Decision.Kind.APPROVED
    )

    assert response.context["form"].errors == {
        "registry_number": ["This field is required."],
        "letter_date": ["This field is required."],
    }
    assert submitted.decisions.exists() is False


def test_a_paper_decision_on_a_version_no_longer_current_is_refused(
    admin_client, admin_user, submitted, kazakhstan
):
    asked = run_action(admin_client, "record_decision", [submitted])
    shown = page_form(asked, "workflow_step_form")["version"]
    programme_update(
        programme=submitted,
        actor=admin_user,
        version=submitted.version,
        ends_on=datetime.date(2026, 11, 30),
    )

    response = decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.APPROVED,
        registry_number="02-14/3187",
        letter_date="2026-03-02",
        version=shown,
    )

    assert shown == ["1"]
    assert messages_of(response) == [
        "No decision was recorded on “Film programme Tea”: Someone else changed this record "
        "while you were editing it. Your changes were not saved: reload the page to see the "
        "current version, then make them again."
    ]
    assert submitted.decisions.exists() is False


def test_a_rejection_without_a_reason_is_asked_again_with_the_input_kept(
    admin_client, submitted, kazakhstan
):
    response = decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.REJECTED,
        registry_number="02-14/3187",
        letter_date="2026-03-02",
    )

    form = response.context["form"]
    assert form.errors == {"comment": ["Say why, so that the coordinators know what to change."]}
    assert (
        form["decision"].value(),
        form["registry_number"].value(),
        form["letter_date"].value(),
    ) == ("rejected", "02-14/3187", "2026-03-02")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decisions.exists()) == (Status.SUBMITTED, False)


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
        decision=Decision.Kind.APPROVED,
        version=1,
        registry_number="01/2-455",
        letter_date="2026-03-05",
    )

    assert (page.context["has_change_permission"], buttons(page)) == (False, ["record_decision"])
    assert list(asked.context["form"].fields["country"].queryset) == [kazakhstan]
    assert for_uzbekistan.context["form"].errors == {
        "country": ["You do not decide for this country here."]
    }
    assert submitted.decisions.exists() is False


def test_a_national_coordinator_of_a_partner_records_no_decision_on_it(
    submitted, kazakhstan, theatre
):
    national = UserFactory(username="kz.national", is_staff=True)
    NationalCoordinatorFactory(user=national, country=kazakhstan)
    MembershipFactory(user=national, institution=theatre)
    client = client_for(national)

    page = client.get(admin_url(Programme, "change", submitted.pk))
    response = decide(
        client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.APPROVED,
        registry_number="02-14/3187",
        letter_date="2026-03-02",
    )

    assert "record_decision" not in buttons(page)
    assert messages_of(response) == [
        "No decision was recorded on “Film programme Tea”: you may not take this step on a "
        "programme that is submitted."
    ]
    assert submitted.decisions.exists() is False


def test_an_administrator_coordinating_a_partner_records_the_countrys_letter(
    admin_client, admin_user, submitted, kazakhstan, theatre
):
    MembershipFactory(user=admin_user, institution=theatre)

    decide(
        admin_client,
        submitted,
        country=kazakhstan.pk,
        decision=Decision.Kind.APPROVED,
        registry_number="02-14/3187",
        letter_date="2026-03-02",
    )

    assert [(d.country.code, d.on_paper, d.recorded_by) for d in submitted.decisions.all()] == [
        ("KZ", True, admin_user)
    ]


# --- Partners and scope through programme_update -----------------------------------------------


def add_partner_row(data: dict[str, list[str]], institution) -> None:
    index = int(data["partnerships-TOTAL_FORMS"][0])
    data["partnerships-TOTAL_FORMS"] = [str(index + 1)]
    data[f"partnerships-{index}-institution"] = [str(institution.pk)]
    data[f"partnerships-{index}-role"] = [Partnership.Role.PARTNER]


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


@pytest.mark.parametrize("status", [Status.APPROVED, Status.ACTIVE])
def test_a_change_of_what_was_approved_is_refused_on_the_form(
    admin_client, gallery, theatre, kyrgyzstan, status
):
    programme = joint_programme(uz=gallery, kz=theatre, title="Film programme Tea", status=status)
    philharmonic = InstitutionFactory(name="Kyrgyz National Philharmonic", country=kyrgyzstan)
    url = admin_url(Programme, "change", programme.pk)
    data = form_data(admin_client.get(url), Programme)
    data["ends_on"] = ["2026-11-30"]
    add_partner_row(data, philharmonic)

    response = admin_client.post(url, data)

    assert response.context["adminform"].form.non_field_errors() == [
        f"This programme is {status}: what the countries approved — its partners, dates and "
        "budget, its events' dates, places, hosts and whether they go ahead — changes only "
        "through an amendment that every participating country approves."
    ]
    programme.refresh_from_db()
    assert (programme.ends_on, programme.version, programme.status) == (
        datetime.date(2026, 12, 31),
        1,
        status,
    )
    assert philharmonic not in programme.institutions.all()


def test_a_stale_event_page_is_refused(admin_client, admin_user, abay_exhibition):
    url = admin_url(Event, "change", abay_exhibition.pk)
    data = form_data(admin_client.get(url), Event)
    event_update(event=abay_exhibition, actor=admin_user, description="Changed meanwhile.")
    data["title"] = ["Abay: Heritage of Two Peoples"]

    response = admin_client.post(url, data)

    assert response.context["adminform"].form.non_field_errors() == [STALE]
    abay_exhibition.refresh_from_db()
    assert abay_exhibition.title == "Abay. Heritage of Fraternal Peoples"


def test_an_event_of_an_approved_programme_is_not_deleted_in_the_admin(
    admin_client, gallery, theatre
):
    approved = joint_programme(uz=gallery, kz=theatre, status=Status.APPROVED)
    event = EventFactory(programme=approved, host_institution=gallery)

    page = admin_client.get(admin_url(Event, "delete", event.pk))
    bulk = admin_client.post(
        admin_url(Event, "changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert (page.status_code, bulk.status_code) == (403, 403)
    assert Event.objects.filter(pk=event.pk).exists()
