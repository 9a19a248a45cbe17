"""The services of invitations: who may invite into what, what is refused, what a link does."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from institutions.models import Membership
from invitations import services
from invitations.models import Invitation, State, token_digest
from tests.factories import (
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    ViewerFactory,
)
from tests.invitations.conftest import token_in
from tests.invitations.helpers import counts, roles_of

pytestmark = pytest.mark.django_db

Role = Invitation.Role


def test_an_invitation_keeps_only_the_digest_of_its_token_and_mails_the_link(
    uz_national, uwed, sent_mail, settings
):
    settings.SITE_URL = "https://dostlik.example.org"
    with sent_mail():
        sent = services.invitation_create(
            actor=uz_national, email="Malika@UWED.uz", role=Role.COORDINATOR, institution=uwed
        )
    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_digest(sent.token)
    assert sent.token not in str(Invitation.objects.values().get())
    assert (invitation.email, invitation.state, invitation.invited_by) == (
        "Malika@uwed.uz",
        State.WAITING,
        uz_national,
    )
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    [mail] = sent_mail.outbox
    assert mail.to == ["Malika@uwed.uz"]
    assert token_in(mail.body) == sent.token
    assert f"https://dostlik.example.org/invitations/{sent.token}/" in mail.body
    assert "Dilnoza K" in mail.body
    assert "University of World Economy and Diplomacy" in mail.body
    assert str(timezone.localtime(invitation.expires_at).year) in mail.body


def test_the_expiry_follows_the_setting(uz_national, uwed, settings):
    settings.INVITATION_DAYS = 2
    sent = services.invitation_create(
        actor=uz_national, email="a@example.org", role=Role.COORDINATOR, institution=uwed
    )
    invitation = sent.invitation
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=2)


def test_the_mail_is_written_in_the_inviters_language(uz_national, uwed, sent_mail):
    from django.utils import translation

    with translation.override("ru"), sent_mail():
        services.invitation_create(
            actor=uz_national, email="a@example.org", role=Role.COORDINATOR, institution=uwed
        )
    with translation.override("ru"):
        from django.utils.translation import gettext

        expected = gettext("Coordinator of an institution")
    assert expected in sent_mail.outbox[0].body


def test_a_national_coordinator_cannot_invite_into_another_country(uz_national, kaznu):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=uz_national, email="a@example.org", role=Role.COORDINATOR, institution=kaznu
        )
    assert counts() == before


@pytest.mark.parametrize("role", [Role.NATIONAL_COORDINATOR, Role.VIEWER])
def test_a_national_coordinator_invites_only_coordinators(uz_national, uz, role):
    country = uz if role == Role.NATIONAL_COORDINATOR else None
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=uz_national, email="a@example.org", role=role, country=country
        )
    assert Invitation.objects.count() == 0


def test_a_coordinator_invites_nobody(uwed):
    coordinator = MembershipFactory(institution=uwed).user
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=coordinator, email="a@example.org", role=Role.COORDINATOR, institution=uwed
        )


def test_an_administrator_invites_into_every_role(administrator, uwed, kz):
    made = [
        services.invitation_create(
            actor=administrator, email="a@example.org", role=Role.COORDINATOR, institution=uwed
        ),
        services.invitation_create(
            actor=administrator, email="b@example.org", role=Role.NATIONAL_COORDINATOR, country=kz
        ),
        services.invitation_create(actor=administrator, email="c@example.org", role=Role.VIEWER),
    ]
    assert [sent.invitation.role_display for sent in made] == [
        "Coordinator of an institution: University of World Economy and Diplomacy",
        "National coordinator of a country: Kazakhstan",
        "Viewer",
    ]


def test_the_same_role_is_refused_for_an_account_that_holds_it(uz_national, uwed):
    MembershipFactory(institution=uwed, user=UserFactory(email="malika@uwed.uz"))
    with pytest.raises(ValidationError) as refused:
        services.invitation_create(
            actor=uz_national, email="MALIKA@uwed.uz", role=Role.COORDINATOR, institution=uwed
        )
    assert refused.value.messages == [
        "This person already coordinates University of World Economy and Diplomacy."
    ]
    assert Invitation.objects.count() == 0


def test_a_second_waiting_invitation_to_the_same_role_is_refused(uz_national, uwed):
    services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    with pytest.raises(ValidationError) as refused:
        services.invitation_create(
            actor=uz_national, email="Malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
        )
    assert refused.value.messages == [
        "Malika@uwed.uz already has a waiting invitation to this role."
    ]
    assert Invitation.objects.count() == 1


def test_a_viewer_cannot_be_invited_to_coordinate_nor_the_reverse(administrator, uwed):
    ViewerFactory(user=UserFactory(email="viewer@example.org"))
    MembershipFactory(institution=uwed, user=UserFactory(email="coordinator@example.org"))
    with pytest.raises(ValidationError) as as_coordinator:
        services.invitation_create(
            actor=administrator, email="viewer@example.org", role=Role.COORDINATOR, institution=uwed
        )
    with pytest.raises(ValidationError) as as_viewer:
        services.invitation_create(
            actor=administrator, email="coordinator@example.org", role=Role.VIEWER
        )
    assert (as_coordinator.value.code, as_viewer.value.code) == ("conflict", "conflict")
    assert Invitation.objects.count() == 0


def accept_new(token: str, **fields):
    return services.invitation_accept(
        token=token,
        first_name="Malika",
        last_name="Yusupova",
        password="a long passphrase",
        **fields,
    )


def test_accepting_makes_an_account_with_exactly_the_invited_role(uz_national, uwed):
    sent = services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    person = accept_new(sent.token)
    assert (person.username, person.email, person.get_full_name()) == (
        "malika",
        "malika@uwed.uz",
        "Malika Yusupova",
    )
    assert person.check_password("a long passphrase")
    assert roles_of(person) == {("coordinator", uwed.pk)}
    invitation = Invitation.objects.get()
    assert (invitation.state, invitation.accepted_by) == (State.ACCEPTED, person)


def test_the_username_is_made_free(administrator, kz):
    UserFactory(username="malika", email="other@example.org")
    sent = services.invitation_create(
        actor=administrator, email="malika@uwed.uz", role=Role.NATIONAL_COORDINATOR, country=kz
    )
    person = accept_new(sent.token)
    assert person.username == "malika2"
    assert roles_of(person) == {("national_coordinator", kz.pk)}


def test_an_existing_account_gets_the_role_added(administrator, uwed, kz):
    person = NationalCoordinatorFactory(country=kz, user__email="Malika@uwed.uz").user
    sent = services.invitation_create(
        actor=administrator, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    with pytest.raises(ValidationError) as anonymous:
        accept_new(sent.token)
    assert anonymous.value.code == "sign_in"
    assert services.invitation_accept(token=sent.token, user=person) == person
    assert roles_of(person) == {("coordinator", uwed.pk), ("national_coordinator", kz.pk)}


def test_another_account_cannot_accept(administrator, uwed):
    sent = services.invitation_create(
        actor=administrator, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    someone = UserFactory(email="someone@example.org")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.invitation_accept(token=sent.token, user=someone)
    assert refused.value.code == "other_account"
    assert counts() == before
    assert roles_of(someone) == set()


def test_a_link_works_once(uz_national, uwed):
    sent = services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    accept_new(sent.token)
    before = counts()
    with pytest.raises(ValidationError) as again:
        accept_new(sent.token)
    assert again.value.messages == [
        "This invitation has been accepted already: its link works once."
    ]
    assert counts() == before


def test_an_expired_link_changes_nothing(uz_national, uwed):
    sent = services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    before = counts()
    with pytest.raises(ValidationError) as expired:
        accept_new(sent.token)
    assert expired.value.messages == ["This invitation has expired."]
    assert counts() == before


def test_a_withdrawn_link_changes_nothing(uz_national, uwed):
    sent = services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    services.invitation_withdraw(actor=uz_national, invitation=sent.invitation)
    before = counts()
    with pytest.raises(ValidationError) as withdrawn:
        accept_new(sent.token)
    assert withdrawn.value.code == "closed"
    assert counts() == before
    assert Invitation.objects.get().state == State.WITHDRAWN


def test_a_forged_link_changes_nothing(uz_national, uwed):
    services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    before = counts()
    with pytest.raises(ValidationError) as forged:
        accept_new("x" * 43)
    assert forged.value.code == "unknown"
    assert counts() == before


def test_resending_kills_the_old_link_and_moves_the_expiry(uz_national, uwed, sent_mail):
    with sent_mail():
        first = services.invitation_create(
            actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
        )
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    with sent_mail():
        second = services.invitation_resend(actor=uz_national, invitation=first.invitation)
    assert second.token != first.token
    assert [token_in(mail.body) for mail in sent_mail.outbox] == [first.token, second.token]
    invitation = Invitation.objects.get()
    assert invitation.state == State.WAITING
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)
    before = counts()
    with pytest.raises(ValidationError) as old:
        accept_new(first.token)
    assert old.value.code == "unknown"
    assert counts() == before
    assert roles_of(accept_new(second.token)) == {("coordinator", uwed.pk)}


def test_an_accepted_invitation_is_neither_resent_nor_withdrawn(uz_national, uwed):
    sent = services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    accept_new(sent.token)
    with pytest.raises(ValidationError):
        services.invitation_resend(actor=uz_national, invitation=sent.invitation)
    with pytest.raises(ValidationError):
        services.invitation_withdraw(actor=uz_national, invitation=sent.invitation)
    assert Invitation.objects.get().state == State.ACCEPTED


def test_a_role_that_conflicts_by_acceptance_time_is_refused(administrator, uwed):
    person = UserFactory(email="malika@uwed.uz")
    sent = services.invitation_create(
        actor=administrator, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    ViewerFactory(user=person)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.invitation_accept(token=sent.token, user=person)
    assert refused.value.code == "conflict"
    assert counts() == before
    assert Membership.objects.filter(user=person).count() == 0


def test_every_step_is_a_history_row_naming_who_took_it(uz_national, uwed):
    sent = services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    services.invitation_resend(actor=uz_national, invitation=sent.invitation)
    resent = services.invitation_resend(actor=uz_national, invitation=sent.invitation)
    person = accept_new(resent.token)
    other = services.invitation_create(
        actor=uz_national, email="other@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    services.invitation_withdraw(actor=uz_national, invitation=other.invitation)
    rows = Invitation.history.order_by("history_date", "history_id").values_list(
        "email", "history_type", "history_change_reason", "history_user"
    )
    assert list(rows) == [
        ("malika@uwed.uz", "+", "invited", uz_national.pk),
        ("malika@uwed.uz", "~", "resent", uz_national.pk),
        ("malika@uwed.uz", "~", "resent", uz_national.pk),
        ("malika@uwed.uz", "~", "accepted", person.pk),
        ("other@uwed.uz", "+", "invited", uz_national.pk),
        ("other@uwed.uz", "~", "withdrawn", uz_national.pk),
    ]


def test_every_step_is_in_the_audit_log(uz_national, uwed, caplog):
    caplog.set_level("INFO", logger="dostlik.audit")
    sent = services.invitation_create(
        actor=uz_national, email="malika@uwed.uz", role=Role.COORDINATOR, institution=uwed
    )
    services.invitation_withdraw(actor=uz_national, invitation=sent.invitation)
    pk = sent.invitation.pk
    assert [r.getMessage() for r in caplog.records if r.name == "dostlik.audit"] == [
        "uz.national invited malika@uwed.uz as Coordinator of an institution: "
        f"University of World Economy and Diplomacy (invitation {pk})",
        f"uz.national withdrew the invitation {pk} of malika@uwed.uz",
    ]
