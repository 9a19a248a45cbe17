"""Two app servers, one PostgreSQL and one Redis: the app keeps no state on its machine.

Any number of copies run behind a load balancer only if nothing a request leaves behind stays
in one process: a session started on one server must carry on on another, and a change saved
through one must show in what another serves. This test starts two gunicorn servers on their own
ports with DEBUG off, against a database and a Redis database of their own, and proves both.

It runs outside pytest-django's test database (it asks for no ``db`` and has no ``django_db``
mark): the servers are other processes, they see only committed rows, so the test makes,
migrates and drops its own database through subprocesses and psycopg. It skips, saying why,
without PostgreSQL, Redis or gunicorn; CI has all three and turns a skip into a failure.
"""

import http.cookiejar
import json
import os
import re
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

try:
    import redis
except ImportError:  # pragma: no cover - the skip below says what is missing
    redis = None

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# A database and cache keys of each run's own: two runs of the suite on one machine at once
# (two people, two checkouts) never touch each other's.
RUN = f"{os.getpid()}_{secrets.token_hex(4)}"
DATABASE_NAME = f"dostlik_two_servers_{RUN}"
CACHE_KEY_PREFIX = f"two_servers_{RUN}"
# A Redis database of its own, apart from the 0 of `make serve`.
REDIS_URL = "redis://127.0.0.1:6379/5"
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
from calendars.holidays import holidays_between
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_url(name: str) -> str:
    """The PostgreSQL the suite was pointed at (DATABASE_URL), else the local one, with
    ``name`` as its database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def _skip_unless_services() -> None:
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed ({GUNICORN} missing): pip install -e '.[dev]'")
    if redis is None:
        pytest.skip("the redis package is not installed: pip install -e '.[dev]'")
    try:
        psycopg.connect(_postgres_url("postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable at {_postgres_url('postgres')}: {exc}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")


def _recreate_database() -> None:
    with psycopg.connect(_postgres_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def _drop_database() -> None:
    with psycopg.connect(_postgres_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')


def _forget_cache() -> None:
    """Remove this run's keys, and only those, from the shared Redis database."""
    store = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    for key in store.scan_iter(match=f"{CACHE_KEY_PREFIX}:*"):
        store.delete(key)


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers the test reads, not ones urllib follows."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _browser() -> urllib.request.OpenerDirector:
    """One person's browser: one cookie jar, whichever server it speaks to."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    opener.addheaders = [("Accept-Language", "en")]
    opener.jar = jar
    return opener


def _fetch(browser, url: str, form: dict[str, str] | None = None):
    """(status, headers, body text) of a GET, or of a POST of ``form``."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with browser.open(url, data=data, timeout=TIMEOUT) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as response:
        return response.code, response.headers, response.read().decode()


class _Forms(HTMLParser):
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


def _form_with(html: str, field: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(html)
    forms = [form for form in parser.forms if field in form]
    assert len(forms) == 1, f"expected one form with a {field!r} field, found {len(forms)}"
    return forms[0]


def _feed(browser, base: str, token: str) -> tuple[str, list[str]]:
    """The ETag and the event titles of a feed."""
    status, headers, body = _fetch(browser, f"{base}/calendar/feeds/{token}.ics")
    assert (status, headers.get_content_type()) == (200, "text/calendar")
    calendar = icalendar.Calendar.from_ical(body)
    return headers["ETag"], [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=REPO,
            env={**env, "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_until_healthy(server: subprocess.Popen, base: str, log: Path) -> None:
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


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_a_session_and_a_change_carry_over_from_one_server_to_another(tmp_path):
    _skip_unless_services()
    password = secrets.token_urlsafe(16)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=_postgres_url(DATABASE_NAME),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=CACHE_KEY_PREFIX,
        ALLOWED_HOSTS="127.0.0.1",
        # Plain http on the loopback: no HTTPS redirect, HSTS or secure-only cookies.
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        EMAIL_CONSOLE="1",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONPATH=str(REPO),
    )
    _forget_cache()
    _recreate_database()
    servers: list[subprocess.Popen] = []
    try:
        _run([sys.executable, "manage.py", "migrate", "--noinput"], env)
        _run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        made = json.loads(
            _run([sys.executable, "-c", SETUP.format(password=password)], env).splitlines()[-1]
        )
        bases = []
        for name in ("a", "b"):
            port = _free_port()
            servers.append(_start(port, env, tmp_path / f"gunicorn-{name}.log"))
            bases.append(f"http://127.0.0.1:{port}")
        for server, base, name in zip(servers, bases, ("a", "b"), strict=True):
            _wait_until_healthy(server, base, tmp_path / f"gunicorn-{name}.log")
        server_a, server_b = bases
        browser = _browser()

        # Sign in on A.
        status, _, page = _fetch(browser, f"{server_a}/accounts/login/")
        assert status == 200
        login = _form_with(page, "username")
        login.update(username="dilnoza", password=password)
        status, headers, _ = _fetch(browser, f"{server_a}/accounts/login/", login)
        assert (status, headers["Location"]) == (302, "/")
        session_key = next(c.value for c in browser.jar if c.name == "sessionid")
        # The session lives in the shared Redis, where every server finds it.
        store = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
        cache_key = f"{CACHE_KEY_PREFIX}:1:django.contrib.sessions.cached_db{session_key}"
        assert store.exists(cache_key) == 1

        # Carry on on B: a page only a signed-in person sees, with their name on it.
        status, _, page = _fetch(browser, f"{server_b}/")
        assert status == 200
        names = re.findall(
            r'class="dl-avatar"[^>]*>[^<]*</span>\s*<span class="d-lg-none">([^<]*)<', page
        )
        signed_in_as = re.findall(r"Signed in as <strong>([^<]*)</strong>", page)
        assert (names, signed_in_as) == (["Dilnoza Karimova"], ["dilnoza"])

        # B serves the feed; then the title changes through A, and B's feed shows it.
        etag_before, titles_before = _feed(browser, server_b, made["token"])
        assert titles_before == [made["title"]]
        status, _, page = _fetch(browser, f"{server_a}/events/{made['event']}/edit/")
        assert status == 200
        edit = _form_with(page, "title")
        edit["title"] = "Evening of maqom and dutar"
        status, headers, page = _fetch(browser, f"{server_a}/events/{made['event']}/edit/", edit)
        assert (status, headers["Location"]) == (302, f"/events/{made['event']}/"), page[-3000:]
        etag_after, titles_after = _feed(browser, server_b, made["token"])
        assert titles_after == ["Evening of maqom and dutar"]
        assert etag_after != etag_before
    finally:
        for server in servers:
            _stop(server)
        _drop_database()
        _forget_cache()
