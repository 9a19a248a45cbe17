"""The server under test and the HTTP client that times it: gunicorn as `make serve` starts it,
single timed fetches, and concurrent clients for the throughput."""

import contextlib
import http.client
import multiprocessing
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.plan import (
    CLIENT_CONNECTIONS,
    CLIENT_PROCESSES,
    GUNICORN,
    REPO,
    REQUEST_TIMEOUT,
    START_TIMEOUT,
    THROUGHPUT_SECONDS,
    WORKERS,
)

# The header of a client that accepts gzip; ``run.Size.get`` checks, by identity, that the
# answer to it was compressed.
GZIP = {"Accept-Encoding": "gzip"}


class Server:
    """gunicorn as `make serve` starts it, on the benchmark's port and settings."""

    def __init__(self, *, env: dict[str, str], port: int, log_path: Path):
        self.env = env
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", "gunicorn.conf.py"],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.log_path}")
            with contextlib.suppress(OSError):
                if fetch(self.port, "/bench/ok").status == 200:
                    # Let every worker load what its first requests load.
                    for _ in range(4 * WORKERS):
                        fetch(self.port, "/bench/ok")
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# ---------- HTTP ----------


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Fetched:
    """One GET on a new connection, timed from sending the request to the body's last byte."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        return Fetched(
            response.status, {k.lower(): v for k, v in response.getheaders()}, body, seconds
        )
    finally:
        conn.close()


def _client_process(port, path, headers, statuses, start_at, stop_at, results) -> None:
    """Keep ``CLIENT_CONNECTIONS`` connections busy from ``start_at`` to ``stop_at``; report how
    many answers had an expected status, how many did not, and when the last one ended."""
    counts = []

    def connection_loop():
        done = failed = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while time.monotonic() < stop_at:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
                continue
            if response.status in statuses:
                done += 1
            else:
                failed += 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        conn.close()
        counts.append((done, failed, time.monotonic()))

    threads = [threading.Thread(target=connection_loop) for _ in range(CLIENT_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(counts)


@dataclass
class Throughput:
    requests_per_second: float
    completed: int
    failed: int


def throughput(port: int, path: str, headers: dict[str, str], statuses=(200,)) -> Throughput:
    """Requests per second from ``CLIENT_PROCESSES`` x ``CLIENT_CONNECTIONS`` connections, each
    sending its next request as soon as the last one is answered, for ``THROUGHPUT_SECONDS``.
    Requests under way at the end are waited for and counted, over the longer time."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.monotonic() + 0.5
    stop_at = start_at + THROUGHPUT_SECONDS
    processes = [
        context.Process(
            target=_client_process,
            args=(port, path, headers, statuses, start_at, stop_at, results),
        )
        for _ in range(CLIENT_PROCESSES)
    ]
    for process in processes:
        process.start()
    counts = [entry for _ in processes for entry in results.get()]
    for process in processes:
        process.join()
    completed = sum(done for done, _failed, _end in counts)
    failed = sum(failed for _done, failed, _end in counts)
    elapsed = max(end for _done, _failed, end in counts) - start_at
    return Throughput(completed / elapsed, completed, failed)
