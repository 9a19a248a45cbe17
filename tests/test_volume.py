"""Pages cost the same number of queries whatever the number of events behind them."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from programmes.models import Programme

DEMO_USERS = ["admin", "uz.national", "kz.coordinator", "uz.coordinator", "viewer"]


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True  # load_demo refuses to run in production


def pages() -> list[str]:
    programme = Programme.objects.get(title="Abay. Heritage of Fraternal Peoples")
    return [
        reverse("desk:home"),
        reverse("events:list"),
        reverse("events:list") + "?country=KZ&kind=concert",
        reverse("events:list") + "?page=3",
        reverse("programmes:list"),
        reverse("programmes:detail", args=[programme.pk]),
        reverse("institutions:list"),
    ]


def query_counts() -> dict[tuple[str, str], int]:
    counts = {}
    for username in DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in pages():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (username, url)
            counts[username, url] = len(queries)
    return counts


@pytest.mark.django_db
def test_generated_events_add_no_query_to_any_page():
    call_command("load_demo", stdout=io.StringIO())
    with_demo_only = query_counts()

    call_command("load_demo", events=600, stdout=io.StringIO())
    with_generated = query_counts()

    assert with_generated == with_demo_only
