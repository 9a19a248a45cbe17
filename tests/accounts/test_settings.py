"""A person's settings page and the time zone every page shows times in: their own, else
their browser's, else their institution's country's, else the site's."""

import datetime
import re
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import ReaderTimeZoneMiddleware
from accounts.models import User
from accounts.time_zones import BROWSER_ZONE_COOKIE, zone_decision
from events.models import Event
from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

SETTINGS = reverse("accounts:settings")
# The name the settings page asks for with every change.
NAME = {"first_name": "Dilnoza", "last_name": "Karimova"}
# The week of a concert in Almaty on 5 October 2026, 19:00 to 21:00 there (UTC+5).
WEEK = f"{reverse('calendars:calendar')}?view=week&date=2026-10-05"


@pytest.fixture
def almaty_coordinator() -> User:
    """A coordinator at an Almaty university whose programme holds the concert."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    kaznu = InstitutionFactory(country=kz)
    programme = joint_programme(
        uz=InstitutionFactory(country=uz), kz=kaznu, status=Programme.Status.ACTIVE
    )
    EventFactory(
        programme=programme,
        host_institution=kaznu,
        title="Abai evening",
        kind=Event.Kind.CONCERT,
        starts_at=datetime.datetime(2026, 10, 5, 19, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty")),
        ends_at=datetime.datetime(2026, 10, 5, 21, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty")),
    )
    return MembershipFactory(institution=kaznu, user__username="kz.coordinator").user


def concert_times(response) -> str:
    """The reader's times of the concert, as the week shows them."""
    page = response.content.decode()
    return re.search(
        r'class="dl-cal-when">(\d\d:\d\d–\d\d:\d\d).{0,200}?Abai evening', page, re.S
    ).group(1)


def zone_line(response) -> str:
    return re.search(
        r"Times in your time zone, <strong>([^<]*)</strong>", response.content.decode()
    ).group(1)


def test_the_settings_page_is_in_the_user_menu(client):
    client.force_login(UserFactory())

    page = client.get(reverse("desk:home")).content.decode()

    assert f'<a class="dropdown-item" href="{SETTINGS}">' in page


def test_a_new_time_zone_shows_the_calendar_s_times_on_that_clock(client, almaty_coordinator):
    client.force_login(almaty_coordinator)
    before = client.get(WEEK)
    assert (zone_line(before), concert_times(before)) == ("Asia/Almaty", "19:00–21:00")
    assert f'<a href="{SETTINGS}">Change your time zone</a>' in before.content.decode()

    response = client.post(SETTINGS, {**NAME, "time_zone": "Europe/Berlin", "language": ""})

    assert (response.status_code, response["Location"]) == (302, SETTINGS)
    almaty_coordinator.refresh_from_db()
    assert (almaty_coordinator.time_zone, almaty_coordinator.language) == ("Europe/Berlin", "")
    after = client.get(WEEK)
    # 14:00 UTC; Berlin keeps summer time (UTC+2) until the last Sunday of October.
    assert (zone_line(after), concert_times(after)) == ("Europe/Berlin", "16:00–18:00")


def test_the_page_says_which_zone_is_used_and_where_it_comes_from(client, almaty_coordinator):
    client.force_login(almaty_coordinator)

    page = client.get(SETTINGS).content.decode()
    client.cookies[BROWSER_ZONE_COOKIE] = "Asia/Bishkek"
    from_browser = client.get(SETTINGS).content.decode()

    assert (
        "Times are shown in Almaty (UTC+05:00), the time zone of your institution&#x27;s country."
        in page
    )
    assert "Times are shown in Bishkek (UTC+06:00), your browser&#x27;s time zone." in from_browser


