"""Every page of the site and of the public portal, checked by axe-core (WCAG 2.2 AA, installed
from npm into tests/browser/node_modules, no CDN) in chromium at a desktop's and a phone's
width: no violation of any impact. The admin's own Django templates are exempt.

The pages are found as a person finds them: by following the links of each page from the home
pages, signed in as the administrator (who reaches every page of the desk) and signed out (the
public portal and the sign-in page); one page of each view, and of each of a view's modes
(``?view=week``), is checked."""

import io
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DEMO_PASSWORD = "dostlik-demo"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Not pages of the site: the admin (Django's own templates), files, signing out.
NOT_PAGES = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
FILES = (".ics", ".csv", ".xlsx", ".pdf", ".zip", ".svg", ".png", ".json")
MAX_PAGES = 120
PUBLIC_VIEWS = [
    "accounts:login",
    "public:calendar",
    "public:event",
    "public:events",
    "public:home",
    "public:programme",
    "public:programmes",
]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses to run in production
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (npm ci --prefix tests/browser)")
    return AXE.read_text()


def _view_of(href: str) -> str | None:
    """The view (and mode) a link opens, or None for what is not a page of the site."""
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https") or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(NOT_PAGES) or parts.path.endswith(FILES):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    mode = parse_qs(parts.query).get("view", [""])[0]
    return f"{match.view_name}?view={mode}" if mode else match.view_name


def _violations(page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    found = page.evaluate(
        """async (rules) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: rules}});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} ` +
                `nodes, e.g. ${v.nodes[0].target.join(" ")}`);
        }""",
        RULES,
    )
    return found


def _check_every_page(page, starts: list[str], axe_source: str) -> tuple[dict, dict]:
    """Follow links from ``starts``; axe each new view's page. The pages checked (view → path)
    and the violations found (path → list)."""
    checked, violations = {}, {}
    queue = deque((start, _view_of(start)) for start in starts)
    while queue and len(checked) < MAX_PAGES:
        path, view = queue.popleft()
        if view in checked:
            continue
        response = page.goto(path)
        redirected_to_sign_in = "/accounts/login/" in page.url and "/login/" not in path
        if response is None or response.status != 200 or redirected_to_sign_in:
            continue
        checked[view] = path
        if found := _violations(page, axe_source):
            violations[path] = found
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            linked = _view_of(local)
            if linked is not None and linked not in checked:
                queue.append((local, linked))
    return checked, violations


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_has_no_accessibility_violation(demo, chromium, live_server, axe_source, width):
    context = chromium.new_context(
        base_url=live_server.url, viewport=WIDTHS[width], bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        public, public_violations = _check_every_page(
            page, ["/public/", "/accounts/login/"], axe_source
        )
        _sign_in(page, "admin")
        desk, desk_violations = _check_every_page(page, ["/"], axe_source)
    finally:
        context.close()

    # Every view of the portal was reached, and enough of the desk's.
    assert sorted(public) == PUBLIC_VIEWS
    assert len(desk) >= 20, sorted(desk)
    found = public_violations | desk_violations
    assert found == {}, "\n" + "\n".join(
        f"{path}: {each}" for path in found for each in found[path]
    )


def test_the_focus_ring_shows_on_the_navigation(demo, signed_in):
    """Dark blue on navy was all but invisible: a person moving by keyboard sees where they
    are."""
    page = signed_in("admin", DEMO_PASSWORD)
    for _ in range(20):  # by keyboard, from the top of the page to the first menu link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.dl-navbar .nav-link')"):
            break
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
    )

    assert ring == ["solid", "3px", "rgb(242, 194, 48)"]
