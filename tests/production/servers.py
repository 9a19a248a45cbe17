"""Starting real app servers for the production tests: gunicorn with DEBUG off, spoken to over
HTTP by a cookie-keeping browser made of urllib, reading forms as a browser submits them."""

import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import psycopg
import pytest

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
TIMEOUT = 10  # seconds for any one request
START_TIMEOUT = 60  # seconds for a server to answer /healthz
COMMAND_TIMEOUT = 180  # seconds for migrate, collectstatic and the data set-up

# Rows the servers need, made through the project's own services and factories in a process
# that speaks to the shared database. Prints what the test needs to know as one JSON line.
SETUP = """
import datetime, json, zoneinfo
import django
django.setup()
from accounts.services import user_create
from events.holidays import holidays_between
from calendars.services import feed_create
from tests.factories import CountryFactory, EventFactory, InstitutionFactory, ProgrammeFactory

tashkent = zoneinfo.ZoneInfo("Asia/Tashkent")
day = datetime.datetime.now(tashkent).date() + datetime.timedelta(days=10)
while holidays_between(["UZ"], day, day):
    day += datetime.timedelta(days=1)
host = InstitutionFactory(country=CountryFactory(code="UZ"))
programme = ProgrammeFactory(
    starts_on=day - datetime.timedelta(days=30), ends_on=day + datetime.timedelta(days=30)
)
starts_at = datetime.datetime.combine(day, datetime.time(18, 0), tashkent)
event = EventFactory(
    programme=programme,
    host_institution=host,
    title="Evening of maqom",
    starts_at=starts_at,
    ends_at=starts_at + datetime.timedelta(hours=2),
)
admin = user_create(
    username="dilnoza", password="{password}", first_name="Dilnoza", last_name="Karimova",
    is_superuser=True,
)
feed = feed_create(owner=admin, name="Everything")
print(json.dumps({{"token": feed.token, "event": event.pk, "title": event.title}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_url(name: str) -> str:
    """The PostgreSQL the suite was pointed at (DATABASE_URL), else the local one, with
    ``name`` as its database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def recreate_database(name: str) -> None:
    with psycopg.connect(postgres_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(postgres_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers the test reads, not ones urllib follows."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def new_browser() -> urllib.request.OpenerDirector:
    """One person's browser: one cookie jar, whichever server it speaks to."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("Accept-Language", "en")]
    opener.jar = jar
    return opener


def fetch(browser, url: str, form: dict[str, str] | None = None):
    """(status, headers, body text) of a GET, or of a POST of ``form``."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with browser.open(url, data=data, timeout=TIMEOUT) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as response:
        return response.code, response.headers, response.read().decode()


class Forms(HTMLParser):
    """The fields a browser would submit for each form of a page, with their current values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.forms[-1][attrs["name"]] = attrs.get("value") or (
                "on" if kind == "checkbox" else ""
            )
        elif tag == "select":
            self._select, self._options = attrs.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.forms[-1][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            self.forms[-1][self._select] = (chosen or [v for v, _ in self._options] or [""])[0]
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.forms[-1][self._textarea] = self.forms[-1][self._textarea].removeprefix("\n")
            self._textarea = None


def form_with(html: str, field: str) -> dict[str, str]:
    parser = Forms()
    parser.feed(html)
    forms = [form for form in parser.forms if field in form]
    assert len(forms) == 1, f"expected one form with a {field!r} field, found {len(forms)}"
    return forms[0]


def feed_titles(browser, base: str, token: str) -> tuple[str, list[str]]:
    """The ETag and the event titles of a feed."""
    status, headers, body = fetch(browser, f"{base}/calendar/feeds/{token}.ics")
    assert (status, headers.get_content_type()) == (200, "text/calendar")
    calendar = icalendar.Calendar.from_ical(body)
    return headers["ETag"], [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=REPO,
            env={**env, "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until_healthy(server: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, f"{base} stopped:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"{base} did not answer /healthz within {START_TIMEOUT} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def app_environment(
    *, database_url: str, redis_url: str, cache_key_prefix: str, tmp_path: Path
) -> dict[str, str]:
    """The environment of a production app server on the loopback: DEBUG off, the given
    PostgreSQL database and Redis, plain http (no HTTPS redirect, HSTS or secure-only cookies),
    static and media files in ``tmp_path``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=cache_key_prefix,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        EMAIL_CONSOLE="1",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONPATH=str(REPO),
    )
    return env
