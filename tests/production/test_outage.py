"""The database goes away and comes back: the site says so politely, then recovers by itself.

A real app server (gunicorn when installed, else runserver) with production settings runs
against a throw-away PostgreSQL that the test stops and starts on its own port.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.production.postgres_cluster import free_port, throwaway_postgres, wait_until

BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DATABASE = "dostlik_outage"
USERNAME = "outage.admin"
PASSWORD = "outage-test-password"
SERVER_START_TIMEOUT = 60
RECOVERY_TIMEOUT = 30
REQUEST_TIMEOUT = 15
OUTAGE_HEADING = "Dostlik is temporarily unavailable"


def app_environment(*, database_url: str, static_root: Path) -> dict[str, str]:
    """Production settings, minus what needs HTTPS or Redis on a test machine.

    Persistent connections are on, as on a real server: the dead connections a database restart
    leaves behind must be dropped, not reused.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "REDIS_", "GUNICORN_", "DATABASE_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="outage-test-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="60",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
        EMAIL_CONSOLE="1",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    return environment


def manage(environment: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )


def server_command(port: int) -> tuple[list[str], dict[str, str]]:
    """gunicorn with the repository's configuration when installed, runserver otherwise."""
    gunicorn = VENV_BIN / "gunicorn"
    if gunicorn.exists():
        return (
            [str(gunicorn), "-c", "gunicorn.conf.py"],
            {
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "1",
                "GUNICORN_THREADS": "2",
            },
        )
    return (
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        {},
    )


class Browser:
    """A visitor with a cookie jar that reads any status, 503 included, without raising."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str, data: dict[str, str] | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode()

    def status(self, path: str) -> int | None:
        try:
            return self.get(path)[0]
        except OSError:
            return None

    def sign_in(self) -> None:
        _, _, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.get(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
        )


def assert_outage_page(answer) -> None:
    status, headers, body = answer
    assert (status, headers["Retry-After"], OUTAGE_HEADING in body) == (503, "30", True)
    assert ("Traceback" in body, "OperationalError" in body) == (False, False)


def test_pages_answer_503_while_the_database_is_down_and_recover_when_it_returns(tmp_path):
    with throwaway_postgres() as postgres:
        postgres.client("createdb", DATABASE)
        environment = app_environment(
            database_url=postgres.url(DATABASE), static_root=tmp_path / "static"
        )
        manage(environment, "migrate", "--noinput")
        manage(environment, "collectstatic", "--noinput")
        manage(environment, "createsuperuser", "--noinput", "--username", USERNAME,
               "--email", "outage.admin@example.org")  # fmt: skip

        port = free_port()
        command, server_environment = server_command(port)
        log = (tmp_path / "server.log").open("w")
        server = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env={**environment, **server_environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # A load balancer's health check comes without cookies; the visitor signs in.
            monitor = Browser(f"http://127.0.0.1:{port}")
            visitor = Browser(monitor.base_url)
            started = wait_until(
                lambda: monitor.status("/healthz") == 200, timeout=SERVER_START_TIMEOUT
            )
            assert started, (tmp_path / "server.log").read_text()
            visitor.sign_in()
            status, _, home = visitor.get("/")
            assert (status, USERNAME in home) == (200, True)
            assert visitor.get("/public/")[0] == 200

            postgres.stop()

            health = monitor.get("/healthz")
            assert (health[0], health[1]["Retry-After"], health[2]) == (
                503,
                "30",
                "database unavailable\n",
            )
            # Anonymous: the view's own query fails.
            assert_outage_page(monitor.get("/public/"))
            # Signed in: the session is read from the database before any view runs.
            assert_outage_page(visitor.get("/"))
            for _again in range(5):
                assert_outage_page(visitor.get("/"))
                assert_outage_page(monitor.get("/public/"))
            written = (tmp_path / "server.log").read_text()
            # A line per failed request and one warning naming the error: no traceback.
            assert (
                "Traceback" in written,
                "Internal Server Error" in written,
                written.count("Database unavailable, answering 503"),
            ) == (False, False, 1)

            postgres.start()

            assert wait_until(lambda: monitor.status("/healthz") == 200, timeout=RECOVERY_TIMEOUT)
            status, _, home = visitor.get("/")
            assert (status, USERNAME in home) == (200, True)
            assert visitor.get("/public/")[0] == 200
            # The same server process served before, during and after the outage.
            assert server.poll() is None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
            log.close()
            shutil.rmtree(tmp_path / "static", ignore_errors=True)
