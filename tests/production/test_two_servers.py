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
    SETUP,
    app_environment,
    drop_database,
    feed_titles,
    fetch,
    form_with,
    free_port,
    new_browser,
    postgres_url,
    recreate_database,
    run,
    start,
    stop,
    wait_until_healthy,
)

try:
    import redis
except ImportError:  # pragma: no cover - the skip below says what is missing
    redis = None

# A database and cache keys of each run's own: two runs of the suite on one machine at once
# (two people, two checkouts) never touch each other's.
RUN = f"{os.getpid()}_{secrets.token_hex(4)}"
DATABASE_NAME = f"dostlik_two_servers_{RUN}"
CACHE_KEY_PREFIX = f"two_servers_{RUN}"
# A Redis database of its own, apart from the 0 of `make serve`.
REDIS_URL = "redis://127.0.0.1:6379/5"


def _skip_unless_services() -> None:
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed ({GUNICORN} missing): pip install -e '.[dev]'")
    if redis is None:
        pytest.skip("the redis package is not installed: pip install -e '.[dev]'")
    try:
        psycopg.connect(postgres_url("postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable at {postgres_url('postgres')}: {exc}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")


def _forget_cache() -> None:
    """Remove this run's keys, and only those, from the shared Redis database."""
    store = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    for key in store.scan_iter(match=f"{CACHE_KEY_PREFIX}:*"):
        store.delete(key)


def test_a_session_and_a_change_carry_over_from_one_server_to_another(tmp_path):
    _skip_unless_services()
    password = secrets.token_urlsafe(16)
    env = app_environment(
        database_url=postgres_url(DATABASE_NAME),
        redis_url=REDIS_URL,
        cache_key_prefix=CACHE_KEY_PREFIX,
        tmp_path=tmp_path,
    )
    _forget_cache()
    recreate_database(DATABASE_NAME)
    servers: list[subprocess.Popen] = []
    try:
        run([sys.executable, "manage.py", "migrate", "--noinput"], env)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        made = json.loads(
            run([sys.executable, "-c", SETUP.format(password=password)], env).splitlines()[-1]
        )
        bases = []
        for name in ("a", "b"):
            port = free_port()
            servers.append(start(port, env, tmp_path / f"gunicorn-{name}.log"))
            bases.append(f"http://127.0.0.1:{port}")
        for server, base, name in zip(servers, bases, ("a", "b"), strict=True):
            wait_until_healthy(server, base, tmp_path / f"gunicorn-{name}.log")
        server_a, server_b = bases
        browser = new_browser()

        # Sign in on A.
        status, _, page = fetch(browser, f"{server_a}/accounts/login/")
        assert status == 200
        login = form_with(page, "username")
        login.update(username="dilnoza", password=password)
        status, headers, _ = fetch(browser, f"{server_a}/accounts/login/", login)
        assert (status, headers["Location"]) == (302, "/")
        session_key = next(c.value for c in browser.jar if c.name == "sessionid")
        # The session lives in the shared database, where every server finds it.
        with psycopg.connect(postgres_url(DATABASE_NAME), connect_timeout=5) as conn:
            stored = conn.execute(
                "SELECT count(*) FROM django_session WHERE session_key = %s", [session_key]
            ).fetchone()[0]
        assert stored == 1

        # Carry on on B: a page only a signed-in person sees, with their name on it.
        status, _, page = fetch(browser, f"{server_b}/")
        assert status == 200
        names = re.findall(
            r'class="dl-avatar"[^>]*>[^<]*</span>\s*<span class="d-lg-none">([^<]*)<', page
        )
        signed_in_as = re.findall(r"Signed in as <strong>([^<]*)</strong>", page)
        assert (names, signed_in_as) == (["Dilnoza Karimova"], ["dilnoza"])

        # B serves the feed; then the title changes through A, and B's feed shows it.
        etag_before, titles_before = feed_titles(browser, server_b, made["token"])
        assert titles_before == [made["title"]]
        status, _, page = fetch(browser, f"{server_a}/events/{made['event']}/edit/")
        assert status == 200
        edit = form_with(page, "title")
        edit["title"] = "Evening of maqom and dutar"
        status, headers, page = fetch(browser, f"{server_a}/events/{made['event']}/edit/", edit)
        assert (status, headers["Location"]) == (302, f"/events/{made['event']}/"), page[-3000:]
        etag_after, titles_after = feed_titles(browser, server_b, made["token"])
        assert titles_after == ["Evening of maqom and dutar"]
        assert etag_after != etag_before
    finally:
        for server in servers:
            stop(server)
        drop_database(DATABASE_NAME)
        _forget_cache()
