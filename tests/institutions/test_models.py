"""The database itself refuses rows that break the institutions' rules, whoever writes them."""

import pytest
from django.db import IntegrityError, transaction

from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    ViewerFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(write):
    """``write`` fails on a database constraint; the savepoint keeps the test's transaction."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.parametrize("code", ["uz", "Uz", "U1", "U", "1Z"])
def test_country_code_must_be_two_capitals(code):
    assert_refused(
        lambda: Country.objects.create(code=code, name="Somewhere", time_zone="Asia/Tashkent")
    )
    Country.objects.create(code="UZ", name="Somewhere", time_zone="Asia/Tashkent")
    assert list(Country.objects.values_list("code", flat=True)) == ["UZ"]


def test_country_code_of_two_capitals_is_accepted():
    Country.objects.create(code="KG", name="Kyrgyzstan", time_zone="Asia/Bishkek")

    assert list(Country.objects.values_list("code", flat=True)) == ["KG"]


def test_country_code_cannot_be_changed_to_lower_case():
    country = CountryFactory(code="UZ")

    assert_refused(lambda: Country.objects.filter(pk=country.pk).update(code="uz"))
    country.refresh_from_db()
    assert country.code == "UZ"


def test_institution_name_is_unique_within_its_country_only():
    uzbekistan = CountryFactory(code="UZ")
    kazakhstan = CountryFactory(code="KZ")
    InstitutionFactory(name="National Library", country=uzbekistan)

    assert_refused(
        lambda: Institution.objects.create(
            name="National Library", kind="library", country=uzbekistan, city="Tashkent"
        )
    )
    Institution.objects.create(
        name="National Library", kind="library", country=kazakhstan, city="Astana"
    )
    assert Institution.objects.filter(name="National Library").count() == 2


def test_a_user_is_member_of_an_institution_once():
    membership = MembershipFactory()

    assert_refused(
        lambda: Membership.objects.create(user=membership.user, institution=membership.institution)
    )
    other_institution = InstitutionFactory()
    Membership.objects.create(user=membership.user, institution=other_institution)
    assert set(membership.user.memberships.values_list("institution", flat=True)) == {
        membership.institution.pk,
        other_institution.pk,
    }


def test_a_user_is_national_coordinator_of_a_country_once():
    role = NationalCoordinatorFactory(country=CountryFactory(code="UZ"))

    assert_refused(lambda: NationalCoordinator.objects.create(user=role.user, country=role.country))
    kazakhstan = CountryFactory(code="KZ")
    NationalCoordinator.objects.create(user=role.user, country=kazakhstan)
    # Ordered by country name: Kazakhstan before Uzbekistan.
    assert list(role.user.national_roles.values_list("country__code", flat=True)) == ["KZ", "UZ"]


def test_a_user_has_one_viewer_role():
    viewer = ViewerFactory()

    assert_refused(lambda: Viewer.objects.create(user=viewer.user))
    Viewer.objects.create(user=UserFactory())
    assert Viewer.objects.count() == 2
