"""Tests of row locks under concurrent transactions, which only PostgreSQL has: on another
database such a test runs itself again in a pytest of its own against PostgreSQL."""

import os
import secrets
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.production.servers import postgres_url


def ran_on_postgresql_elsewhere(request) -> bool:
    """Whether the calling test was run elsewhere, on PostgreSQL (``postgres_url``, a database
    of its own), and passed there; False on PostgreSQL itself, where the test goes on. Skips,
    saying why, when PostgreSQL cannot be reached."""
    if connection.vendor == "postgresql":
        return False
    try:
        psycopg.connect(postgres_url("postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"row locks are tested on PostgreSQL, not reachable here: {exc}")
    name = f"dostlik_row_locks_{os.getpid()}_{secrets.token_hex(4)}"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         request.node.nodeid],
        env={**os.environ, "DATABASE_URL": postgres_url(name)},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    summary = (result.stdout.strip().splitlines() or [""])[-1].split(" in ")[0]
    assert (result.returncode, summary) == (0, "1 passed"), result.stdout[-5000:]
    return True