@pytest.mark.parametrize("zone", ["localtime", "W-SU", "UTC", "Mars/Olympus_Mons"])
def test_a_zone_not_offered_is_refused_and_nothing_saved(client, zone):
    person = UserFactory(time_zone="Asia/Tashkent")
    client.force_login(person)

    response = client.post(SETTINGS, {**NAME, "time_zone": zone, "language": "ru"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time_zone": ["Choose the time zone of a place from the list."]
    }
    person.refresh_from_db()
    assert (person.time_zone, person.language) == ("Asia/Tashkent", "")


def test_the_language_is_saved_and_remembered_by_the_browser(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(SETTINGS, {**NAME, "time_zone": "", "language": "kk"})

    person.refresh_from_db()
    assert (person.language, response.cookies[settings.LANGUAGE_COOKIE_NAME].value) == ("kk", "kk")
    page = client.get(SETTINGS).content.decode()
    assert '<html lang="kk">' in page


def test_a_zone_saved_before_only_places_were_offered_stays_until_changed(client):
    person = UserFactory(time_zone="W-SU")
    client.force_login(person)

    form = client.get(SETTINGS).context["form"]
    response = client.post(SETTINGS, {**NAME, "time_zone": "W-SU", "language": ""})

    assert (form["time_zone"].value(), form.fields["time_zone"].choices[1]) == (
        "W-SU",
        ("W-SU", "W-SU (as saved)"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.time_zone == "W-SU"


# ---- the rule: own, else browser, else institution's country, else the site's ----


def test_the_browser_zone_is_used_when_the_person_set_none(client, almaty_coordinator):
    client.force_login(almaty_coordinator)
    client.cookies[BROWSER_ZONE_COOKIE] = "Europe/Berlin"

    response = client.get(WEEK)

    assert (zone_line(response), concert_times(response)) == ("Europe/Berlin", "16:00–18:00")


def test_the_person_s_own_zone_wins_over_the_browser_s(client, almaty_coordinator):
    almaty_coordinator.time_zone = "Asia/Tashkent"
    almaty_coordinator.save()
    client.force_login(almaty_coordinator)
    client.cookies[BROWSER_ZONE_COOKIE] = "Europe/Berlin"

    response = client.get(WEEK)

    assert (zone_line(response), concert_times(response)) == ("Asia/Tashkent", "19:00–21:00")


@pytest.mark.parametrize(
    ("cookie", "zone"),
    [
        ("Europe/Berlin", ("Europe/Berlin", "browser")),
        # An old name some browsers still report stands for the zone it links to.
        ("Asia/Calcutta", ("Asia/Kolkata", "browser")),
        # No place: ignored.
        ("localtime", ("Asia/Almaty", "institution")),
        ("Factory", ("Asia/Almaty", "institution")),
        ("Europe/Nowhere", ("Asia/Almaty", "institution")),
        ("../../etc/passwd", ("Asia/Almaty", "institution")),
        ("", ("Asia/Almaty", "institution")),
    ],
)
def test_the_browser_s_zone_is_checked_against_the_places_offered(almaty_coordinator, cookie, zone):
    assert zone_decision(almaty_coordinator, cookie) == zone


def test_a_national_coordinator_reads_their_country_s_zone():
    person = NationalCoordinatorFactory(country=CountryFactory(code="KG")).user

    assert zone_decision(person) == ("Asia/Bishkek", "institution")


def test_without_a_role_or_browser_the_site_s_zone_is_used(settings):
    settings.TIME_ZONE = "Asia/Tashkent"

    assert zone_decision(UserFactory()) == ("Asia/Tashkent", "site")


def middleware_zone(request) -> str:
    """The zone active while ``ReaderTimeZoneMiddleware`` hands ``request`` on."""
    response = ReaderTimeZoneMiddleware(lambda request: timezone.get_current_timezone_name())(
        request
    )
    return response


@pytest.mark.parametrize(
    ("cookie", "zone"),
    [("Europe/Berlin", "Europe/Berlin"), ("localtime", "Asia/Tashkent"), (None, "Asia/Tashkent")],
)
def test_an_anonymous_reader_gets_their_browser_s_zone_else_the_site_s(settings, cookie, zone):
    settings.TIME_ZONE = "Asia/Tashkent"
    request = RequestFactory().get("/public/")
    if cookie is not None:
        request.COOKIES[BROWSER_ZONE_COOKIE] = cookie
    request.user = AnonymousUser()

    assert middleware_zone(request) == zone
    assert timezone.get_current_timezone_name() == "Asia/Tashkent"


def test_a_name_is_one_line_and_is_needed(client):
    person = UserFactory(first_name="Dilnoza", last_name="Karimova")
    client.force_login(person)

    broken = client.post(
        SETTINGS, {"first_name": "Dil\nnoza", "last_name": "", "time_zone": "", "language": ""}
    )

    person.refresh_from_db()
    assert broken.context["form"].errors == {
        "first_name": ["Line breaks, tabs and other control characters are not allowed here."],
        "last_name": ["This field is required."],
    }
    assert (person.first_name, person.last_name) == ("Dilnoza", "Karimova")
