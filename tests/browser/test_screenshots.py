"""The pages the README shows, in a real browser: the desk in each of its four languages, the
reports and the public portal. With DOSTLIK_SCREENSHOTS set to a folder (``make
screenshots``), the pictures are saved there for the README."""

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from events.models import Event
from programmes.models import Programme
from programmes.services import programme_update

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "dostlik-demo"
SCREENSHOTS = os.environ.get("DOSTLIK_SCREENSHOTS", "")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses to run in production
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


def keep(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", ["en", "ru", "uz", "kk"])
def test_the_desk_speaks_each_language_of_its_users(demo, signed_in, language):
    User.objects.filter(username="uz.coordinator").update(language=language)
    page = signed_in("uz.coordinator", DEMO_PASSWORD)
    programme = Programme.objects.get(title="Abay. Heritage of Fraternal Peoples")

    page.goto(f"/programmes/{programme.pk}/")

    assert page.locator("html").get_attribute("lang") == language
    partners = translated(language, "Partners")
    assert (language == "en") == (partners == "Partners")
    assert page.get_by_role("heading", name=partners).count() == 1
    keep(page, f"programme-{language}")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_reports_speak_russian_and_kazakh(demo, signed_in, language):
    User.objects.filter(username="kz.national").update(language=language)
    page = signed_in("kz.national", DEMO_PASSWORD)

    page.goto("/reports/")

    assert page.title().startswith(translated(language, "Reports"))
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("svg").count() >= 1
    keep(page, f"reports-{language}")


def test_the_reports_show_each_countrys_part(demo, signed_in):
    page = signed_in("uz.national", DEMO_PASSWORD)

    page.goto("/reports/")
    assert page.title().startswith("Reports")
    assert page.locator("svg").count() >= 1
    keep(page, "reports")
    page.goto("/reports/balance/")
    assert page.locator("table").count() >= 1
    keep(page, "balance")


def test_the_decision_panel_shows_what_changed_since_a_country_decided(demo, signed_in):
    programme = Programme.objects.get(title="Navoi and Abai: joint research in the humanities")
    lead = programme.partnerships.get(role="lead").institution
    programme_update(
        programme=programme,
        actor=lead.memberships.first().user,
        version=programme.version,
        budget_amount=Decimal("45000.00"),
    )
    page = signed_in("kz.national", DEMO_PASSWORD)

    page.goto(f"/programmes/{programme.pk}/")
    panel = page.locator("section[aria-labelledby=decisions-heading]")
    uzbekistan = " ".join(panel.locator("[data-country=UZ]").inner_text().split())

    assert "Current version 3 differs:" in uzbekistan
    assert "40,000.00" in uzbekistan and "45,000.00" in uzbekistan
    if SCREENSHOTS:
        panel.screenshot(path=str(Path(SCREENSHOTS) / "decision-difference.png"))


def test_the_public_portal_shows_public_events_to_anyone(demo, browser_page):
    abay = Event.objects.get(title="Abay. Heritage of Fraternal Peoples")

    browser_page.goto("/public/")
    assert browser_page.url.endswith("/public/")
    keep(browser_page, "public")
    browser_page.goto(f"/public/events/{abay.pk}/")
    assert browser_page.get_by_role("heading", name=abay.title).count() == 1
    assert "19 December 2022" in browser_page.content()
    keep(browser_page, "public-event")
