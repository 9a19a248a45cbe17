"""The national coordinators' side: the queue of programmes waiting for their decision, the
decision itself (each country decides; all must approve), who is told by e-mail, and that a
mail server that fails loses no decision."""

import datetime
import logging
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from institutions.models import Country, Institution
from programmes.models import (
    Decision,
    Partnership,
    Programme,
    ProgrammeTransition,
    ProgrammeVersion,
)
from programmes.services import PaperLetter, programme_decide, programme_update
from tests.factories import (
    CountryFactory,
    DecisionFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    ViewerFactory,
    joint_programme,
)
from tests.programmes.mail import mail_callbacks

pytestmark = pytest.mark.django_db

Status = Programme.Status
Kind = Decision.Kind
FAILING_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        # Nothing listens on the discard port: the connection is refused at once.
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}


@dataclass
class World:
    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution
    uz_coordinator: User
    kz_coordinator: User
    uz_national: User
    kz_national: User
    viewer: User
    outsider: User


@pytest.fixture
def world() -> World:
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    kyrgyz = InstitutionFactory(country=CountryFactory(code="KG"))
    return World(
        uz=uz,
        kz=kz,
        uwed=uwed,
        kaznu=kaznu,
        uz_coordinator=MembershipFactory(institution=uwed, user__email="uwed@example.org").user,
        kz_coordinator=MembershipFactory(institution=kaznu, user__email="kaznu@example.org").user,
        uz_national=NationalCoordinatorFactory(country=uz, user__email="uz@example.org").user,
        kz_national=NationalCoordinatorFactory(country=kz, user__email="kz@example.org").user,
        viewer=ViewerFactory().user,
        outsider=MembershipFactory(institution=kyrgyz).user,
    )


