import pytest
from django.core.exceptions import ValidationError

from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from institutions.services import (
    country_create,
    institution_create,
    membership_add,
    national_coordinator_add,
    viewer_add,
)
from tests.factories import CountryFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_country_create_stores_the_code_in_capitals():
    country = country_create(code="kg", name="Kyrgyzstan", time_zone="Asia/Bishkek")

    country.refresh_from_db()
    assert (country.code, country.name, country.time_zone) == ("KG", "Kyrgyzstan", "Asia/Bishkek")


def test_country_create_refuses_an_unknown_time_zone():
    with pytest.raises(ValidationError) as refused:
        country_create(code="KG", name="Kyrgyzstan", time_zone="Asia/Atlantis")

    assert refused.value.message_dict == {
        "time_zone": ["Asia/Atlantis is not a known IANA time zone."]
    }
    assert Country.objects.count() == 0


def test_country_create_refuses_a_code_that_is_not_two_letters():
    with pytest.raises(ValidationError) as refused:
        country_create(code="k1", name="Kyrgyzstan", time_zone="Asia/Bishkek")

    # A check constraint speaks for the whole row, not for one field.
    assert refused.value.message_dict == {
        "__all__": ["The ISO code is two capital letters, e.g. UZ."]
    }
    assert Country.objects.count() == 0


def test_country_create_refuses_a_second_country_with_the_same_code():
    country_create(code="UZ", name="Uzbekistan", time_zone="Asia/Tashkent")

    with pytest.raises(ValidationError) as refused:
        country_create(code="uz", name="Uzbekistan again", time_zone="Asia/Tashkent")

    assert refused.value.message_dict == {"code": ["Country with this ISO code already exists."]}
    assert Country.objects.count() == 1


def test_institution_create_saves_every_field():
    kazakhstan = CountryFactory(code="KZ")

    institution = institution_create(
        name="Al-Farabi Kazakh National University",
        short_name="KazNU",
        kind=Institution.Kind.UNIVERSITY,
        country=kazakhstan,
        city="Almaty",
        website="https://www.kaznu.kz",
        description="Partner in joint degree programmes.",
    )

    stored = Institution.objects.get(pk=institution.pk)
    assert (
        stored.name,
        stored.short_name,
        stored.kind,
        stored.country,
        stored.city,
        stored.website,
        stored.description,
        stored.is_active,
    ) == (
        "Al-Farabi Kazakh National University",
        "KazNU",
        "university",
        kazakhstan,
        "Almaty",
        "https://www.kaznu.kz",
        "Partner in joint degree programmes.",
        True,
    )


def test_institution_create_refuses_an_unknown_kind():
    with pytest.raises(ValidationError) as refused:
        institution_create(
            name="Somewhere", kind="circus", country=CountryFactory(), city="Tashkent"
        )

    assert refused.value.message_dict == {"kind": ["Value 'circus' is not a valid choice."]}
    assert Institution.objects.count() == 0


def test_membership_add_makes_the_user_a_coordinator():
    user = UserFactory()
    institution = InstitutionFactory()

    membership = membership_add(user=user, institution=institution)

    assert list(Membership.objects.values_list("pk", "user", "institution")) == [
        (membership.pk, user.pk, institution.pk)
    ]


def test_membership_add_refuses_a_duplicate_with_a_validation_error():
    user = UserFactory()
    institution = InstitutionFactory()
    membership_add(user=user, institution=institution)

    with pytest.raises(ValidationError) as refused:
        membership_add(user=user, institution=institution)

    assert refused.value.message_dict == {
        "__all__": ["This person already coordinates this institution."]
    }
    assert Membership.objects.count() == 1


def test_national_coordinator_add_gives_the_user_a_country():
    user = UserFactory()
    kazakhstan = CountryFactory(code="KZ")

    role = national_coordinator_add(user=user, country=kazakhstan)

    assert list(NationalCoordinator.objects.values_list("pk", "user", "country")) == [
        (role.pk, user.pk, kazakhstan.pk)
    ]


def test_national_coordinator_add_refuses_a_duplicate():
    user = UserFactory()
    uzbekistan = CountryFactory(code="UZ")
    national_coordinator_add(user=user, country=uzbekistan)

    with pytest.raises(ValidationError) as refused:
        national_coordinator_add(user=user, country=uzbekistan)

    assert refused.value.message_dict == {
        "__all__": ["This person is already a national coordinator of this country."]
    }
    assert NationalCoordinator.objects.count() == 1


def test_viewer_add_records_the_country_and_institution():
    user = UserFactory()
    institution = InstitutionFactory()

    viewer = viewer_add(user=user, country=institution.country, institution=institution)

    stored = Viewer.objects.get(pk=viewer.pk)
    assert (stored.user, stored.country, stored.institution) == (
        user,
        institution.country,
        institution,
    )


def test_viewer_add_without_country_or_institution():
    user = UserFactory()

    viewer_add(user=user)

    assert list(Viewer.objects.values_list("user", "country", "institution")) == [
        (user.pk, None, None)
    ]


def test_viewer_add_refuses_a_second_viewer_role_for_the_same_user():
    user = UserFactory()
    viewer_add(user=user)

    with pytest.raises(ValidationError) as refused:
        viewer_add(user=user, country=CountryFactory())

    assert refused.value.message_dict == {"user": ["Viewer with this User already exists."]}
    assert Viewer.objects.count() == 1
