"""`make backup` and `make restore` bring back every record of the demo data.

The demo is loaded into one database of a throw-away PostgreSQL, dumped with `make backup`,
restored with `make restore` into a second database, and the two are compared table by table.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production.postgres_cluster import throwaway_postgres

BASE_DIR = Path(__file__).resolve().parents[2]
SOURCE = "dostlik_backup_src"
RESTORED = "dostlik_backup_dst"
ABAY_UID = "abay-heritage-2022@demo.dostlik"
DEMO_ROWS = {
    "accounts_user": "7",
    "institutions_institution": "16",
    "programmes_agreement": "5",
    "programmes_programme": "16",
    "events_event": "24",
}

# Rows of every table in the public schema, counted exactly (no statistics estimates).
ROW_COUNTS = """
SELECT table_name,
       (xpath('/row/c/text()',
              query_to_xml(format('SELECT count(*) AS c FROM public.%I', table_name),
                           false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
"""
ABAY_EVENT = f"""
SELECT e.uid, e.starts_at AT TIME ZONE 'UTC', e.ends_at AT TIME ZONE 'UTC', p.id, v.id
FROM events_event e
JOIN programmes_programme p ON p.id = e.programme_id
LEFT JOIN events_venue v ON v.id = e.venue_id
WHERE e.uid = '{ABAY_UID}'
"""


def query(postgres, database: str, sql: str) -> list[tuple[str, ...]]:
    output = postgres.client("psql", "-d", database, "-X", "-tA", "-F", "|", "-c", sql).stdout
    return [tuple(line.split("|")) for line in output.splitlines() if line]


def make(target: str, **variables: str) -> str:
    arguments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["make", "--no-print-directory", target, *arguments],
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def test_a_backup_restores_every_record_of_the_demo(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    with throwaway_postgres() as postgres:
        postgres.client("createdb", SOURCE)
        postgres.client("createdb", RESTORED)
        environment = {
            **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "DATABASE_URL": postgres.url(SOURCE),
        }
        for command in (["migrate", "--noinput"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=BASE_DIR,
                env=environment,
                check=True,
                capture_output=True,
                timeout=300,
            )
        tools = {
            "PG_DUMP": str(postgres.bin_dir / "pg_dump"),
            "PG_RESTORE": str(postgres.bin_dir / "pg_restore"),
        }

        make("backup", DATABASE_URL=postgres.url(SOURCE), BACKUP_DIR=str(tmp_path), **tools)
        (backup,) = tmp_path.glob("dostlik-*.dump")
        make("restore", DATABASE_URL=postgres.url(RESTORED), BACKUP=str(backup), **tools)

        source_counts = dict(query(postgres, SOURCE, ROW_COUNTS))
        restored_counts = dict(query(postgres, RESTORED, ROW_COUNTS))
        assert restored_counts == source_counts
        # The comparison is about real data: the demo's figures (as load_demo reports them).
        assert {table: source_counts[table] for table in DEMO_ROWS} == DEMO_ROWS
        abay = query(postgres, RESTORED, ABAY_EVENT)
        assert abay == query(postgres, SOURCE, ABAY_EVENT)
        assert [row[:3] for row in abay] == [
            (ABAY_UID, "2022-12-19 06:00:00", "2022-12-19 13:00:00")
        ]

        postgres.client("dropdb", RESTORED)
        postgres.client("dropdb", SOURCE)
        assert query(postgres, "postgres", "SELECT datname FROM pg_database ORDER BY 1") == [
            ("postgres",),
            ("template0",),
            ("template1",),
        ]