@pytest.fixture
def submitted(world) -> Programme:
    return joint_programme(
        uz=world.uwed,
        kz=world.kaznu,
        title="Joint master's in Central Asian studies",
        status=Status.SUBMITTED,
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail_url(programme: Programme) -> str:
    return reverse("programmes:detail", args=[programme.pk])


def decide_url(programme: Programme) -> str:
    return reverse("programmes:decide", args=[programme.pk])


def decisions(programme: Programme) -> dict[str, tuple]:
    return {
        approval.country.code: (approval.decision, approval.decided_by_id, approval.comment)
        for approval in programme.decisions.select_related("country")
    }


# ---------- deciding ----------


def test_one_countrys_approval_leaves_the_programme_waiting_for_the_other(client, world, submitted):
    response = signed_in(client, world.uz_national).post(
        decide_url(submitted), {"version": 1, "decision": Kind.APPROVED}
    )

    submitted.refresh_from_db()
    assert response["Location"] == detail_url(submitted)
    assert messages_of(response) == [
        "Approved on behalf of Uzbekistan. The programme waits for the other countries' decisions."
    ]
    assert submitted.status == Status.SUBMITTED
    assert decisions(submitted) == {"UZ": (Kind.APPROVED, world.uz_national.pk, "")}
    assert submitted.decisions.get().version == submitted.current_version


def test_the_last_countrys_approval_approves_the_programme(client, world, submitted):
    # Followed, so that its message is shown and gone before the next decision.
    signed_in(client, world.uz_national).post(
        decide_url(submitted), {"version": 1, "decision": "approved"}, follow=True
    )

    response = signed_in(client, world.kz_national).post(
        decide_url(submitted),
        {"version": 1, "decision": "approved", "comment": "Welcome in Almaty."},
    )

    submitted.refresh_from_db()
    assert messages_of(response) == [
        "Approved on behalf of Kazakhstan. Every participating country has approved: the "
        "programme is approved."
    ]
    assert submitted.status == Status.APPROVED
    assert decisions(submitted) == {
        "UZ": (Kind.APPROVED, world.uz_national.pk, ""),
        "KZ": (Kind.APPROVED, world.kz_national.pk, "Welcome in Almaty."),
    }
    assert list(submitted.transitions.values_list("from_status", "to_status", "actor")) == [
        (Status.SUBMITTED, Status.APPROVED, world.kz_national.pk)
    ]


@pytest.mark.parametrize("decision", [Kind.REJECTED, Kind.CHANGES_REQUESTED])
def test_rejecting_or_requesting_changes_needs_a_comment(client, world, submitted, decision):
    response = signed_in(client, world.kz_national).post(
        decide_url(submitted), {"version": 1, "decision": decision, "comment": "  "}
    )

    submitted.refresh_from_db()
    form = response.context["decision_form"]
    assert response.status_code == 200
    assert form.errors == {"comment": ["Say why, so that the coordinators know what to change."]}
    assert form["decision"].value() == decision
    assert "Say why, so that the coordinators know what to change." in response.content.decode()
    assert (submitted.status, decisions(submitted)) == (Status.SUBMITTED, {})


def test_a_rejection_with_its_reason_rejects_the_programme(client, world, submitted):
    response = signed_in(client, world.kz_national).post(
        decide_url(submitted),
        {"version": 1, "decision": "rejected", "comment": "No budget this year."},
    )

    submitted.refresh_from_db()
    assert messages_of(response) == ["Rejected on behalf of Kazakhstan: the programme is rejected."]
    assert submitted.status == Status.REJECTED
    assert submitted.transitions.get().comment == "Rejected by Kazakhstan: No budget this year."


def test_a_request_for_changes_is_shown_prominently_on_the_programme_page(client, world, submitted):
    response = signed_in(client, world.kz_national).post(
        decide_url(submitted),
        {"version": 1, "decision": "changes_requested", "comment": "Add a Kazakh co-supervisor."},
        follow=True,
    )

    submitted.refresh_from_db()
    page = response.content.decode()
    assert [str(message) for message in response.context["messages"]] == [
        "Changes requested on behalf of Kazakhstan: the programme's coordinators were told."
    ]
    assert submitted.status == Status.SUBMITTED
    assert [a.comment for a in response.context["changes_requested"]] == [
        "Add a Kazakh co-supervisor."
    ]
    assert "Changes requested by Kazakhstan: Add a Kazakh co-supervisor." in page
    assert page.index("Changes requested by Kazakhstan") < page.index('id="partners-heading"')


def test_a_national_coordinator_of_two_countries_names_the_one_they_decide_for(
    client, world, submitted
):
    both = UserFactory()
    NationalCoordinatorFactory(user=both, country=world.uz)
    NationalCoordinatorFactory(user=both, country=world.kz)
    kyrgyzstan = Country.objects.get(code="KG")
    NationalCoordinatorFactory(user=both, country=kyrgyzstan)
    signed_in(client, both)

    unnamed = client.post(decide_url(submitted), {"version": 1, "decision": "approved"})
    not_taking_part = client.post(
        decide_url(submitted), {"version": 1, "decision": "approved", "country": kyrgyzstan.pk}
    )
    named = client.post(
        decide_url(submitted), {"version": 1, "decision": "approved", "country": world.kz.pk}
    )

    assert unnamed.context["decision_form"].errors == {"country": ["This field is required."]}
    assert not_taking_part.context["decision_form"].errors == {
        "country": ["You do not decide for this country here."]
    }
    assert named["Location"] == detail_url(submitted)
    assert decisions(submitted) == {"KZ": (Kind.APPROVED, both.pk, "")}


def test_the_decision_form_is_offered_to_the_national_coordinators_of_the_countries_taking_part(
    client, world, submitted
):
    def offered(user):
        return signed_in(client, user).get(detail_url(submitted)).context["decision_form"]

    uz_form, coordinator_form, viewer_form = (
        offered(world.uz_national),
        offered(world.uz_coordinator),
        offered(world.viewer),
    )
    outsider_national = NationalCoordinatorFactory(country=Country.objects.get(code="KG")).user

    assert uz_form.countries == [world.uz]
    assert (coordinator_form, viewer_form, offered(outsider_national)) == (None, None, None)


def test_the_decision_form_on_the_page_carries_its_csrf_token(world, submitted):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.uz_national)
    page = browser.get(detail_url(submitted)).content.decode()
    decision_form = page[page.index(f'action="{decide_url(submitted)}"') :]
    decision_form = decision_form[: decision_form.index("</form>")]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', decision_form)[1]
    # The version the page shows, which the decision is taken on.
    version = re.search(r'name="version" value="([^"]+)"', decision_form)[1]

    response = browser.post(
        decide_url(submitted),
        {"csrfmiddlewaretoken": token, "decision": "approved", "version": version},
    )

    assert (version, response.status_code, response["Location"]) == (
        "1",
        302,
        detail_url(submitted),
    )
    assert decisions(submitted) == {"UZ": (Kind.APPROVED, world.uz_national.pk, "")}


