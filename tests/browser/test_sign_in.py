import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_signs_in_and_out(browser_page):
    UserFactory(username="uz.coordinator", first_name="Malika", last_name="Usmonova")

    browser_page.goto("/events/")
    assert browser_page.url.endswith("/accounts/login/?next=/events/")
    browser_page.fill("input[name=username]", "uz.coordinator")
    browser_page.fill("input[name=password]", PASSWORD)
    browser_page.click("button[type=submit]")

    assert browser_page.title() == "Events · Dostlik"
    browser_page.get_by_role("button", name="Malika Usmonova").click()
    browser_page.get_by_role("button", name="Sign out").click()
    assert browser_page.url.endswith("/accounts/login/")
