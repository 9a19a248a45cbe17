"""The admin's pages name the site's icon, so a browser does not ask for a /favicon.ico that is
not there."""

import pytest
from django.templatetags.static import static
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["admin:index", "admin:programmes_programme_changelist"])
def test_every_admin_page_names_the_site_s_icon(client, url_name):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    content = client.get(reverse(url_name)).content.decode()

    icon = f'<link rel="icon" type="image/svg+xml" href="{static("img/dostlik-mark.svg")}">'
    assert content.count(icon) == 1
    # Still the admin's own page, with its header.
    assert "Dostlik administration" in content


def test_the_admin_sign_in_page_names_the_site_s_icon(client):
    content = client.get(reverse("admin:login")).content.decode()

    icon = f'<link rel="icon" type="image/svg+xml" href="{static("img/dostlik-mark.svg")}">'
    assert content.count(icon) == 1
