"""The reports in a real browser (Playwright driving the system's chromium): the navigation
keeps to one line with the Reports item, the charts draw, a table downloads, and the two reports
lead to each other with their filters."""

import datetime
from pathlib import Path

import pytest

from programmes.models import Programme
from tests.factories import PASSWORD, CountryFactory, InstitutionFactory
from tests.reports.conftest import programme

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = Path("/usr/bin/chromium")
# How far the user menu reaches past the end of the navigation's content box, in pixels.
NAV_OVERFLOW = """() => {
  const box = document.querySelector("nav.navbar .container-xl");
  const right = box.getBoundingClientRect().right - parseFloat(getComputedStyle(box).paddingRight);
  const menus = document.querySelectorAll("#main-nav > ul");
  return menus[menus.length - 1].getBoundingClientRect().right - right;
}"""


@pytest.fixture(scope="module")
def chromium():
    """One browser for the module; its event loop must not outlive the module's tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def admin_page(chromium, live_server, world):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", world.admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=username]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


@pytest.mark.parametrize("width", [992, 1280, 1400])
def test_the_navigation_fits_on_one_line_for_an_administrator(admin_page, width):
    admin_page.set_viewport_size({"width": width, "height": 900})
    admin_page.goto("/reports/?year=2025")

    assert admin_page.evaluate(NAV_OVERFLOW) <= 0
    assert admin_page.evaluate("document.documentElement.scrollWidth") == width
    reports_link = admin_page.get_by_role("link", name="Reports", exact=True).first
    assert reports_link.get_attribute("aria-current") == "page"


def test_the_report_draws_its_charts_and_downloads_a_table(admin_page):
    admin_page.goto("/reports/?year=2025")

    chart = admin_page.get_by_role("img", name="Programmes by status and country")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 600
    with admin_page.expect_download() as download:
        admin_page.locator("#funding").get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "dostlik-funding-2025.xlsx"

    admin_page.get_by_role("link", name="Balance between countries").click()
    admin_page.wait_for_url("**/reports/balance/?year=2025")
    assert admin_page.get_by_role("heading", level=1).inner_text() == "Balance between countries"
    assert admin_page.get_by_role(
        "img", name="Share of the events hosted, year by year"
    ).is_visible()


# Every text of every chart, as chromium draws it, against the chart's own box.
TEXTS_OUTSIDE_THEIR_CHART = """() => [...document.querySelectorAll("svg[role=img] text")]
  .map((text) => {
    const box = text.getBBox();
    const view = text.ownerSVGElement.viewBox.baseVal;
    return {said: text.textContent, left: box.x, right: box.x + box.width, width: view.width};
  })
  .filter((text) => text.left < 0 || text.right > text.width)"""


@pytest.mark.parametrize("language", ["ru", "kk", "uz", "en"])
def test_no_chart_text_is_cut_at_its_edges(admin_page, world, language):
    turkmenistan = CountryFactory(code="TM", name="Turkmenistan")
    programme(
        Programme.Status.ACTIVE,
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        (InstitutionFactory(country=turkmenistan), "47300000.00", "UZS"),
        (world.uz_uni, None, ""),
    )
    world.admin.language = language
    world.admin.save(update_fields=["language"])

    admin_page.goto("/reports/?year=2025")

    assert admin_page.locator("svg[role=img] text").count() > 30
    assert admin_page.evaluate(TEXTS_OUTSIDE_THEIR_CHART) == []