def test_deciding_is_refused_to_all_but_the_national_coordinators_of_a_submitted_programme(
    client, world, submitted
):
    draft = joint_programme(uz=world.uwed, kz=world.kaznu)
    approved = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.APPROVED)

    def answer(user, programme, method="post"):
        client.force_login(user)
        return getattr(client, method)(
            decide_url(programme), {"version": 1, "decision": "approved"}
        )

    answers = {
        "coordinator": answer(world.uz_coordinator, submitted).status_code,
        "viewer": answer(world.viewer, submitted).status_code,
        "administrator": answer(UserFactory(is_superuser=True), submitted).status_code,
        "national, draft": answer(world.uz_national, draft).status_code,
        "national, approved": answer(world.uz_national, approved).status_code,
        "outsider, draft": answer(world.outsider, draft).status_code,
        "national, get": answer(world.uz_national, submitted, "get").status_code,
    }

    assert answers == {
        "coordinator": 403,
        "viewer": 403,
        "administrator": 403,
        # Withdrawn or decided a moment before: sent back to the programme, told so.
        "national, draft": 302,
        "national, approved": 302,
        "outsider, draft": 404,
        "national, get": 405,
    }
    assert Decision.objects.count() == 0


def test_the_edit_page_of_an_approved_programme_proposes_an_amendment(client, world):
    programme = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.APPROVED)
    DecisionFactory(programme=programme, country=world.uz)
    DecisionFactory(programme=programme, country=world.kz)
    edit_url = reverse("programmes:edit", args=[programme.pk])
    signed_in(client, world.uz_coordinator)
    loaded = client.get(edit_url)
    form, formset = loaded.context["form"], loaded.context["formset"]
    data = {name: form[name].value() or "" for name in form.fields} | {"ends_on": "2027-03-31"}
    data |= {
        f"partners-{name}": field.value()
        for name, field in (
            (name, formset.management_form[name]) for name in formset.management_form.fields
        )
    }
    for index, row in enumerate(formset.forms):
        for name in row.fields:
            value = row[name].value()
            data[f"partners-{index}-{name}"] = "" if value in (None, False) else value

    # The page posts to the amendments; its own address refuses the change and keeps nothing.
    action = re.search(r'<form method="post" novalidate action="([^"]+)"', loaded.content.decode())
    refused = client.post(edit_url, data)

    assert action[1] == reverse("amendments:programme", args=[programme.pk])
    assert refused.context["form"].non_field_errors() == [
        "This programme is approved: what the countries approved — its partners, dates and "
        "budget, its events' dates, places, hosts and whether they go ahead — changes only "
        "through an amendment that every participating country approves."
    ]
    programme.refresh_from_db()
    assert (programme.status, programme.ends_on) == (Status.APPROVED, datetime.date(2026, 12, 31))
    assert [d.superseded_by for d in programme.decisions.all()] == [None, None]


def test_a_countrys_standing_is_its_decision_on_the_latest_version_it_decided_on(
    client, world, submitted
):
    """Uzbekistan approved version 1 at 16:00 yesterday; the budget changed at 17:00 (version 2)
    and the ministry's letter approving version 2 is dated yesterday, so that decision is dated
    noon of yesterday: earlier than the one it follows. Uzbekistan stands on version 2."""
    tashkent = zoneinfo.ZoneInfo("Asia/Tashkent")
    yesterday = timezone.localdate(timezone=tashkent) - datetime.timedelta(days=1)

    def at(hour: int) -> datetime.datetime:
        return datetime.datetime.combine(yesterday, datetime.time(hour), tzinfo=tashkent)

    ProgrammeVersion.objects.filter(programme=submitted).update(created_at=at(9))
    programme_decide(
        programme=submitted,
        country=world.uz,
        decision=Kind.APPROVED,
        actor=world.uz_national,
        version=1,
        at=at(16),
    )
    submitted.refresh_from_db()
    programme_update(
        programme=submitted,
        actor=world.uz_coordinator,
        version=submitted.version,
        budget_amount=Decimal("2000.00"),
        budget_currency="USD",
    )
    ProgrammeVersion.objects.filter(programme=submitted, number=2).update(created_at=at(17))
    on_paper = programme_decide(
        programme=Programme.objects.get(pk=submitted.pk),
        country=world.uz,
        decision=Kind.APPROVED,
        actor=UserFactory(is_superuser=True, is_staff=True),
        version=2,
        paper=PaperLetter(registry_number="01/2-455", letter_date=yesterday),
    )

    response = signed_in(client, world.uz_national).get(detail_url(submitted))

    assert on_paper.decided_at == at(12)
    assert [
        (
            standing.country.code,
            standing.decision.version.number if standing.decision else None,
            standing.on_current_version,
        )
        for standing in response.context["standings"]
    ] == [("KZ", None, False), ("UZ", 2, True)]


