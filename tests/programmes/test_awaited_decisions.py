"""The approvals panel of a submitted programme says whose decision it waits for."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from programmes.models import Programme
from programmes.selectors import programme_get, programme_standings
from tests.factories import (
    CountryFactory,
    DecisionFactory,
    InstitutionFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    uz = InstitutionFactory(country=CountryFactory(code="UZ"))
    kz = InstitutionFactory(country=CountryFactory(code="KZ"))
    return joint_programme(uz=uz, kz=kz, status=Programme.Status.SUBMITTED)


def panel(programme: Programme) -> str:
    programme = programme_get(user=UserFactory(is_superuser=True), pk=programme.pk)
    return render_to_string(
        "programmes/includes/awaited_decisions.html",
        {"programme": programme, "standings": programme_standings(programme=programme)},
    ).strip()


def awaited_text(html: str) -> str:
    return html.rsplit("</i>", 1)[-1].removesuffix("</p>") if html else ""


def test_a_submitted_programme_awaits_every_country_that_has_not_decided(submitted):
    assert awaited_text(panel(submitted)) == "Awaiting the decision of Kazakhstan and Uzbekistan"


def test_a_country_that_decided_is_no_longer_awaited(submitted):
    DecisionFactory(
        programme=submitted, country=submitted.partnerships.get(role="lead").institution.country
    )

    assert awaited_text(panel(submitted)) == "Awaiting the decision of Kazakhstan"


def test_a_programme_not_before_the_countries_awaits_nobody(submitted):
    Programme.objects.filter(pk=submitted.pk).update(status=Programme.Status.DRAFT)

    assert panel(submitted) == ""


def test_the_programme_page_says_whose_decision_it_awaits(client, submitted):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    content = client.get(reverse("programmes:detail", args=[submitted.pk])).content.decode()

    assert content.count("Awaiting the decision of Kazakhstan and Uzbekistan</p>") == 1
