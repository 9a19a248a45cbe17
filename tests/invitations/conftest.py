import re

import pytest

from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    NationalCoordinatorFactory,
    UserFactory,
)


@pytest.fixture
def uz():
    return CountryFactory(code="UZ")


@pytest.fixture
def kz():
    return CountryFactory(code="KZ")


@pytest.fixture
def uwed(uz):
    return InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)


@pytest.fixture
def kaznu(kz):
    return InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)


@pytest.fixture
def uz_national(uz):
    return NationalCoordinatorFactory(
        country=uz, user__username="uz.national", user__first_name="Dilnoza", user__last_name="K"
    ).user


@pytest.fixture
def administrator():
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def sent_mail(django_capture_on_commit_callbacks, mailoutbox):
    """Run what a block queues on commit; the messages it sent."""

    class Sent:
        def __init__(self):
            self.outbox = mailoutbox

        def __call__(self):
            return django_capture_on_commit_callbacks(execute=True)

    return Sent()


def token_in(body: str) -> str:
    return re.search(r"/invitations/([A-Za-z0-9_-]{20,})/", body).group(1)
