"""Redis down: the app serves on from the database and loses no change.

Redis holds the cache and the rate-limit counters; the database holds everything that matters,
sessions included. This test starts a Redis of its own on its own port and a gunicorn
server with DEBUG off using it, signs in, then stops Redis: the signed-in person carries on, a
change saved meanwhile is in the database and in the feed, a new sign-in works, and the log says
in one line that the cache is unavailable, with no traceback. When Redis returns, the server
uses it again without a restart, once its pause after a failure is over; and a sign-out made
while Redis hung stays a sign-out when it answers again.

Like the two-server test it runs outside pytest-django's test database and skips, saying why,
without PostgreSQL, gunicorn or the redis-server program; CI turns a skip into a failure.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from core.cache_breaker import PAUSE_SECONDS
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

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
DATABASE_NAME = f"dostlik_redis_outage_{os.getpid()}_{secrets.token_hex(4)}"


def _skip_unless_services() -> None:
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed ({GUNICORN} missing): pip install -e '.[dev]'")
    if redis is None:
        pytest.skip("the redis package is not installed: pip install -e '.[dev]'")
    if not Path(REDIS_SERVER).exists():
        pytest.skip("the redis-server program is missing (Debian: apt-get install redis-server)")
    try:
        psycopg.connect(postgres_url("postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable at {postgres_url('postgres')}: {exc}")


def _start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if client.ping():
                return server
        except redis.RedisError:
            time.sleep(0.1)
    server.kill()
    pytest.fail(f"redis-server did not answer on port {port}")


def _title_in_database(event_pk: int) -> str:
    with psycopg.connect(postgres_url(DATABASE_NAME), connect_timeout=5) as conn:
        return conn.execute("SELECT title FROM events_event WHERE id = %s", [event_pk]).fetchone()[
            0
        ]


def _sign_in(browser, base: str, password: str) -> None:
    status, _, page = fetch(browser, f"{base}/accounts/login/")
    assert status == 200
    login = form_with(page, "username")
    login.update(username="dilnoza", password=password)
    status, headers, _ = fetch(browser, f"{base}/accounts/login/", login)
    assert (status, headers["Location"]) == (302, "/")


def _signed_in_as(browser, base: str) -> int | str:
    """The status of the home page, which answers 200 only to someone signed in."""
    status, headers, _ = fetch(browser, f"{base}/")
    return status if status != 302 else f"302 to {headers['Location']}"


def test_with_redis_down_people_carry_on_and_no_change_is_lost(tmp_path):
    _skip_unless_services()
    password = secrets.token_urlsafe(16)
    redis_port = free_port()
    env = app_environment(
        database_url=postgres_url(DATABASE_NAME),
        redis_url=f"redis://127.0.0.1:{redis_port}/0",
        cache_key_prefix="redis_outage",
        tmp_path=tmp_path,
    )
    log = tmp_path / "gunicorn.log"
    redis_server = _start_redis(redis_port)
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
        server = start(port, env, log)
        wait_until_healthy(server, base, log)
        browser = new_browser()
        _sign_in(browser, base, password)
        assert _signed_in_as(browser, base) == 200
        assert feed_titles(browser, base, made["token"])[1] == [made["title"]]

        # Redis goes away.
        redis_server.terminate()
        redis_server.wait(timeout=10)

        assert _signed_in_as(browser, base) == 200
        status, _, page = fetch(browser, f"{base}/events/{made['event']}/edit/")
        assert status == 200
        edit = form_with(page, "title")
        edit["title"] = "Evening of maqom without Redis"
        status, headers, page = fetch(browser, f"{base}/events/{made['event']}/edit/", edit)
        assert (status, headers["Location"]) == (302, f"/events/{made['event']}/"), page[-3000:]
        assert _title_in_database(made["event"]) == "Evening of maqom without Redis"
        assert feed_titles(browser, base, made["token"])[1] == ["Evening of maqom without Redis"]
        newcomer = new_browser()
        _sign_in(newcomer, base, password)
        assert _signed_in_as(newcomer, base) == 200

        # Redis returns, empty: the sessions come back from the database.
        redis_server = _start_redis(redis_port)
        assert _signed_in_as(browser, base) == 200
        assert _signed_in_as(newcomer, base) == 200
        assert feed_titles(browser, base, made["token"])[1] == ["Evening of maqom without Redis"]

        # Redis hangs (it keeps what it holds) while someone signs out: once it answers again,
        # and the workers ask it again, the old cookie still opens nothing.
        time.sleep(PAUSE_SECONDS + 1)
        assert _signed_in_as(browser, base) == 200
        kept = new_browser()
        for cookie in browser.jar:
            kept.jar.set_cookie(cookie)
        redis_server.send_signal(signal.SIGSTOP)
        try:
            token = next(c.value for c in browser.jar if c.name == "csrftoken")
            status, headers, _ = fetch(
                browser, f"{base}/accounts/logout/", {"csrfmiddlewaretoken": token}
            )
            assert status == 302
        finally:
            redis_server.send_signal(signal.SIGCONT)
        time.sleep(PAUSE_SECONDS + 1)
        # Someone who kept the cookie from before the sign-out is not let in either.
        assert _signed_in_as(kept, base) == "302 to /accounts/login/?next=/"
        assert _signed_in_as(newcomer, base) == 200
        # The pause over, the server caches in Redis again, without a restart.
        assert feed_titles(newcomer, base, made["token"])[1] == ["Evening of maqom without Redis"]
        keys = redis.Redis(host="127.0.0.1", port=redis_port, socket_timeout=1).keys("*")
        assert keys != []

        logged = log.read_text()
        assert "WARNING dostlik.cache Cache unavailable, serving without it:" in logged
        assert "Traceback" not in logged
        assert " 500 " not in logged
    finally:
        if server is not None:
            stop(server)
        if redis_server.poll() is None:
            redis_server.terminate()
            redis_server.wait(timeout=10)
        drop_database(DATABASE_NAME)
