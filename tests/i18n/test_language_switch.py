"""The language switch: remembered by the browser for a visitor, by the account for a person
who signs in, and the way back to the page only ever leads within the site."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SWITCH = reverse("accounts:language")
COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    """The ``lang`` of the page's <html> element."""
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


@pytest.fixture
def person() -> User:
    return UserFactory(username="kz.coordinator", first_name="Aigerim", last_name="Bekova")


def test_a_visitor_s_choice_is_kept_in_a_cookie_for_a_year(client):
    response = client.post(SWITCH, {"language": "ru", "next": "/accounts/login/?next=/events/"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/events/")
    cookie = response.cookies[COOKIE]
    assert (cookie.value, cookie["max-age"], cookie["httponly"]) == ("ru", 31_536_000, True)
    page = client.get(reverse("accounts:login"))
    assert (html_lang(page), page["Content-Language"]) == ("ru", "ru")


def test_a_signed_in_choice_is_saved_on_the_account(client, person):
    client.force_login(person)

    response = client.post(SWITCH, {"language": "kk", "next": "/events/"})

    person.refresh_from_db()
    assert (response["Location"], response.cookies[COOKIE].value, person.language) == (
        "/events/",
        "kk",
        "kk",
    )


def test_the_saved_language_follows_the_person_to_a_new_browser(client, person):
    client.force_login(person)
    client.post(SWITCH, {"language": "uz", "next": "/"})
    new_browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    new_browser.force_login(person)
    assert COOKIE not in new_browser.cookies

    response = new_browser.get(reverse("desk:home"))

    assert (html_lang(response), response["Content-Language"]) == ("uz", "uz")
    # The new browser is told too, so its sign-in page speaks Uzbek after signing out.
    assert response.cookies[COOKIE].value == "uz"


def test_the_saved_language_wins_over_the_browser_s_cookie(client, person):
    person.language = "ru"
    person.save()
    client.cookies[COOKIE] = "kk"
    client.force_login(person)

    response = client.get(reverse("events:list"))

    assert (html_lang(response), response.cookies[COOKIE].value) == ("ru", "ru")


def test_without_a_saved_language_the_browser_decides(person):
    browser = Client(HTTP_ACCEPT_LANGUAGE="kk,ru;q=0.8")
    browser.force_login(person)

    response = browser.get(reverse("events:list"))

    assert (html_lang(response), COOKIE in response.cookies) == ("kk", False)


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/events/",
        "javascript:alert(1)",
        "",
        # Not a path: neither a page's address relative to the switch nor a view's name.
        "events/",
        "events:list",
        "0",
    ],
)
def test_a_way_back_outside_the_site_leads_home(client, next_url):
    response = client.post(SWITCH, {"language": "uz", "next": next_url})

    assert (response.status_code, response["Location"], response.cookies[COOKIE].value) == (
        302,
        "/",
        "uz",
    )


def test_a_language_the_site_does_not_speak_is_refused(client, person):
    client.force_login(person)

    response = client.post(SWITCH, {"language": "de", "next": "/events/"})

    person.refresh_from_db()
    assert (response.status_code, COOKIE in response.cookies, person.language) == (
        400,
        False,
        "",
    )


def test_the_switch_changes_nothing_on_a_get(client, person):
    client.force_login(person)

    response = client.get(SWITCH, {"language": "ru", "next": "/events/"})

    person.refresh_from_db()
    assert (response.status_code, person.language) == (405, "")


def test_the_switch_needs_the_form_s_csrf_token(person):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)

    response = browser.post(SWITCH, {"language": "ru", "next": "/events/"})

    person.refresh_from_db()
    assert (response.status_code, person.language) == (403, "")


def test_the_sign_in_page_offers_every_language_and_marks_the_current_one(client):
    client.cookies[COOKIE] = "uz"

    content = client.get(reverse("accounts:login")).content.decode()

    offered = re.findall(r'<button type="submit" name="language" value="(\w+)"[^>]*>', content)
    current = re.findall(r'value="(\w+)" lang="\w+" class="[^"]*"\s+aria-current="true"', content)
    assert (offered, current) == (["en", "ru", "uz", "kk"], ["uz"])


def test_the_user_menu_offers_every_language(client, person):
    client.force_login(person)

    content = client.get(reverse("desk:home")).content.decode()

    assert re.findall(r'name="language" value="(\w+)"', content) == ["en", "ru", "uz", "kk"]
    assert f'action="{SWITCH}"' in content
