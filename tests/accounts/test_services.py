import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import user_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_create_sets_a_usable_password():
    user_create(
        username="dilnoza",
        password="s3cret-Pass",
        email="dilnoza@example.org",
        first_name="Dilnoza",
        last_name="Karimova",
    )

    user = User.objects.get(username="dilnoza")
    assert user.has_usable_password() is True
    assert user.check_password("s3cret-Pass") is True
    assert user.check_password("wrong") is False
    assert (user.email, user.get_full_name(), user.is_staff, user.is_superuser) == (
        "dilnoza@example.org",
        "Dilnoza Karimova",
        False,
        False,
    )


def test_user_create_without_password_leaves_it_unusable():
    user_create(username="importer", password=None)

    user = User.objects.get(username="importer")
    assert user.has_usable_password() is False
    assert user.check_password("") is False


def test_a_superuser_is_also_staff():
    user_create(username="operator", password="s3cret-Pass", is_superuser=True)

    user = User.objects.get(username="operator")
    assert (user.is_superuser, user.is_staff) == (True, True)


INVALID_USERNAME = (
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
    "characters."
)


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("has space", INVALID_USERNAME),
        ("semi;colon", INVALID_USERNAME),
        ("slash/name", INVALID_USERNAME),
        ("", "This field cannot be blank."),
    ],
    ids=["space", "semicolon", "slash", "empty"],
)
def test_user_create_refuses_a_bad_username(username, message):
    with pytest.raises(ValidationError) as refused:
        user_create(username=username, password="s3cret-Pass")

    assert refused.value.message_dict == {"username": [message]}
    assert User.objects.count() == 0


def test_user_create_refuses_a_taken_username():
    UserFactory(username="aibek")

    with pytest.raises(ValidationError) as refused:
        user_create(username="aibek", password="s3cret-Pass")

    assert refused.value.message_dict == {"username": ["A user with that username already exists."]}
    assert User.objects.count() == 1
