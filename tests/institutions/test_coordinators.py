"""National coordinators name and remove the coordinators of their country's institutions;
everyone signed in sees who coordinates an institution."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from institutions.models import Membership
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def uwed():
    return InstitutionFactory(
        name="University of World Economy and Diplomacy", country=CountryFactory(code="UZ")
    )


@pytest.fixture
def uz_national():
    return NationalCoordinatorFactory(
        country=CountryFactory(code="UZ"), user__username="uz.national"
    ).user


@pytest.fixture
def kz_national():
    return NationalCoordinatorFactory(
        country=CountryFactory(code="KZ"), user__username="kz.national"
    ).user


@pytest.fixture
def newcomer():
    return UserFactory(
        username="malika", email="malika@uwed.uz", first_name="Malika", last_name="Yusupova"
    )


def coordinators_url(institution) -> str:
    return reverse("institutions:coordinators", args=[institution.pk])


def remove_url(membership) -> str:
    return reverse(
        "institutions:coordinator_remove", args=[membership.institution_id, membership.pk]
    )


def coordinator_usernames(institution) -> list[str]:
    return sorted(
        Membership.objects.filter(institution=institution).values_list("user__username", flat=True)
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_national_coordinator_adds_a_coordinator_by_username(
    client, uwed, uz_national, newcomer
):
    client.force_login(uz_national)

    response = client.post(coordinators_url(uwed), {"person": "malika"})

    assert response["Location"] == coordinators_url(uwed)
    assert coordinator_usernames(uwed) == ["malika"]
    assert messages_of(response) == [
        "Malika Yusupova now coordinates University of World Economy and Diplomacy."
    ]


def test_the_national_coordinator_adds_a_coordinator_by_email(client, uwed, uz_national, newcomer):
    client.force_login(uz_national)

    client.post(coordinators_url(uwed), {"person": "Malika@UWED.uz"})

    assert coordinator_usernames(uwed) == ["malika"]


def test_the_national_coordinator_removes_a_coordinator(client, uwed, uz_national):
    leaving = MembershipFactory(institution=uwed, user__username="leaving")
    MembershipFactory(institution=uwed, user__username="staying")
    client.force_login(uz_national)

    response = client.post(remove_url(leaving))

    assert response["Location"] == coordinators_url(uwed)
    assert coordinator_usernames(uwed) == ["staying"]
    assert messages_of(response) == [
        f"{leaving.user} no longer coordinates University of World Economy and Diplomacy."
    ]


def test_the_national_coordinator_of_another_country_gets_403(client, uwed, kz_national, newcomer):
    staying = MembershipFactory(institution=uwed, user__username="staying")
    client.force_login(kz_national)

    page = client.get(coordinators_url(uwed))
    add = client.post(coordinators_url(uwed), {"person": "malika"})
    remove = client.post(remove_url(staying))

    assert (page.context["may_manage"], page.context["form"]) == (False, None)
    assert (add.status_code, remove.status_code) == (403, 403)
    assert coordinator_usernames(uwed) == ["staying"]


def test_every_signed_in_user_sees_the_coordinators(client, uwed):
    MembershipFactory(institution=uwed, user__username="b.coordinator", user__last_name="B")
    MembershipFactory(institution=uwed, user__username="a.coordinator", user__last_name="A")
    MembershipFactory(user__username="elsewhere")
    client.force_login(UserFactory())

    response = client.get(coordinators_url(uwed))

    assert [m.user.username for m in response.context["memberships"]] == [
        "a.coordinator",
        "b.coordinator",
    ]


def test_an_administrator_manages_coordinators_of_any_country(client, uwed, newcomer):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    client.post(coordinators_url(uwed), {"person": "malika"})

    assert coordinator_usernames(uwed) == ["malika"]


def test_an_unknown_person_is_a_form_error(client, uwed, uz_national):
    client.force_login(uz_national)

    response = client.post(coordinators_url(uwed), {"person": "nobody@example.org"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "person": ["No active account has the username or e-mail address “nobody@example.org”."]
    }
    assert coordinator_usernames(uwed) == []


def test_an_inactive_account_cannot_be_named(client, uwed, uz_national):
    UserFactory(username="gone", is_active=False)
    client.force_login(uz_national)

    response = client.post(coordinators_url(uwed), {"person": "gone"})

    assert response.context["form"].errors == {
        "person": ["No active account has the username or e-mail address “gone”."]
    }
    assert coordinator_usernames(uwed) == []


def test_a_person_already_coordinating_is_a_form_error(client, uwed, uz_national, newcomer):
    MembershipFactory(institution=uwed, user=newcomer)
    client.force_login(uz_national)

    response = client.post(coordinators_url(uwed), {"person": "malika"})

    assert response.context["form"].errors == {
        "person": ["Malika Yusupova already coordinates University of World Economy and Diplomacy."]
    }
    assert coordinator_usernames(uwed) == ["malika"]


def test_a_shared_email_address_asks_for_the_username(client, uwed, uz_national):
    UserFactory(username="aziz", email="office@uwed.uz")
    UserFactory(username="bekzod", email="office@uwed.uz")
    client.force_login(uz_national)

    response = client.post(coordinators_url(uwed), {"person": "office@uwed.uz"})

    assert response.context["form"].errors == {
        "person": ["Several accounts match “office@uwed.uz”: give the exact username instead."]
    }
    assert coordinator_usernames(uwed) == []


def test_a_membership_of_another_institution_is_not_removed_through_this_one(
    client, uwed, uz_national
):
    other = MembershipFactory(institution=InstitutionFactory(country=uwed.country))
    client.force_login(uz_national)

    response = client.post(reverse("institutions:coordinator_remove", args=[uwed.pk, other.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists() is True


def test_removing_takes_a_post(client, uwed, uz_national):
    membership = MembershipFactory(institution=uwed)
    client.force_login(uz_national)

    response = client.get(remove_url(membership))

    assert response.status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists() is True


def test_the_institution_page_links_to_its_coordinators(client, uwed):
    client.force_login(UserFactory())

    response = client.get(reverse("desk:institution", args=[uwed.pk]))

    assert f'href="{coordinators_url(uwed)}"' in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, uwed):
    url = coordinators_url(uwed)

    response = client.get(url)

    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_naming_and_removing_are_logged_with_who_did_it(
    client, caplog, uwed, uz_national, newcomer
):
    client.force_login(uz_national)
    caplog.set_level("INFO", logger="dostlik.audit")

    client.post(coordinators_url(uwed), {"person": "malika"})
    client.post(remove_url(Membership.objects.get(institution=uwed)))

    assert [record.getMessage() for record in caplog.records if record.name == "dostlik.audit"] == [
        f"uz.national made malika a coordinator of {uwed.name} (institution {uwed.pk})",
        f"uz.national removed malika as coordinator of {uwed.name} (institution {uwed.pk})",
    ]