# ---------- the queue ----------


def queue_titles(response) -> dict[str, list[str]]:
    return {
        section: [entry.programme.title for entry in response.context[section]]
        for section in ("waiting", "decided")
    }


def test_the_queue_lists_submitted_programmes_of_the_readers_country(client, world, submitted):
    decided = joint_programme(
        uz=world.uwed, kz=world.kaznu, title="Education Days", status=Status.SUBMITTED
    )
    DecisionFactory(programme=decided, country=world.uz, decided_by=world.uz_national)
    joint_programme(uz=world.uwed, kz=world.kaznu, title="A draft")
    joint_programme(uz=world.uwed, kz=world.kaznu, title="Approved", status=Status.APPROVED)
    elsewhere = ProgrammeFactory(title="Without Uzbekistan", status=Status.SUBMITTED)
    PartnershipFactory(programme=elsewhere, institution=world.kaznu, role=Partnership.Role.LEAD)
    PartnershipFactory(
        programme=elsewhere, institution=InstitutionFactory(country=Country.objects.get(code="KG"))
    )

    response = signed_in(client, world.uz_national).get(reverse("programmes:decisions"))

    assert queue_titles(response) == {
        "waiting": ["Joint master's in Central Asian studies"],
        "decided": ["Education Days"],
    }
    assert [
        (d.country.code, d.approval.decision if d.approval else None)
        for d in response.context["decided"][0].decisions
    ] == [("UZ", Kind.APPROVED)]
    page = response.content.decode()
    assert "Not decided yet" in page
    assert detail_url(submitted) in page


def test_an_administrator_sees_every_submitted_programme_with_every_countrys_decision(
    client, world, submitted
):
    DecisionFactory(programme=submitted, country=world.kz)

    response = signed_in(client, UserFactory(is_superuser=True)).get(
        reverse("programmes:decisions")
    )

    assert queue_titles(response) == {
        "waiting": ["Joint master's in Central Asian studies"],
        "decided": [],
    }
    assert [
        (d.country.code, d.approval.decision if d.approval else None)
        for d in response.context["waiting"][0].decisions
    ] == [("KZ", Kind.APPROVED), ("UZ", None)]


@pytest.mark.parametrize("role", ["uz_coordinator", "viewer", "outsider"])
def test_the_queue_is_for_national_coordinators_only(client, world, role):
    response = signed_in(client, getattr(world, role)).get(reverse("programmes:decisions"))

    assert response.status_code == 403
    assert "You may see this, but not change it" in response.content.decode()


def test_the_navigation_links_the_queue_for_national_coordinators_only(client, world):
    queue_url = reverse("programmes:decisions")

    as_national = signed_in(client, world.uz_national).get(reverse("desk:home")).content.decode()
    as_coordinator = (
        signed_in(client, world.uz_coordinator).get(reverse("desk:home")).content.decode()
    )

    assert (queue_url in as_national, queue_url in as_coordinator) == (True, False)


def test_the_queue_runs_as_many_queries_for_many_programmes_as_for_one(
    client, world, submitted, django_assert_max_num_queries
):
    signed_in(client, world.uz_national)
    url = reverse("programmes:decisions")
    with django_assert_max_num_queries(100) as one:
        client.get(url)
    for number in range(8):
        programme = joint_programme(
            uz=world.uwed, kz=world.kaznu, title=f"Programme {number}", status=Status.SUBMITTED
        )
        DecisionFactory(programme=programme, country=world.kz, decided_by=world.kz_national)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert len(response.context["waiting"]) == 9


