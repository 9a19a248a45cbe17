"""The pages of invitations: inviting from an institution's coordinators page and from the
administrators' list, resending and withdrawing, and the page the link opens."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invitations import services
from invitations.models import Invitation, State
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory
from tests.invitations.conftest import token_in
from tests.invitations.helpers import counts, roles_of

pytestmark = pytest.mark.django_db

Role = Invitation.Role
NEW_ACCOUNT = {
    "first_name": "Malika",
    "last_name": "Yusupova",
    "password1": "a long passphrase",
    "password2": "a long passphrase",
}


def coordinators_url(institution) -> str:
    return reverse("institutions:coordinators", args=[institution.pk])


def invite_url(institution) -> str:
    return reverse("invitations:invite", args=[institution.pk])


def accept_url(token: str) -> str:
    return reverse("invitations:accept", args=[token])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def invite(actor, institution, email="malika@uwed.uz") -> services.Sent:
    return services.invitation_create(
        actor=actor, email=email, role=Role.COORDINATOR, institution=institution
    )


def test_a_national_coordinator_invites_from_the_coordinators_page(
    client, uz_national, uwed, sent_mail
):
    client.force_login(uz_national)
    page = client.get(coordinators_url(uwed))
    assert f'action="{invite_url(uwed)}"' in page.text
    with sent_mail():
        response = client.post(invite_url(uwed), {"email": "malika@uwed.uz"})
    assert response.status_code == 302
    assert response["Location"] == coordinators_url(uwed)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.institution) == (
        "malika@uwed.uz",
        Role.COORDINATOR,
        uwed,
    )
    assert [mail.to for mail in sent_mail.outbox] == [["malika@uwed.uz"]]
    page = client.get(coordinators_url(uwed))
    assert "malika@uwed.uz" in page.text
    assert reverse("invitations:resend", args=[invitation.pk]) in page.text
    assert reverse("invitations:withdraw", args=[invitation.pk]) in page.text


def test_others_see_neither_the_form_nor_the_invitations(client, uz_national, uwed):
    invitation = invite(uz_national, uwed).invitation
    coordinator = MembershipFactory(institution=uwed).user
    client.force_login(coordinator)
    page = client.get(coordinators_url(uwed))
    assert page.status_code == 200
    assert (invite_url(uwed) in page.text, invitation.email in page.text) == (False, False)


def test_a_forged_invitation_into_another_country_is_forbidden(client, uz_national, kaznu):
    client.force_login(uz_national)
    before = counts()
    response = client.post(invite_url(kaznu), {"email": "a@example.org"})
    assert response.status_code == 403
    assert counts() == before


def test_a_national_coordinator_cannot_use_the_administrators_list(client, uz_national, uz):
    client.force_login(uz_national)
    before = counts()
    data = {"email": "a@example.org", "role": Role.NATIONAL_COORDINATOR, "country": uz.pk}
    assert (
        client.get("/invitations/").status_code,
        client.post("/invitations/", data).status_code,
    ) == (
        403,
        403,
    )
    assert counts() == before


def test_the_form_refuses_a_role_already_held(client, uz_national, uwed):
    MembershipFactory(institution=uwed, user=UserFactory(email="malika@uwed.uz"))
    client.force_login(uz_national)
    response = client.post(invite_url(uwed), {"email": "malika@uwed.uz"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["This person already coordinates University of World Economy and Diplomacy."]
    }
    assert Invitation.objects.count() == 0


def test_an_administrator_invites_into_any_role_from_the_list(client, administrator, kz, uwed):
    client.force_login(administrator)
    for data in (
        {"email": "n@example.org", "role": Role.NATIONAL_COORDINATOR, "country": kz.pk},
        {"email": "v@example.org", "role": Role.VIEWER},
        {"email": "c@example.org", "role": Role.COORDINATOR, "institution": uwed.pk},
    ):
        response = client.post("/invitations/", data)
        assert (response.status_code, response["Location"]) == (302, "/invitations/")
    assert set(Invitation.objects.values_list("email", "role", "country", "institution")) == {
        ("n@example.org", Role.NATIONAL_COORDINATOR, kz.pk, None),
        ("v@example.org", Role.VIEWER, None, None),
        ("c@example.org", Role.COORDINATOR, None, uwed.pk),
    }
    page = client.get("/invitations/")
    assert [invitation.email for invitation in page.context["page_obj"]] == [
        "c@example.org",
        "v@example.org",
        "n@example.org",
    ]


def test_the_list_refuses_a_role_without_its_place(client, administrator):
    client.force_login(administrator)
    response = client.post("/invitations/", {"email": "n@example.org", "role": Role.COORDINATOR})
    assert response.context["form"].errors == {
        "institution": ["Choose the institution to coordinate."]
    }
    assert Invitation.objects.count() == 0


def test_resend_and_withdraw_from_the_coordinators_page(client, uz_national, uwed, sent_mail):
    first = invite(uz_national, uwed)
    client.force_login(uz_national)
    with sent_mail():
        response = client.post(reverse("invitations:resend", args=[first.invitation.pk]))
    assert response["Location"] == coordinators_url(uwed)
    [mail] = sent_mail.outbox
    new_token = token_in(mail.body)
    assert new_token != first.token
    assert client.get(accept_url(first.token)).status_code == 404
    response = client.post(reverse("invitations:withdraw", args=[first.invitation.pk]))
    assert response["Location"] == coordinators_url(uwed)
    assert messages_of(response)[-1] == "The invitation of malika@uwed.uz was withdrawn."
    assert Invitation.objects.get().state == State.WITHDRAWN
    assert client.get(accept_url(new_token)).status_code == 410


def test_another_country_may_neither_resend_nor_withdraw(client, uz_national, kaznu, kz):
    from tests.factories import NationalCoordinatorFactory

    sent = services.invitation_create(
        actor=NationalCoordinatorFactory(country=kz).user,
        email="a@example.org",
        role=Role.COORDINATOR,
        institution=kaznu,
    )
    client.force_login(uz_national)
    before = counts()
    for name in ("invitations:resend", "invitations:withdraw"):
        assert client.post(reverse(name, args=[sent.invitation.pk])).status_code == 403
    assert counts() == before
    assert Invitation.objects.get().token_hash == sent.invitation.token_hash


def test_accepting_makes_the_account_signs_in_and_goes_home(client, uz_national, uwed):
    sent = invite(uz_national, uwed)
    page = client.get(accept_url(sent.token))
    assert page.status_code == 200
    response = client.post(accept_url(sent.token), NEW_ACCOUNT)
    assert (response.status_code, response["Location"]) == (302, reverse("desk:home"))
    person = Invitation.objects.get().accepted_by
    assert roles_of(person) == {("coordinator", uwed.pk)}
    assert response.wsgi_request.user == person
    assert messages_of(response) == [
        "Welcome to Dostlik. You are now Coordinator of an institution: "
        "University of World Economy and Diplomacy."
    ]
    assert client.get(reverse("desk:home")).status_code == 200


def test_the_passwords_are_checked(client, uz_national, uwed):
    sent = invite(uz_national, uwed)
    before = counts()
    differ = client.post(accept_url(sent.token), {**NEW_ACCOUNT, "password2": "another one!"})
    weak = client.post(
        accept_url(sent.token), {**NEW_ACCOUNT, "password1": "123", "password2": "123"}
    )
    assert differ.context["form"].errors == {"password2": ["The two passwords differ."]}
    assert list(weak.context["form"].errors) == ["password1"]
    assert counts() == before


def test_an_existing_account_signs_in_then_accepts(client, administrator, uwed):
    person = UserFactory(email="Malika@uwed.uz")
    sent = invite(administrator, uwed)
    page = client.get(accept_url(sent.token))
    login_link = f"{resolve_url(settings.LOGIN_URL)}?next=%2Finvitations%2F{sent.token}%2F"
    assert login_link in page.text
    before = counts()
    assert client.post(accept_url(sent.token), NEW_ACCOUNT).status_code == 403
    assert counts() == before
    client.force_login(person)
    assert client.get(accept_url(sent.token)).status_code == 200
    response = client.post(accept_url(sent.token))
    assert response["Location"] == reverse("desk:home")
    assert roles_of(person) == {("coordinator", uwed.pk)}


def test_signed_in_as_someone_else_nothing_changes(client, administrator, uwed):
    sent = invite(administrator, uwed)
    someone = UserFactory(username="someone", email="someone@example.org", password=PASSWORD)
    client.force_login(someone)
    before = counts()
    page = client.get(accept_url(sent.token))
    assert "you are signed in as someone" in page.text
    assert client.post(accept_url(sent.token), NEW_ACCOUNT).status_code == 403
    assert counts() == before
    assert roles_of(someone) == set()


def test_used_expired_withdrawn_and_forged_links_change_nothing(client, uz_national, uwed):
    used = invite(uz_national, uwed, "used@example.org")
    services.invitation_accept(
        token=used.token, first_name="A", last_name="B", password="a long passphrase"
    )
    expired = invite(uz_national, uwed, "expired@example.org")
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    withdrawn = invite(uz_national, uwed, "withdrawn@example.org")
    services.invitation_withdraw(actor=uz_national, invitation=withdrawn.invitation)
    before = counts()
    answers = {
        name: (
            client.get(accept_url(token)).status_code,
            client.post(accept_url(token), NEW_ACCOUNT).status_code,
        )
        for name, token in (
            ("used", used.token),
            ("expired", expired.token),
            ("withdrawn", withdrawn.token),
            ("forged", "forged-token-that-no-invitation-has"),
        )
    }
    assert answers == {
        "used": (410, 410),
        "expired": (410, 410),
        "withdrawn": (410, 410),
        "forged": (404, 404),
    }
    assert counts() == before


def test_accepting_is_rate_limited_per_address(client, uz_national, uwed, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "invitation-accept": "2/m"}
    sent = invite(uz_national, uwed)
    bad = {**NEW_ACCOUNT, "password2": "differs"}
    answers = [client.post(accept_url(sent.token), bad).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert Invitation.objects.get().state == State.WAITING


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_pages_take_as_many_queries_for_many_invitations(
    client, administrator, uz_national, uwed
):
    client.force_login(administrator)
    invite(uz_national, uwed, "first@example.org")
    few = (queries_of(client, "/invitations/"), queries_of(client, coordinators_url(uwed)))
    for number in range(6):
        other = InstitutionFactory(country=uwed.country)
        invite(administrator, other, f"other{number}@example.org")
        sent = invite(uz_national, uwed, f"more{number}@example.org")
        if number % 2:
            services.invitation_withdraw(actor=uz_national, invitation=sent.invitation)
    many = (queries_of(client, "/invitations/"), queries_of(client, coordinators_url(uwed)))
    assert many == few
