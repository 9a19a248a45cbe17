"""One server, several worker processes, no Redis: every worker sees every write at once.

What is cached (core/caching.py) is valid until a write moves the content version; a cache of
each process's own would let one worker serve what another worker's write made stale. Without
REDIS_URL the cache lives in the database, which every worker shares. This test starts gunicorn
with three workers and REDIS_URL empty, warms the cache, revokes a calendar feed and takes a
coordinator's role away through the site, then asks again until every worker has answered:
the feed answers 404 and the coordinator no longer sees the draft, from each of them.

Like test_two_servers.py it runs outside pytest-django's test database and skips, saying why,
without PostgreSQL or gunicorn; CI has both and turns a skip into a failure.
"""

import collections
import concurrent.futures
import json
import os
import re
import secrets
import subprocess
import sys

import psycopg
import pytest

from tests.production.servers import (
    GUNICORN,
    REPO,
    app_environment,
    drop_database,
    fetch,
    form_with,
    free_port,
    new_browser,
    postgres_url,
    recreate_database,
    run,
    stop,
    wait_until_healthy,
)

RUN = f"{os.getpid()}_{secrets.token_hex(4)}"
DATABASE_NAME = f"dostlik_without_redis_{RUN}"
WORKERS = 3
# Requests are sent in bursts of this many at once, so that every worker takes some; at most
# this many bursts are sent before a worker that never answered fails the test.
BURST = 12
MOST_BURSTS = 40

SETUP = """
import datetime, json, zoneinfo
import django
django.setup()
from accounts.services import user_create
from calendars.services import feed_create
from institutions.services import membership_add
from tests.factories import CountryFactory, EventFactory, InstitutionFactory, ProgrammeFactory

tashkent = zoneinfo.ZoneInfo("Asia/Tashkent")
day = datetime.datetime.now(tashkent).date() + datetime.timedelta(days=10)
host = InstitutionFactory(country=CountryFactory(code="UZ"))
draft = ProgrammeFactory(
    starts_on=day - datetime.timedelta(days=30), ends_on=day + datetime.timedelta(days=30)
)
starts_at = datetime.datetime.combine(day, datetime.time(18, 0), tashkent)
event = EventFactory(
    programme=draft,
    host_institution=host,
    title="Rehearsal of the maqom ensemble",
    starts_at=starts_at,
    ends_at=starts_at + datetime.timedelta(hours=2),
)
admin = user_create(username="dilnoza", password="{password}", is_superuser=True)
coordinator = user_create(username="aziz", password="{password}")
membership = membership_add(user=coordinator, institution=host)
feed = feed_create(owner=admin, name="Everything")
print(json.dumps({{
    "token": feed.token, "feed": feed.feed.pk, "title": event.title, "day": day.isoformat(),
    "institution": host.pk, "membership": membership.pk,
}}))
"""


def _skip_unless_services() -> None:
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed ({GUNICORN} missing): pip install -e '.[dev]'")
    try:
        psycopg.connect(postgres_url("postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable at {postgres_url('postgres')}: {exc}")


def _start(port: int, env: dict[str, str], tmp_path) -> subprocess.Popen:
    """Gunicorn with ``WORKERS`` single-threaded workers, writing which worker (by pid)
    answered each request, and with what status, to an access log of its own."""
    with (tmp_path / "gunicorn.log").open("wb") as out:
        return subprocess.Popen(
            [
                str(GUNICORN),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(tmp_path / "access.log"),
                "--access-logformat",
                "%(p)s %(s)s",
            ],
            cwd=REPO,
            env={
                **env,
                "GUNICORN_WORKERS": str(WORKERS),
                "GUNICORN_THREADS": "1",
                # The bursts fetch one feed far more often than a calendar app would.
                "RATELIMIT_FEED": "100000/m",
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _worker_pids(tmp_path) -> set[str]:
    log = (tmp_path / "gunicorn.log").read_text()
    return set(re.findall(r"Booting worker with pid: (\d+)", log))


def _answered_by(tmp_path, since: int) -> list[tuple[str, str]]:
    """(worker pid, status) of each request logged after the first ``since`` lines."""
    lines = (tmp_path / "access.log").read_text().splitlines()[since:]
    # Gunicorn writes the pid as <1234>.
    return [(pid.strip("<>"), status) for pid, status in (line.split() for line in lines)]


def _sign_in(base: str, username: str, password: str):
    browser = new_browser()
    _status, _headers, page = fetch(browser, f"{base}/accounts/login/")
    login = form_with(page, "username")
    login.update(username=username, password=password)
    status, _headers, _page = fetch(browser, f"{base}/accounts/login/", login)
    assert status == 302
    return browser


def _ask_every_worker(tmp_path, ask) -> list[tuple[str, str]]:
    """Send ``ask`` in bursts until every worker has answered it; the answers, by worker."""
    since = len((tmp_path / "access.log").read_text().splitlines())
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=BURST) as pool:
        for _ in range(MOST_BURSTS):
            results.extend(pool.map(lambda _: ask(), range(BURST)))
            answered = _answered_by(tmp_path, since)
            if {pid for pid, _status in answered} >= _worker_pids(tmp_path):
                return results
    by_worker = collections.Counter(pid for pid, _status in answered)
    pytest.fail(f"not every worker of {_worker_pids(tmp_path)} answered: {by_worker}")


def test_every_worker_stops_a_revoked_feed_and_a_withdrawn_right_at_once(tmp_path):
    _skip_unless_services()
    password = secrets.token_urlsafe(16)
    env = app_environment(
        database_url=postgres_url(DATABASE_NAME),
        redis_url="",
        cache_key_prefix="",
        tmp_path=tmp_path,
    )
    recreate_database(DATABASE_NAME)
    server = None
    try:
        run([sys.executable, "manage.py", "migrate", "--noinput"], env)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        made = json.loads(
            run([sys.executable, "-c", SETUP.format(password=password)], env).splitlines()[-1]
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = _start(port, env, tmp_path)
        wait_until_healthy(server, base, tmp_path / "gunicorn.log")
        administrator = _sign_in(base, "dilnoza", password)
        coordinator = _sign_in(base, "aziz", password)
        feed_url = f"{base}/calendar/feeds/{made['token']}.ics"
        month_url = f"{base}/calendar/?date={made['day']}"

        def feed_status() -> int:
            return fetch(new_browser(), feed_url)[0]

        def draft_seen() -> tuple[int, bool]:
            status, _headers, page = fetch(coordinator, month_url)
            return status, made["title"] in page

        # Every worker serves the feed and the coordinator's month, and so caches them.
        assert set(_ask_every_worker(tmp_path, feed_status)) == {200}
        assert set(_ask_every_worker(tmp_path, draft_seen)) == {(200, True)}

        # Revoked, and the role taken away, through the site (one worker each).
        _status, _headers, page = fetch(administrator, f"{base}/calendar/feeds/")
        token = form_with(page, "name")["csrfmiddlewaretoken"]
        revoke = f"{base}/calendar/feeds/{made['feed']}/revoke/"
        assert fetch(administrator, revoke, {"csrfmiddlewaretoken": token})[0] == 302
        remove = (
            f"{base}/institutions/{made['institution']}/coordinators/{made['membership']}/remove/"
        )
        assert fetch(administrator, remove, {"csrfmiddlewaretoken": token})[0] == 302

        # The very next answers, from every worker.
        assert set(_ask_every_worker(tmp_path, feed_status)) == {404}
        assert set(_ask_every_worker(tmp_path, draft_seen)) == {(200, False)}
    finally:
        if server is not None:
            stop(server)
        drop_database(DATABASE_NAME)
