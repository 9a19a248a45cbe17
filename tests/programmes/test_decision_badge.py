"""The badge of "Decisions" in the navigation counts what the decision queue lists as waiting
for the reader, in one query whatever the number of programmes, read again only once the
content changed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    DecisionFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status
BADGE = re.compile(r"data-decisions-waiting>(\d+)<")


@pytest.fixture
def world():
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    ministry, university = InstitutionFactory(country=uz), InstitutionFactory(country=uz)
    kaznu = InstitutionFactory(country=kz)
    uz_national = NationalCoordinatorFactory(country=uz).user
    # Also a coordinator of the ministry: another national coordinator decides on its programmes.
    MembershipFactory(user=uz_national, institution=ministry)
    people = {
        "uz national": uz_national,
        "kz national": NationalCoordinatorFactory(country=kz).user,
        "administrator": UserFactory(is_superuser=True, is_staff=True),
        "coordinator": MembershipFactory(institution=university).user,
    }
    waiting = [joint_programme(uz=university, kz=kaznu, status=Status.SUBMITTED) for _ in range(3)]
    joint_programme(uz=ministry, kz=kaznu, status=Status.SUBMITTED)
    joint_programme(uz=university, kz=kaznu, status=Status.DRAFT)
    joint_programme(uz=university, kz=kaznu, status=Status.APPROVED)
    # Uzbekistan decided on the first; Kazakhstan on the second; both on the third.
    DecisionFactory(programme=waiting[0], country=uz)
    DecisionFactory(programme=waiting[1], country=kz)
    DecisionFactory(programme=waiting[2], country=uz)
    DecisionFactory(programme=waiting[2], country=kz)
    return people


def badge(client, path: str) -> int:
    found = BADGE.findall(client.get(path).content.decode())
    return int(found[0]) if found else 0


@pytest.mark.parametrize("person", ["uz national", "kz national", "administrator"])
def test_the_badge_counts_what_the_queue_lists_as_waiting(client, world, person):
    client.force_login(world[person])

    queue = client.get(reverse("programmes:decisions"))

    assert badge(client, reverse("programmes:list")) == len(queue.context["waiting"])


def test_the_counts_each_reader_sees(client, world):
    counts = {}
    for person, user in world.items():
        client.force_login(user)
        counts[person] = badge(client, reverse("programmes:list"))

    assert counts == {"uz national": 2, "kz national": 2, "administrator": 3, "coordinator": 0}


def _badge_queries(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT COUNT(*)") and "programmes_decision" in query["sql"]
    ]


def test_the_badge_costs_one_query_whatever_the_number_waiting(client, world):
    uz_national = world["uz national"]
    client.force_login(uz_national)
    path = reverse("programmes:list")

    with CaptureQueriesContext(connection) as few:
        client.get(path)
    few_queries = len(few.captured_queries)
    kaznu = Programme.objects.filter(partnerships__institution__country__code="KZ").first()
    university = Programme.objects.filter(status=Status.SUBMITTED).first()
    lead = university.partnerships.get(role="lead").institution
    partner = kaznu.partnerships.exclude(institution__country__code="UZ").first().institution
    for _ in range(10):
        joint_programme(uz=lead, kz=partner, status=Status.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    # Read before another request empties the log the captured queries are read from.
    badge_queries = _badge_queries(many)

    assert len(many.captured_queries) == few_queries
    assert len(badge_queries) == 1
    assert BADGE.findall(response.content.decode()) == ["12"]


def test_the_badge_is_read_again_only_once_the_content_changed(client, world):
    client.force_login(world["uz national"])
    path = reverse("programmes:list")
    client.get(path)

    with CaptureQueriesContext(connection) as unchanged:
        response = client.get(path)
    unchanged_reads = len(_badge_queries(unchanged))
    unchanged_badge = BADGE.findall(response.content.decode())
    programme = Programme.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    university = programme.partnerships.get(role="lead").institution
    kaznu = programme.partnerships.exclude(role="lead").get().institution
    # A programme put before the countries through the services moves the content.
    joint_programme(uz=university, kz=kaznu, status=Status.SUBMITTED)
    with CaptureQueriesContext(connection) as changed:
        response = client.get(path)

    assert (unchanged_reads, unchanged_badge) == (0, ["2"])
    assert (len(_badge_queries(changed)), BADGE.findall(response.content.decode())) == (1, ["3"])
