"""Attacks and abuse: the sign-in lockout, the rate limits, and sessions that really end.

django-axes and django-ratelimit are off for the rest of the suite (config/test_settings.py);
these tests switch them on.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from calendars import services as calendar_services
from core.ratelimits import client_address
from tests.factories import PASSWORD, UserFactory

ATTACKER = "203.0.113.7"
COORDINATOR_OFFICE = "198.51.100.20"
WRONG_PASSWORD = "not-the-password"


@pytest.fixture
def guards_on(settings):
    """django-axes and django-ratelimit as in production, with a fresh rate-limit count."""
    settings.AXES_ENABLED = True
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield settings
    cache.clear()


def sign_in(client, *, username, password, address, url=None):
    return client.post(
        url or reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def is_signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def fail_until_locked(client, *, username, address, url=None):
    for _attempt in range(5):
        sign_in(client, username=username, password=WRONG_PASSWORD, address=address, url=url)


@pytest.mark.django_db
class TestLockout:
    def test_five_failures_lock_that_username_from_that_address(self, client, guards_on):
        coordinator = UserFactory()
        fail_until_locked(client, username=coordinator.username, address=ATTACKER)

        response = sign_in(
            client, username=coordinator.username, password=PASSWORD, address=ATTACKER
        )

        assert response.status_code == 429
        assert "Sign-in paused after too many failed attempts" in response.text
        assert response.context["cooloff_timedelta"] == datetime.timedelta(minutes=15)
        assert "Please try again in 15 minutes." in response.text
        assert is_signed_in(client, coordinator) is False

    def test_four_failures_do_not_lock(self, client, guards_on):
        coordinator = UserFactory()
        for _attempt in range(4):
            sign_in(
                client, username=coordinator.username, password=WRONG_PASSWORD, address=ATTACKER
            )

        response = sign_in(
            client, username=coordinator.username, password=PASSWORD, address=ATTACKER
        )

        assert response.status_code == 302
        assert is_signed_in(client, coordinator) is True

    def test_another_address_still_signs_in_as_that_user(self, client, guards_on):
        coordinator = UserFactory()
        fail_until_locked(client, username=coordinator.username, address=ATTACKER)

        response = sign_in(
            client, username=coordinator.username, password=PASSWORD, address=COORDINATOR_OFFICE
        )

        assert response.status_code == 302
        assert response.url == reverse("desk:home")
        assert is_signed_in(client, coordinator) is True

    def test_lock_ends_when_cool_off_has_passed(self, client, guards_on):
        coordinator = UserFactory()
        fail_until_locked(client, username=coordinator.username, address=ATTACKER)
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

        response = sign_in(
            client, username=coordinator.username, password=PASSWORD, address=ATTACKER
        )

        assert response.status_code == 302
        assert is_signed_in(client, coordinator) is True

    def test_lock_holds_within_cool_off(self, client, guards_on):
        coordinator = UserFactory()
        fail_until_locked(client, username=coordinator.username, address=ATTACKER)
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))

        response = sign_in(
            client, username=coordinator.username, password=PASSWORD, address=ATTACKER
        )

        assert response.status_code == 429
        assert is_signed_in(client, coordinator) is False

    def test_success_resets_the_count(self, client, guards_on):
        coordinator = UserFactory()
        for _attempt in range(4):
            sign_in(
                client, username=coordinator.username, password=WRONG_PASSWORD, address=ATTACKER
            )
        sign_in(client, username=coordinator.username, password=PASSWORD, address=ATTACKER)
        client.post(reverse("accounts:logout"))

        assert AccessAttempt.objects.filter(username=coordinator.username).count() == 0
        for _attempt in range(4):
            sign_in(
                client, username=coordinator.username, password=WRONG_PASSWORD, address=ATTACKER
            )
        response = sign_in(
            client, username=coordinator.username, password=PASSWORD, address=ATTACKER
        )

        assert response.status_code == 302
        assert is_signed_in(client, coordinator) is True

    def test_admin_sign_in_is_locked_too(self, client, guards_on):
        administrator = UserFactory(is_staff=True, is_superuser=True)
        admin_login = reverse("admin:login")
        fail_until_locked(
            client, username=administrator.username, address=ATTACKER, url=admin_login
        )

        response = sign_in(
            client,
            username=administrator.username,
            password=PASSWORD,
            address=ATTACKER,
            url=admin_login,
        )

        assert response.status_code == 429
        assert is_signed_in(client, administrator) is False

    def test_forwarded_for_is_ignored_without_a_trusted_proxy(self, client, guards_on):
        """A client cannot escape its lock by claiming another address in X-Forwarded-For."""
        coordinator = UserFactory()
        fail_until_locked(client, username=coordinator.username, address=ATTACKER)

        response = client.post(
            reverse("accounts:login"),
            {"username": coordinator.username, "password": PASSWORD},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=COORDINATOR_OFFICE,
        )

        assert response.status_code == 429
        assert is_signed_in(client, coordinator) is False


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "198.51.100.20", "10.0.0.1"),  # no proxy of ours: the header is the client's word
        (1, "6.6.6.6, 198.51.100.20", "198.51.100.20"),  # nginx appended the real client
        (2, "6.6.6.6, 198.51.100.20, 10.0.0.5", "198.51.100.20"),  # load balancer, then nginx
        (2, "198.51.100.20", "10.0.0.1"),  # fewer entries than proxies: not through ours
    ],
)
def test_client_address_trusts_only_our_proxies(rf, settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_address(request) == expected


@pytest.mark.django_db
class TestRateLimits:
    def test_login_posts_over_the_limit_answer_429(self, client, guards_on):
        guards_on.RATELIMIT_RATES = {**guards_on.RATELIMIT_RATES, "login": "3/h"}
        statuses = [
            sign_in(
                client, username=f"nobody{n}", password=WRONG_PASSWORD, address=ATTACKER
            ).status_code
            for n in range(4)
        ]

        assert statuses == [200, 200, 200, 429]
        # Another address has its own count.
        other = sign_in(
            client, username="nobody", password=WRONG_PASSWORD, address=COORDINATOR_OFFICE
        )
        assert other.status_code == 200

    def test_every_sign_in_door_counts_against_one_limit_per_address(self, client, guards_on):
        guards_on.RATELIMIT_RATES = {**guards_on.RATELIMIT_RATES, "login": "3/h"}
        doors = [None, reverse("admin:login"), None, reverse("admin:login")]

        statuses = [
            sign_in(
                client, username=f"nobody{n}", password=WRONG_PASSWORD, address=ATTACKER, url=url
            ).status_code
            for n, url in enumerate(doors)
        ]

        assert reverse("admin:login") == "/admin/login/"
        assert statuses == [200, 200, 200, 429]

    def test_public_searches_are_limited_per_address(self, client, guards_on):
        guards_on.RATELIMIT_RATES = {**guards_on.RATELIMIT_RATES, "public-search": "2/h"}

        def search(name: str, address: str, **query) -> int:
            return client.get(reverse(name), query, REMOTE_ADDR=address).status_code

        statuses = [
            search("public:events", ATTACKER, q="abay"),
            search("public:programmes", ATTACKER, q="abay"),
            search("public:events", ATTACKER, q="abay"),
        ]

        assert statuses == [200, 200, 429]
        # Browsing without a search is not counted; another address has its own share.
        assert search("public:events", ATTACKER) == 200
        assert search("public:events", COORDINATOR_OFFICE, q="abay") == 200

    def test_the_429_answer_is_short_and_plain(self, client, guards_on):
        guards_on.RATELIMIT_RATES = {**guards_on.RATELIMIT_RATES, "login": "1/h"}
        sign_in(client, username="nobody", password=WRONG_PASSWORD, address=ATTACKER)

        response = sign_in(client, username="nobody", password=WRONG_PASSWORD, address=ATTACKER)

        assert response.status_code == 429
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.text == "Too many requests. Please wait a minute and try again."

    def test_feed_fetches_over_the_limit_answer_429(self, client, guards_on):
        guards_on.RATELIMIT_RATES = {**guards_on.RATELIMIT_RATES, "feed": "2/h"}
        owner = UserFactory()
        busy = calendar_services.feed_create(owner=owner, name="Concerts")
        quiet = calendar_services.feed_create(owner=owner, name="Exhibitions")
        busy_url = reverse("calendars:feed", kwargs={"token": busy.token})

        statuses = [client.get(busy_url).status_code for _fetch in range(3)]
        quiet_status = client.get(
            reverse("calendars:feed", kwargs={"token": quiet.token})
        ).status_code

        assert statuses == [200, 200, 429]
        # Counted per feed: another feed fetched from the same address is unaffected.
        assert quiet_status == 200

    def test_guessing_feed_tokens_is_limited_per_address(
        self, client, guards_on, django_assert_num_queries
    ):
        guards_on.RATELIMIT_RATES = {**guards_on.RATELIMIT_RATES, "feed-unknown": "3/h"}
        real = calendar_services.feed_create(owner=UserFactory(), name="Concerts")

        def fetch(token: str, address: str) -> int:
            url = reverse("calendars:feed", kwargs={"token": token})
            return client.get(url, REMOTE_ADDR=address).status_code

        guesses = [fetch(f"guess{n}", ATTACKER) for n in range(4)]
        with django_assert_num_queries(0):
            assert fetch("guess-again", ATTACKER) == 429

        assert guesses == [404, 404, 404, 429]
        # Another address has its own count, and a real feed is served there.
        assert (fetch("guess", COORDINATOR_OFFICE), fetch(real.token, COORDINATOR_OFFICE)) == (
            404,
            200,
        )


@pytest.mark.django_db
class TestSessionsEnd:
    def test_logout_ends_the_session_for_whoever_kept_the_cookie(self, client, guards_on):
        person = UserFactory()
        sign_in(client, username=person.username, password=PASSWORD, address=COORDINATOR_OFFICE)
        old_cookie = client.cookies["sessionid"].value
        assert client.get(reverse("desk:home")).status_code == 200

        client.post(reverse("accounts:logout"))
        thief = client_class_with_cookie(client, old_cookie)
        response = thief.get(reverse("desk:home"))

        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next=/"

    def test_deactivated_user_is_signed_out_at_the_next_request(self, client, guards_on):
        person = UserFactory()
        sign_in(client, username=person.username, password=PASSWORD, address=COORDINATOR_OFFICE)
        assert client.get(reverse("desk:home")).status_code == 200

        # What unticking "active" in the admin does.
        User.objects.filter(pk=person.pk).update(is_active=False)
        response = client.get(reverse("desk:home"))

        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next=/"

    def test_deactivated_user_cannot_sign_in_again(self, client, guards_on):
        person = UserFactory(is_active=False)

        response = sign_in(
            client, username=person.username, password=PASSWORD, address=COORDINATOR_OFFICE
        )

        assert response.status_code == 200
        assert is_signed_in(client, person) is False


def client_class_with_cookie(client, session_key: str):
    """A fresh client of the same kind holding only the given session cookie."""
    other = type(client)()
    other.cookies["sessionid"] = session_key
    return other