def test_a_step_taken_again_a_moment_later_says_where_the_programme_stands(client, world):
    """The second click on "Submit", or a partner submitting a moment after another: the
    programme is no longer a draft, which is said, not answered 403."""
    draft = joint_programme(uz=world.uwed, kz=world.kaznu, title="Joint film programme")
    url = reverse("programmes:submit", args=[draft.pk])
    signed_in(client, world.uz_coordinator).post(url)
    client.get(detail_url(draft))  # the first step's message, read
    version = Programme.objects.get(pk=draft.pk).version

    again = client.post(url)

    assert (again.status_code, again["Location"], messages_of(again)) == (
        302,
        detail_url(draft),
        ["Nothing was done: the programme is “Submitted” now."],
    )
    assert Programme.objects.get(pk=draft.pk).version == version


def test_a_decision_sent_after_the_programme_was_decided_says_where_it_stands(client, world):
    approved = joint_programme(uz=world.uwed, kz=world.kaznu, status=Status.APPROVED)

    response = signed_in(client, world.uz_national).post(
        decide_url(approved), {"version": 1, "decision": "rejected", "comment": "Too late."}
    )

    assert (response["Location"], messages_of(response)) == (
        detail_url(approved),
        ["Nothing was done: the programme is “Approved” now."],
    )
    assert Decision.objects.count() == 0


# ---------- mail ----------


def test_submitting_mails_the_national_coordinators_of_both_countries_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    draft = joint_programme(uz=world.uwed, kz=world.kaznu, title="Joint film programme")

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(client, world.uz_coordinator).post(reverse("programmes:submit", args=[draft.pk]))

    assert [(sorted(mail.to), mail.subject) for mail in mailoutbox] == [
        (
            ["kz@example.org", "uz@example.org"],
            "Dostlik: “Joint film programme” waits for your decision",
        )
    ]
    assert mailoutbox[0].body == (
        "The joint programme “Joint film programme” (Kazakhstan, Uzbekistan) was submitted for "
        "the decision of each participating country.\n\n"
        f"Decide on it here: http://127.0.0.1:8000{detail_url(draft)}\n"
    )


def test_deciding_mails_the_programmes_coordinators(
    client, world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(client, world.kz_national).post(
            decide_url(submitted),
            {"version": 1, "decision": "changes_requested", "comment": "Add dates."},
        )

    assert [(sorted(mail.to), mail.subject) for mail in mailoutbox] == [
        (
            ["kaznu@example.org", "uwed@example.org"],
            "Dostlik: Kazakhstan decided on “Joint master's in Central Asian studies”: "
            "changes requested",
        )
    ]
    assert mailoutbox[0].body == (
        "Kazakhstan decided on the joint programme “Joint master's in Central Asian studies”: "
        "changes requested.\n\nAdd dates.\n\nThe programme is now submitted: "
        f"http://127.0.0.1:8000{detail_url(submitted)}\n"
    )


def test_a_failing_mail_server_loses_no_decision(
    client, world, submitted, settings, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    settings.MAILERS = FAILING_SMTP
    # Followed, so that its message is shown and gone before the next decision.
    signed_in(client, world.uz_national).post(
        decide_url(submitted), {"version": 1, "decision": "approved"}, follow=True
    )

    with (
        caplog.at_level(logging.ERROR, logger="programmes.notifications"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = signed_in(client, world.kz_national).post(
            decide_url(submitted), {"version": 1, "decision": "approved"}
        )

    submitted.refresh_from_db()
    assert response["Location"] == detail_url(submitted)
    assert messages_of(response) == [
        "Approved on behalf of Kazakhstan. Every participating country has approved: the "
        "programme is approved."
    ]
    assert submitted.status == Status.APPROVED
    assert ProgrammeTransition.objects.filter(programme=submitted).count() == 1
    assert len(mail_callbacks(callbacks)) == 1
    assert mailoutbox == []
    assert [
        record.getMessage()
        for record in caplog.records
        if record.name == "programmes.notifications"
    ] == [
        "Could not send the mail \"Dostlik: Kazakhstan decided on “Joint master's in Central Asian "
        'studies”: approved" to kaznu@example.org, uwed@example.org'
    ]
