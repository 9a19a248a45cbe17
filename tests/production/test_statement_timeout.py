"""Every query of the app server is bounded by PostgreSQL: gunicorn's configuration sets the
statement timeout that the settings hand to each connection; commands run without it."""

import os
import subprocess
import sys

from django.conf import settings

from tests.production.servers import postgres_url

SHOW = (
    "import django; django.setup(); from django.db import connection; "
    "cursor = connection.cursor(); cursor.execute('SHOW statement_timeout'); "
    "print(cursor.fetchone()[0])"
)


def statement_timeout(*, through_gunicorn_conf: bool) -> str:
    code = SHOW
    if through_gunicorn_conf:
        code = "exec(open('gunicorn.conf.py').read()); " + code
    environment = {
        key: value for key, value in os.environ.items() if key != "DATABASE_STATEMENT_TIMEOUT"
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": postgres_url("postgres"),
            "SECRET_KEY": "test-only-not-a-secret",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_the_app_server_bounds_each_query_and_commands_do_not():
    assert (
        statement_timeout(through_gunicorn_conf=True),
        statement_timeout(through_gunicorn_conf=False),
    ) == ("30s", "0")
