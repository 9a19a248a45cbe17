"""Production settings: the deployment checks pass, the Content-Security-Policy holds on real
pages, request logs never carry a calendar feed token, and the error pages render with DEBUG off.
"""

import io
import logging
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client, override_settings
from django.urls import include, path, reverse

from calendars.services import feed_create
from tests.factories import (
    PASSWORD,
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    UserFactory,
    joint_programme,
)

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


# --- check --deploy --------------------------------------------------------------------------


def _env_example() -> dict[str, str]:
    """The variables of .env.example, as a server would set them."""
    variables = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name] = value
    return variables


def test_env_example_turns_debug_off():
    """The deployment check below means something only if the example is a production one."""
    assert _env_example()["DEBUG"] == "0"


def test_deployment_checks_are_clean_with_the_variables_of_env_example():
    environment = {
        "PATH": "/usr/bin:/bin",
        **_env_example(),
        # The one value .env.example leaves blank on purpose.
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert (result.returncode, "WARNINGS" in output, "ERRORS" in output) == (0, False, False), (
        output
    )
    assert re.search(r"System check identified no issues", output), output


# --- Content-Security-Policy -----------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


@pytest.fixture
def world():
    """A joint programme with an event, and an administrator who sees everything."""
    uz = CountryFactory(code="UZ", name="Uzbekistan")
    kz = CountryFactory(code="KZ", name="Kazakhstan")
    uwed = InstitutionFactory(country=uz)
    kaznu = InstitutionFactory(country=kz)
    programme = joint_programme(uz=uwed, kz=kaznu)
    EventFactory(programme=programme)
    admin = UserFactory(is_staff=True, is_superuser=True)
    return {"programme": programme, "admin": admin}


def test_pages_carry_the_policy_without_a_nonce_or_unsafe_inline(client, world):
    """Our pages use no nonce, so the header names none: nothing inline may run."""
    client.force_login(world["admin"])
    response = client.get(reverse("desk:home"))
    assert response.status_code == 200
    assert _policy(response) == EXPECTED_POLICY


def test_the_login_page_carries_the_policy_for_anonymous_visitors(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert _policy(response) == EXPECTED_POLICY


def test_admin_pages_get_a_nonce_that_matches_their_own_inline_tags(client, world):
    """The admin's change list has an inline <style> and scripts marked with the nonce; the
    header allows exactly that nonce for scripts and styles, and nothing else inline."""
    client.force_login(world["admin"])
    response = client.get(reverse("admin:programmes_programme_changelist"))
    assert response.status_code == 200
    nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
    assert len(nonces) == 1
    nonce = f"'nonce-{nonces.pop()}'"
    policy = _policy(response)
    assert (policy["script-src"], policy["style-src"]) == (["'self'", nonce], ["'self'", nonce])
    assert {k: v for k, v in policy.items() if k not in {"script-src", "style-src"}} == {
        k: v for k, v in EXPECTED_POLICY.items() if k not in {"script-src", "style-src"}
    }


class _InlineFinder(HTMLParser):
    """Collects what the policy would block: inline scripts, style attributes, <style> blocks
    without a nonce and inline event handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append(f"<script> without src: {attrs}")
        if tag == "style" and not attributes.get("nonce"):
            self.found.append("<style> without a nonce")
        if "style" in attributes:
            self.found.append(f"style= on <{tag}>: {attributes['style']}")
        self.found.extend(f"{name}= on <{tag}>" for name in attributes if name.startswith("on"))
        if any((value or "").startswith("javascript:") for value in attributes.values()):
            self.found.append(f"javascript: URL on <{tag}>")


def _inline(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_sees_inline_script_and_style():
    """The check below can fail."""
    html = '<script>x()</script><p style="color:red" onclick="y()"><style>p{}</style>'
    assert _inline(html) == [
        "<script> without src: []",
        "style= on <p>: color:red",
        "onclick= on <p>",
        "<style> without a nonce",
    ]


@pytest.mark.parametrize(
    "url_name",
    [
        "desk:home",
        "programmes:detail",
        "programmes:list",
        "events:list",
        "calendars:calendar",
        "reports:index",
        "reports:balance",
        "public:home",
    ],
)
def test_main_pages_have_no_inline_script_or_style(client, world, url_name):
    client.force_login(world["admin"])
    kwargs = {"pk": world["programme"].pk} if url_name == "programmes:detail" else {}
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    assert _inline(response.content.decode()) == []


# --- Request log and feed tokens -------------------------------------------------------------


@pytest.fixture
def log_output():
    """What the site's log handler writes (stdout in production), captured for the test."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


REQUEST_LINE = re.compile(r" INFO dostlik\.requests (\S+) (\S+) (\d{3}) \d+\.\dms user=(\S+)$")


def _request_lines(output: str) -> list[tuple[str, ...]]:
    """(method, path, status, user) of each request line the handler wrote."""
    return [match.groups() for line in output.splitlines() if (match := REQUEST_LINE.search(line))]


def test_a_feed_request_logs_one_line_with_the_token_redacted(client, log_output):
    owner = UserFactory()
    new = feed_create(owner=owner, name="Everything")
    response = client.get(reverse("calendars:feed", kwargs={"token": new.token}))
    assert response.status_code == 200
    written = log_output.getvalue()
    assert _request_lines(written) == [("GET", "/calendar/feeds/<redacted>.ics", "200", "-")]
    assert new.token not in written


def test_a_signed_in_request_logs_the_user_id(client, log_output):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("desk:home"))
    assert response.status_code == 200
    assert _request_lines(log_output.getvalue()) == [("GET", "/", "200", str(user.pk))]


def test_a_404_for_an_unknown_token_writes_the_token_nowhere(client, caplog, log_output):
    token = secrets.token_urlsafe(32)
    with caplog.at_level(logging.INFO):
        response = client.get(f"/calendar/feeds/{token}.ics")
    assert response.status_code == 404
    written = log_output.getvalue()
    captured = "\n".join([r.getMessage() for r in caplog.records] + [caplog.text] + [written])
    assert token not in captured
    # Django's own warning is still there, only without the token.
    assert "Not Found: /calendar/feeds/<redacted>.ics" in written
    assert _request_lines(written) == [("GET", "/calendar/feeds/<redacted>.ics", "404", "-")]


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/calendar/feeds/{token}.ICS", "/calendar/feeds/<redacted>.ICS"),
        ("/calendar/feeds/{token}", "/calendar/feeds/<redacted>"),
        ("/CALENDAR/FEEDS/{token}.ics", "/CALENDAR/FEEDS/<redacted>.ics"),
        ("/calendar/feeds/{token}/x.ics", "/calendar/feeds/<redacted>/x.ics"),
        ("/invitations/{token}/", "/invitations/<redacted>/"),
    ],
    ids=["upper-case extension", "no extension", "upper-case path", "a deeper path", "invitation"],
)
def test_a_token_in_any_form_of_a_feed_address_is_written_nowhere(
    client, caplog, log_output, path, logged
):
    token = secrets.token_urlsafe(32)
    with caplog.at_level(logging.INFO):
        response = client.get(path.format(token=token))
    written = log_output.getvalue()
    captured = "\n".join([r.getMessage() for r in caplog.records] + [caplog.text] + [written])

    assert response.status_code == 404
    assert token not in captured
    assert _request_lines(written) == [("GET", logged, "404", "-")]


