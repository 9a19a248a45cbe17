"""Deactivating a person in the admin signs them out everywhere and stops their calendar feeds at
once; made active again, they sign in afresh: no old session comes back."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from calendars.services import feed_create
from tests.admin import post_change
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("desk:home")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_deactivating_a_person_ends_their_sessions_and_feeds_at_once(client):
    person = MembershipFactory().user
    office, phone, colleague = (
        signed_in(person),
        signed_in(person),
        signed_in(MembershipFactory().user),
    )
    feed = feed_create(owner=person, name="Everything")
    feed_url = reverse("calendars:feed", args=[feed.token])
    before = (
        office.get(HOME).status_code,
        phone.get(HOME).status_code,
        Client().get(feed_url).status_code,
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    post_change(client, person, is_active="")

    assert before == (200, 200, 200)
    assert (Session.objects.count(), colleague.get(HOME).status_code) == (2, 200)
    assert (office.get(HOME).status_code, phone.get(HOME).status_code) == (302, 302)
    assert Client().get(feed_url).status_code == 404


def test_made_active_again_no_old_session_comes_back(client):
    person = MembershipFactory().user
    office = signed_in(person)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    post_change(client, person, is_active="")
    post_change(client, person, is_active="on")

    person.refresh_from_db()
    response = office.get(HOME)
    assert person.is_active is True
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:login')}?next={HOME}",
    )
