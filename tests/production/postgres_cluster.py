"""A throw-away PostgreSQL server for tests that must stop and start a database on their own.

initdb into a temporary directory, pg_ctl on a free port: the tests that use it touch no other
database, and can stop theirs without disturbing anyone. PostgreSQL refuses to run as root, so
under root (as in CI) the server runs as the ``postgres`` user; the client tools connect over TCP
with trust authentication, from any user.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SERVER_USER = "postgres"
START_TIMEOUT = 60
COMMAND_TIMEOUT = 120


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL with its server binaries (Debian's layout)."""
    found = [
        Path(directory)
        for directory in glob.glob("/usr/lib/postgresql/*/bin")
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists()
    ]
    return max(found, key=lambda path: int(path.parent.name), default=None)


def skip_without_postgres() -> Path:
    """The binaries, or a skip saying what is missing."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            pytest.skip("running as root, and there is no 'postgres' user to run PostgreSQL as")
    return bin_dir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """One PostgreSQL server in a temporary directory; ``stop()`` and ``start()`` at will."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dostlik-postgres-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, user=SERVER_USER, group=None)

    def server_command(self, *args: str) -> list[str]:
        """Run as the postgres user when we are root: initdb and pg_ctl refuse root."""
        if os.geteuid() == 0:
            return ["runuser", "-u", SERVER_USER, "--", *args]
        return list(args)

    def run_server_tool(self, tool: str, *args: str) -> None:
        subprocess.run(
            self.server_command(str(self.bin_dir / tool), *args),
            check=True,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
        )

    def client(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        """A client tool (psql, createdb, pg_dump …) against this server, as its superuser."""
        connection = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        return subprocess.run(
            [str(self.bin_dir / tool), *connection, *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self.run_server_tool(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
            "-c fsync=off"
        )
        self.run_server_tool(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", str(START_TIMEOUT), "start",
        )  # fmt: skip

    def stop(self) -> None:
        self.run_server_tool("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def is_running(self) -> bool:
        status = subprocess.run(
            self.server_command(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "status"),
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
        )
        return status.returncode == 0

    def remove(self) -> None:
        """Stop the server if it still runs, and delete its files."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            if self.data.exists() and self.is_running():
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres():
    """A running throw-away server, removed afterwards whatever happens."""
    cluster = ThrowawayPostgres(skip_without_postgres())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def wait_until(condition, *, timeout: float, interval: float = 0.25):
    """Poll ``condition`` until it returns something truthy; its last value otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
