"""Each headline figure of the home page opens the list of exactly what it counts."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.selectors import start_of_today
from programmes.models import Programme
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status
FIGURE = re.compile(
    r'<a class="card dl-stat text-decoration-none" href="(?P<href>[^"]+)">.*?'
    r'data-figure="(?P<name>\w+)">(?P<value>[\d,]+)<',
    re.DOTALL,
)


@pytest.fixture
def reader(client):
    """A coordinator of a Tashkent university, in a world of programmes, events and agreements
    on both sides of every boundary the figures draw."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    own, other, kazakh = (
        InstitutionFactory(country=uz),
        InstitutionFactory(country=uz),
        InstitutionFactory(country=kz),
    )
    programmes = {
        status: joint_programme(uz=own, kz=kazakh, status=status)
        for status in (
            Status.DRAFT,
            Status.SUBMITTED,
            Status.APPROVED,
            Status.ACTIVE,
            Status.COMPLETED,
            Status.CANCELLED,
        )
    }
    joint_programme(uz=own, kz=kazakh, status=Status.ACTIVE)
    # Drafts of others are not the reader's to see, nor their events.
    hidden = joint_programme(uz=other, kz=kazakh, status=Status.DRAFT)

    at = start_of_today()
    for days in (-400, -1, 0, 1, 29, 30, 31, 90):
        EventFactory(
            programme=programmes[Status.ACTIVE],
            host_institution=own,
            starts_at=at + datetime.timedelta(days=days, hours=10),
            ends_at=at + datetime.timedelta(days=days, hours=12),
        )
    # Under way since last month: counted among what is coming up, not among what starts.
    EventFactory(
        programme=programmes[Status.ACTIVE],
        host_institution=own,
        starts_at=at - datetime.timedelta(days=30),
        ends_at=at + datetime.timedelta(days=30),
    )
    EventFactory(programme=hidden, host_institution=other, starts_at=at + datetime.timedelta(1))
    EventFactory(
        programme=programmes[Status.DRAFT],
        host_institution=own,
        starts_at=at + datetime.timedelta(2),
    )

    today = timezone.localdate()
    for valid_from, valid_until, terminated_on in [
        (today - datetime.timedelta(days=900), None, None),
        (today - datetime.timedelta(days=900), today + datetime.timedelta(days=900), None),
        # Expiring within 90 days: still in force.
        (today - datetime.timedelta(days=900), today + datetime.timedelta(days=30), None),
        (today - datetime.timedelta(days=900), today - datetime.timedelta(days=1), None),
        (today + datetime.timedelta(days=10), None, None),
        (today - datetime.timedelta(days=900), None, today - datetime.timedelta(days=5)),
    ]:
        AgreementFactory(
            signed_on=valid_from,
            valid_from=valid_from,
            valid_until=valid_until,
            terminated_on=terminated_on,
        )

    client.force_login(MembershipFactory(institution=own).user)
    return client


def figures(response) -> dict[str, tuple[str, int]]:
    return {
        match["name"]: (html.unescape(match["href"]), int(match["value"].replace(",", "")))
        for match in FIGURE.finditer(response.content.decode())
    }


def test_each_figure_opens_the_list_of_what_it_counts(reader):
    shown = figures(reader.get(reverse("desk:home")))

    assert {name: value for name, (_href, value) in shown.items()} == {
        "programmes_under_way": 3,
        "events_ahead": 4,
        "agreements_in_force": 3,
    }
    for name, (href, value) in shown.items():
        listed = reader.get(href).context["page_obj"].paginator.count
        assert (name, listed) == (name, value)


def test_the_events_figure_opens_the_days_it_counts(reader):
    href, _value = figures(reader.get(reverse("desk:home")))["events_ahead"]

    today = timezone.localdate()
    assert href == (
        f"/events/?from={today.isoformat()}&to={(today + datetime.timedelta(29)).isoformat()}"
    )