def test_the_pages_of_invitations_by_number_are_logged_as_they_are(client, log_output):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for address in ("/invitations/", "/invitations/12/resend/", "/invitations/institution/3/"):
        client.get(address)

    assert [line[1] for line in _request_lines(log_output.getvalue())] == [
        "/invitations/",
        "/invitations/12/resend/",
        "/invitations/institution/3/",
    ]


def test_the_filter_redacts_arguments_and_tracebacks_of_any_logger(log_output):
    token = secrets.token_urlsafe(32)
    try:
        raise ValueError(f"no feed at /calendar/feeds/{token}.ics")
    except ValueError:
        logging.getLogger("anything.else").exception(
            "Fetch of %s failed", f"/calendar/feeds/{token}.ics"
        )
    written = log_output.getvalue()
    assert token not in written
    assert "Fetch of /calendar/feeds/<redacted>.ics failed" in written
    assert "ValueError: no feed at /calendar/feeds/<redacted>.ics" in written


# --- Error pages -----------------------------------------------------------------------------


@login_not_required
def _bad_request(request):
    raise SuspiciousOperation("refused")


@login_not_required
def _forbidden(request):
    raise PermissionDenied


@login_not_required
def _not_found(request):
    raise Http404


@login_not_required
def _server_error(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [
    path("raise/400/", _bad_request),
    path("raise/403/", _forbidden),
    path("raise/404/", _not_found),
    path("raise/500/", _server_error),
    path("", include("config.urls")),
]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (400, "This request could not be understood"),
        (403, "You may see this, but not change it"),
        (404, "This page is not here"),
        (500, "Something went wrong on our side"),
    ],
)
def test_error_pages_render_with_debug_off(status, heading):
    client = Client(raise_request_exception=False)
    response = client.get(f"/raise/{status}/")
    html = response.content.decode()
    assert (response.status_code, f'<h1 class="h4">{heading}</h1>' in html) == (status, True)
    assert "Traceback" not in html
    assert _inline(html) == []
    assert "Content-Security-Policy" in response.headers


# --- The policy in a real browser ------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser_context(live_server):
    """A chromium page against the live server (launched as tests/browser/conftest.py does)."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        )
        context = browser.new_context(base_url=live_server.url)
        yield context
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_admin_and_the_main_pages_break_no_rule_of_the_policy(browser_context, world):
    """Chromium reports every blocked script, style, image or font on the console; the admin,
    with its scripts and inline styles, must cause none."""
    page = browser_context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto("/accounts/login/")
    page.fill("input[name=username]", world["admin"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    programme = world["programme"]
    for url in [
        "/",
        reverse("programmes:detail", kwargs={"pk": programme.pk}),
        reverse("calendars:calendar"),
        reverse("reports:index"),
        reverse("admin:index"),
        reverse("admin:programmes_programme_changelist"),
        reverse("admin:programmes_programme_change", args=[programme.pk]),
        reverse("admin:programmes_programme_add"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[world["admin"].pk]),
        reverse("admin:auth_user_password_change", args=[world["admin"].pk]),
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
    assert violations == []
