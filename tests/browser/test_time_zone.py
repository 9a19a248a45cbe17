"""A reader in Berlin sees the calendar on Berlin's clock without setting anything, and sets
another zone from the user menu."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def berlin_page(chromium, live_server):
    """A browser whose clock is Berlin's."""
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def zone_shown(page) -> str:
    return page.locator(".dl-subtitle strong").inner_text()


def test_the_browser_s_zone_is_used_until_the_person_sets_one(berlin_page, live_server):
    UserFactory(username="uz.coordinator", first_name="Malika", last_name="Usmonova")
    page = berlin_page
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "uz.coordinator")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_load_state("load")
    # The first page told the server the browser's zone.
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["dostlik_time_zone"] == "Europe/Berlin"

    page.goto("/calendar/")
    assert zone_shown(page) == "Europe/Berlin"

    page.get_by_role("button", name="Malika Usmonova").click()
    page.get_by_role("link", name="Your settings").click()
    page.get_by_label("Time zone", exact=True).select_option("Asia/Tashkent")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".dl-subtitle").inner_text() == (
        "Times are shown in Tashkent (UTC+05:00), the time zone you set."
    )

    page.goto("/calendar/")
    assert zone_shown(page) == "Asia/Tashkent"
    page.get_by_role("link", name="Change your time zone").click()
    assert page.url.endswith("/accounts/settings/")
