"""E-mail about programmes goes to the right people, once, and only when the change is saved;
a mail server that fails loses nothing but the mail."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from institutions.models import Institution
from programmes.models import Decision, Partnership, Programme
from programmes.services import (
    PartnerRow,
    programme_create,
    programme_decide,
    programme_resubmit,
    programme_submit,
    programme_update,
)
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    ViewerFactory,
)
from tests.programmes.mail import mail_callbacks

pytestmark = pytest.mark.django_db

Kind = Decision.Kind
TITLE = "Abay. Heritage of Fraternal Peoples"
SITE_URL = "https://dostlik.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def uzbekistan():
    return CountryFactory(code="UZ")


@pytest.fixture
def kazakhstan():
    return CountryFactory(code="KZ")


@pytest.fixture
def uwed(uzbekistan) -> Institution:
    return InstitutionFactory(name="University of World Economy and Diplomacy", country=uzbekistan)


@pytest.fixture
def kaznu(kazakhstan) -> Institution:
    return InstitutionFactory(name="Al-Farabi Kazakh National University", country=kazakhstan)


@pytest.fixture
def people(uzbekistan, kazakhstan, uwed, kaznu) -> dict:
    """Everyone who might be told, by what they are; only some of them should be."""
    kyrgyzstan = CountryFactory(code="KG")
    other_uz = InstitutionFactory(name="Fine Arts Gallery of Uzbekistan", country=uzbekistan)

    def national(username, country, **user):
        return NationalCoordinatorFactory(
            user=UserFactory(username=username, **user), country=country
        ).user

    def coordinator(username, institution, **user):
        return MembershipFactory(
            user=UserFactory(username=username, **user), institution=institution
        ).user

    return {
        "uz national": national("uz.national", uzbekistan),
        "kz national": national("kz.national", kazakhstan),
        "kz deputy": national("kz.deputy", kazakhstan),
        "uz national, left": national("uz.former", uzbekistan, is_active=False),
        "kz national, no e-mail": national("kz.noemail", kazakhstan, email=""),
        "kg national": national("kg.national", kyrgyzstan),
        "uz coordinator": coordinator("uz.coordinator", uwed),
        "kz coordinator": coordinator("kz.coordinator", kaznu),
        "kz coordinator, left": coordinator("kz.former", kaznu, is_active=False),
        "gallery coordinator": coordinator("gallery.coordinator", other_uz),
        "viewer": ViewerFactory(user=UserFactory(username="viewer")).user,
        "administrator": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def draft(uwed, kaznu, people) -> Programme:
    return programme_create(
        actor=people["uz coordinator"],
        title=TITLE,
        kind=Programme.Kind.EXHIBITION,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 12, 19),
        partners=[
            PartnerRow(institution=uwed, role=Partnership.Role.LEAD),
            PartnerRow(institution=kaznu),
        ],
    )


def programme_url(programme: Programme) -> str:
    return SITE_URL + reverse("programmes:detail", args=[programme.pk])


def submit(programme: Programme, people: dict) -> None:
    programme_submit(programme=programme, actor=people["uz coordinator"])


def test_a_submission_is_mailed_once_to_the_national_coordinators_after_commit(
    draft, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(draft, people)
        # Nothing leaves before the transaction commits.
        assert mailoutbox == []

    assert (len(mail_callbacks(callbacks)), len(mailoutbox)) == (1, 1)
    mail = mailoutbox[0]
    assert mail.to == [
        "kz.deputy@example.org",
        "kz.national@example.org",
        "uz.national@example.org",
    ]
    assert (mail.cc, mail.bcc) == ([], [])
    assert mail.subject == f"Dostlik: “{TITLE}” waits for your decision"
    assert mail.body == (
        f"The joint programme “{TITLE}” (Kazakhstan, Uzbekistan) was submitted for the "
        "decision of each participating country.\n\n"
        f"Decide on it here: {programme_url(draft)}\n"
    )


def test_nothing_is_mailed_when_the_submission_is_rolled_back(
    draft, people, mailoutbox, django_capture_on_commit_callbacks
):
    class RequestFailed(Exception):
        """Whatever makes the surrounding request fail after the submission."""

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RequestFailed),
        transaction.atomic(),
    ):
        submit(draft, people)
        raise RequestFailed

    assert (callbacks, mailoutbox) == ([], [])
    assert Programme.objects.get(pk=draft.pk).status == Programme.Status.DRAFT


@pytest.mark.parametrize(
    ("decision", "comment", "status", "shown_comment"),
    [
        (
            Kind.CHANGES_REQUESTED,
            "Add the dates of the fair.",
            "submitted",
            "Add the dates of the fair.",
        ),
        (Kind.REJECTED, "Out of budget for 2026.", "rejected", "Out of budget for 2026."),
        (Kind.APPROVED, "", "submitted", "No comment."),
    ],
)
def test_a_decision_is_mailed_to_the_coordinators_of_the_partners(
    decision,
    comment,
    status,
    shown_comment,
    draft,
    people,
    kazakhstan,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    submit(draft, people)  # outside the capture: its mail never leaves this test's transaction

    with django_capture_on_commit_callbacks(execute=True):
        programme_decide(
            programme=draft,
            country=kazakhstan,
            decision=decision,
            actor=people["kz national"],
            version=1,
            comment=comment,
        )

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kz.coordinator@example.org", "uz.coordinator@example.org"]
    label = Decision.Kind(decision).label.lower()
    assert mail.subject == f"Dostlik: Kazakhstan decided on “{TITLE}”: {label}"
    assert mail.body == (
        f"Kazakhstan decided on the joint programme “{TITLE}”: {label}.\n\n"
        f"{shown_comment}\n\n"
        f"The programme is now {status}: {programme_url(draft)}\n"
    )


def test_the_last_approval_tells_the_coordinators_the_programme_is_approved(
    draft, people, uzbekistan, kazakhstan, mailoutbox, django_capture_on_commit_callbacks
):
    submit(draft, people)
    programme_decide(
        programme=draft,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=people["uz national"],
        version=1,
    )

    with django_capture_on_commit_callbacks(execute=True):
        programme_decide(
            programme=draft,
            country=kazakhstan,
            decision=Kind.APPROVED,
            actor=people["kz national"],
            version=1,
            comment="Welcome in Almaty.",
        )

    assert [(mail.subject, mail.body.splitlines()[-1]) for mail in mailoutbox] == [
        (
            f"Dostlik: Kazakhstan decided on “{TITLE}”: approved",
            f"The programme is now approved: {programme_url(draft)}",
        )
    ]


def test_a_change_of_scope_after_a_decision_asks_the_national_coordinators_again(
    draft, people, uzbekistan, mailoutbox, django_capture_on_commit_callbacks
):
    submit(draft, people)
    programme_decide(
        programme=draft,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=people["uz national"],
        version=1,
    )
    draft.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        programme_update(
            programme=draft,
            actor=people["uz coordinator"],
            version=draft.version,
            budget_amount=Decimal("65000.00"),
            budget_currency="USD",
        )

    assert [(mail.subject, mail.to, mail.body) for mail in mailoutbox] == [
        (
            f"Dostlik: “{TITLE}” changed and waits for your decision again",
            ["kz.deputy@example.org", "kz.national@example.org", "uz.national@example.org"],
            f"The joint programme “{TITLE}” (Kazakhstan, Uzbekistan) was submitted for the "
            "decision of each participating country.\n\n"
            f"Decide on it here: {programme_url(draft)}\n",
        )
    ]


def test_a_resubmission_asks_the_national_coordinators_again(
    draft, people, kazakhstan, mailoutbox, django_capture_on_commit_callbacks
):
    submit(draft, people)
    programme_decide(
        programme=draft,
        country=kazakhstan,
        decision=Kind.CHANGES_REQUESTED,
        actor=people["kz national"],
        version=1,
        comment="Add the dates of the fair.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        programme_resubmit(
            programme=draft, actor=people["uz coordinator"], comment="The fair is in May."
        )

    assert [(mail.subject, mail.to) for mail in mailoutbox] == [
        (
            f"Dostlik: “{TITLE}” changed and waits for your decision again",
            ["kz.deputy@example.org", "kz.national@example.org", "uz.national@example.org"],
        )
    ]


def test_a_failing_mail_server_loses_the_mail_not_the_submission(
    draft, people, settings, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    # Nothing listens on the discard port: the connection is refused.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }

    with (
        caplog.at_level(logging.ERROR, logger="programmes.notifications"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        submit(draft, people)

    assert len(mail_callbacks(callbacks)) == 1
    assert Programme.objects.get(pk=draft.pk).status == Programme.Status.SUBMITTED
    assert mailoutbox == []
    failures = [record for record in caplog.records if record.name == "programmes.notifications"]
    assert [(record.levelno, record.getMessage()) for record in failures] == [
        (
            logging.ERROR,
            f"Could not send the mail 'Dostlik: “{TITLE}” waits for your decision' to "
            "kz.deputy@example.org, kz.national@example.org, uz.national@example.org",
        )
    ]
    assert issubclass(failures[0].exc_info[0], OSError)
