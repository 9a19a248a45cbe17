"""Load test of Dostlik: many simulated people and calendar apps at once against the production
stack — gunicorn (gunicorn.conf.py) with DEBUG off and whitenoise, PostgreSQL and Redis.

What it measures
    50 users for 60 seconds (by default) doing what a working day brings, in fixed
    proportions (loadtest/locustfile.py describes each kind): public visitors on the portal,
    calendar apps polling subscription feeds and the public calendar (mostly conditionally,
    answered 304), institution coordinators browsing events, programmes and the shared calendar
    and exporting it, editors changing their events (form, then POST with its version), national
    coordinators and an analyst reading reports and downloading CSV and XLSX. It prints the
    requests, failures, requests per second and latency percentiles (p50, p90, p95, p99, max)
    overall, per request group (sign-in, page, public, export, feed, edit, static) and per
    request, and ends non-zero when any request failed: a status the scenario did not expect
    (any 4xx or 5xx, a redirect to the sign-in page, a 409 on an edit), a body that is not
    what was asked for, or a connection error.

How to run
    make loadtest            (installs locust, the ``loadtest`` extra, then runs this file)
    .venv/bin/python loadtest/run.py

    PostgreSQL and Redis must be running. The script is self-contained:
    1. drops and recreates its own database (``dostlik_loadtest``), migrates, loads the demo
       data plus generated events (``load_demo --events``) and collects the static files;
    2. makes calendar feeds and picks each editor's events through the app's own services
       (loadtest/prepare.py), and writes the plan the simulated users read;
    3. starts gunicorn on a free port with the environment of ``make serve`` (DEBUG=0,
       whitenoise, REDIS_URL, plain http so no HTTPS redirect or secure cookies) and waits for
       /healthz;
    4. fetches every feed and the public calendar once, as calendar apps subscribed before
       the load did: the server's cache then holds the serialised events, as on a server that
       has been running, and the apps start with the ETags of their copies;
    5. runs locust headless, printing a progress line every 10 seconds;
    6. stops gunicorn (also on Ctrl-C or a failure), drops the database and prints the report,
       with the CPU seconds gunicorn, locust and everything else used during the load: the
       figures mean little when other programs kept the cores busy.
    Logs and locust's CSV files stay in the output directory it names at the end; the gunicorn
    log there holds the traceback of any server error.

Environment
    LOADTEST_DATABASE_URL   postgres://postgres@127.0.0.1:5432/dostlik_loadtest — DROPPED and
                            recreated on every run, so its name must contain "loadtest"
    LOADTEST_REDIS_URL      redis://127.0.0.1:6379/6 (keys under a prefix of each run's own,
                            deleted at the end)
    LOADTEST_USERS          50 simultaneous users
    LOADTEST_SPAWN_RATE     5 users started per second (50 users: 10 s of ramp-up)
    LOADTEST_DURATION       60 seconds of load, ramp-up included
    LOADTEST_EVENTS         5000 generated events on top of the demo data
    GUNICORN_WORKERS        3 worker processes (this script's default: locust shares the
                            machine; gunicorn.conf.py's own default is 2 x cores + 1)
    GUNICORN_THREADS        threads per worker (gunicorn.conf.py: 4)
    LOADTEST_RATELIMIT_LOGIN  600/m: the server's RATELIMIT_LOGIN for the run. Every simulated
                            user signs in from 127.0.0.1, and the production rate (10 sign-in
                            POSTs a minute per address) is meant for one person, not fifty.
                            Feeds keep their production limit (RATELIMIT_FEED, 120/m a feed):
                            each calendar app polls feeds of its own, well below it.
                            Sign-ins all succeed, so django-axes (which counts failures) never
                            locks anyone out.
    LOADTEST_PORT           the port gunicorn listens on (default: a free one)
    LOADTEST_OUTPUT         directory for logs, the plan and locust's CSV files (default: a new
                            one under the system's temporary directory)
    LOADTEST_REUSE_DATABASE 1: use the database as a previous run left it (run with
                            LOADTEST_KEEP_DATABASE=1): skips drop, migrate and load_demo;
                            new feeds are still made
    LOADTEST_KEEP_DATABASE  1: do not drop the database at the end
    Anything else the settings read (CONN_MAX_AGE, LOG_LEVEL, ...) is passed on to the server.
"""

import csv
import datetime
import json
import math
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

import psycopg
import redis

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GROUPS = ("sign-in", "page", "public", "export", "feed", "edit", "static")
PERCENTILES = (50, 90, 95, 99)
START_TIMEOUT = 60  # seconds for gunicorn to answer /healthz
STOP_TIMEOUT = 40  # seconds for gunicorn to stop gracefully (its graceful_timeout is 30)
PROGRESS_EVERY = 10  # seconds between progress lines
SETTLE_SECONDS = 10  # after the ramp-up, before the report's "settled" row


class LoadTestError(Exception):
    """A step before or around the load itself failed; the message says which and why."""


def _setting(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


class Config:
    def __init__(self):
        self.database_url = _setting(
            "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dostlik_loadtest"
        )
        self.redis_url = _setting("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/6")
        self.users = int(_setting("LOADTEST_USERS", "50"))
        self.spawn_rate = float(_setting("LOADTEST_SPAWN_RATE", "5"))
        self.duration = int(_setting("LOADTEST_DURATION", "60"))
        self.events = int(_setting("LOADTEST_EVENTS", "5000"))
        self.workers = int(_setting("GUNICORN_WORKERS", "3"))
        self.threads = int(_setting("GUNICORN_THREADS", "4"))
        self.login_rate = _setting("LOADTEST_RATELIMIT_LOGIN", "600/m")
        self.port = int(_setting("LOADTEST_PORT", "0")) or _free_port()
        self.reuse_database = _setting("LOADTEST_REUSE_DATABASE", "0") == "1"
        self.keep_database = _setting("LOADTEST_KEEP_DATABASE", "0") == "1"
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        output = os.environ.get("LOADTEST_OUTPUT", "").strip()
        self.output = (
            Path(output) if output else Path(tempfile.mkdtemp(prefix=f"dostlik-loadtest-{stamp}-"))
        )
        self.output.mkdir(parents=True, exist_ok=True)
        self.run_id = f"{stamp}_{secrets.token_hex(3)}"
        self.host = f"http://127.0.0.1:{self.port}"
        self.database_name = urllib.parse.urlsplit(self.database_url).path.lstrip("/")
        if "loadtest" not in self.database_name:
            raise LoadTestError(
                f"LOADTEST_DATABASE_URL names the database {self.database_name!r}, which this "
                'script would drop: use a name that contains "loadtest".'
            )

    def server_environment(self) -> dict[str, str]:
        """The environment of ``make serve``, pointed at the load test's database and Redis."""
        return {
            # Connections reused for a minute, as in production (.env.example), unless given.
            "CONN_MAX_AGE": "60",
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CACHE_KEY_PREFIX": f"loadtest_{self.run_id}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.host,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "EMAIL_CONSOLE": "1",
            "STATIC_ROOT": str(self.output / "staticfiles"),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_THREADS": str(self.threads),
            "RATELIMIT_LOGIN": self.login_rate,
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _say(message: str) -> None:
    print(message, flush=True)


# ---------- services and the database ----------


def _maintenance_url(config: Config) -> str:
    return urllib.parse.urlsplit(config.database_url)._replace(path="/postgres").geturl()


def check_services(config: Config) -> None:
    try:
        psycopg.connect(_maintenance_url(config), connect_timeout=5).close()
    except psycopg.Error as exc:
        raise LoadTestError(f"PostgreSQL is not reachable ({config.database_url}): {exc}") from exc
    try:
        redis.Redis.from_url(config.redis_url, socket_timeout=5).ping()
    except redis.RedisError as exc:
        raise LoadTestError(f"Redis is not reachable ({config.redis_url}): {exc}") from exc


def recreate_database(config: Config) -> None:
    with psycopg.connect(_maintenance_url(config), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config.database_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{config.database_name}"')


def drop_database(config: Config) -> None:
    with psycopg.connect(_maintenance_url(config), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config.database_name}" WITH (FORCE)')


def forget_cache(config: Config) -> None:
    """Delete this run's keys (sessions, rate-limit counts), and only those."""
    store = redis.Redis.from_url(config.redis_url, socket_timeout=5)
    for key in store.scan_iter(match=f"loadtest_{config.run_id}:*"):
        store.delete(key)


def run_step(title: str, args: list[str], env: dict[str, str], log: Path) -> None:
    started = time.monotonic()
    with log.open("a", encoding="utf-8") as log_file:
        log_file.write(f"\n$ {' '.join(args)}\n")
        log_file.flush()
        result = subprocess.run(args, cwd=REPO, env=env, stdout=log_file, stderr=log_file)
    if result.returncode != 0:
        raise LoadTestError(f"{title} failed (exit {result.returncode}); see {log}")
    _say(f"  {title} ({time.monotonic() - started:.1f} s)")


def prepare(config: Config, env: dict[str, str]) -> Path:
    log = config.output / "setup.log"
    python = str(BIN / "python")
    manage = [python, "manage.py"]
    if config.reuse_database:
        _say(f"Using the database {config.database_name} as it is")
    else:
        _say(f"Preparing the database {config.database_name} (log: {log})")
        recreate_database(config)
        run_step("migrate", [*manage, "migrate", "--noinput"], env, log)
        run_step(
            f"load_demo --events {config.events}",
            [*manage, "load_demo", "--events", str(config.events), "--allow-production"],
            env,
            log,
        )
    run_step("collectstatic", [*manage, "collectstatic", "--noinput"], env, log)
    plan = config.output / "plan.json"
    run_step("feeds and editors' events", [python, "loadtest/prepare.py", str(plan)], env, log)
    return plan


# ---------- gunicorn ----------


def start_server(config: Config, env: dict[str, str]) -> subprocess.Popen:
    log = config.output / "gunicorn.log"
    _say(
        f"Starting gunicorn on {config.host} ({config.workers} workers x {config.threads} "
        f"threads; log: {log})"
    )
    with log.open("w", encoding="utf-8") as log_file:
        # A session of its own: the server is stopped by this script, in order, not by the
        # Ctrl-C that reaches the terminal's foreground processes.
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LoadTestError(f"gunicorn exited ({server.returncode}) at start; see {log}")
        try:
            with urllib.request.urlopen(f"{config.host}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise LoadTestError(f"gunicorn did not answer /healthz within {START_TIMEOUT} s; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    # SIGTERM: gunicorn finishes the requests in hand, then its workers and itself exit.
    server.terminate()
    try:
        server.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def server_errors(log: Path) -> list[str]:
    """Tracebacks, ERROR lines and worker timeouts in the gunicorn log, each as one block."""
    blocks, current = [], None
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        starts_block = " ERROR " in line or "WORKER TIMEOUT" in line or "[CRITICAL]" in line
        if starts_block:
            if current:
                blocks.append("\n".join(current))
            current = [line]
        elif current is not None and (
            line.startswith(("Traceback", "  ", "During handling", "The above"))
            or (line and not line[0].isdigit() and not line.startswith("["))
        ):
            current.append(line)
        elif current is not None:
            blocks.append("\n".join(current))
            current = None
    if current:
        blocks.append("\n".join(current))
    return blocks


# ---------- warm-up ----------


def warm_up(config: Config, plan_path: Path) -> None:
    """Fetch every feed of the plan and the public calendar once, as the calendar apps did
    before the load began, and hand their ETags to the apps. The server then is as one that
    has been running a while: its cache holds the serialised events (calendars/ical.py), and
    the apps poll with the ETags of copies they already have."""
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    paths = [f"/calendar/feeds/{feed['token']}.ics" for feed in plan["feeds"]]
    paths.append("/public/calendar.ics")
    etags, times = {}, []
    for path in paths:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{config.host}{path}", timeout=120) as response:
                response.read()
                etags[path] = response.headers["ETag"]
        except (urllib.error.URLError, OSError) as exc:
            raise LoadTestError(f"warm-up fetch of a calendar file failed: {exc}") from exc
        times.append(time.monotonic() - started)
    plan["etags"] = etags
    plan_path.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    _say(
        f"Warm-up: {len(paths)} calendar files fetched once in {sum(times):.1f} s "
        f"(slowest {max(times):.1f} s)"
    )


# ---------- locust ----------


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children still running (Linux /proc); 0 elsewhere."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the name: state, ppid, ..., utime and stime are fields 12 and 13.
            if int(entry.name) == pid or int(fields[1]) == pid:
                total += (int(fields[11]) + int(fields[12])) / ticks
    except OSError:
        return 0.0
    return total


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since it started (Linux /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run_locust(
    config: Config, plan: Path, server: subprocess.Popen
) -> tuple[Path, dict[str, float]]:
    samples = config.output / "samples.json"
    log = config.output / "locust.log"
    prefix = config.output / "locust"
    env = {
        **os.environ,
        "LOADTEST_PLAN": str(plan),
        "LOADTEST_SAMPLES": str(samples),
        # The users read forms as the fuzz test does (tests/fuzz/html.py).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    args = [
        str(BIN / "locust"),
        "-f",
        str(REPO / "loadtest" / "locustfile.py"),
        "--headless",
        "--users",
        str(config.users),
        "--spawn-rate",
        str(config.spawn_rate),
        "--run-time",
        f"{config.duration}s",
        "--stop-timeout",
        "10",
        "--host",
        config.host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    _say(
        f"Running locust: {config.users} users, {config.spawn_rate:g} started a second, "
        f"{config.duration} s (log: {log})"
    )
    server_cpu = _cpu_seconds(server.pid)
    machine_cpu = _machine_busy_seconds()
    children_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("w", encoding="utf-8") as log_file:
        locust = subprocess.Popen(args, cwd=REPO, env=env, stdout=log_file, stderr=log_file)
        try:
            started = time.monotonic()
            while locust.poll() is None:
                try:
                    locust.wait(timeout=PROGRESS_EVERY)
                except subprocess.TimeoutExpired:
                    _progress(prefix, time.monotonic() - started)
        finally:
            if locust.poll() is None:
                locust.terminate()
                try:
                    locust.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    locust.kill()
                    locust.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {
        "machine": _machine_busy_seconds() - machine_cpu,
        "gunicorn": _cpu_seconds(server.pid) - server_cpu,
        "locust": after.ru_utime + after.ru_stime - children_cpu.ru_utime - children_cpu.ru_stime,
    }
    if not samples.exists():
        raise LoadTestError(f"locust wrote no results (exit {locust.returncode}); see {log}")
    return samples, cpu


def _progress(prefix: Path, elapsed: float) -> None:
    """One line from locust's running totals (its _stats_history.csv)."""
    history = Path(f"{prefix}_stats_history.csv")
    if not history.exists():
        return
    rows = [row for row in csv.DictReader(history.open()) if row.get("Name") == "Aggregated"]
    if rows:
        row = rows[-1]
        _say(
            f"  {elapsed:4.0f} s  users {row['User Count']:>3}  requests "
            f"{row['Total Request Count']:>6}  failures {row['Total Failure Count']:>4}  "
            f"now {float(row['Requests/s']):6.1f}/s  p95 {row['95%']} ms"
        )


# ---------- the report ----------


def _percentile(ordered: list[float], percent: float) -> float:
    """Nearest rank: the smallest value with at least ``percent`` % of all at or below it."""
    index = max(0, math.ceil(percent / 100 * len(ordered)) - 1)
    return ordered[index]


def _row(label: str, samples: list[list], seconds: float, width: int) -> str:
    times = sorted(sample[2] for sample in samples)
    failures = sum(1 for sample in samples if sample[4])
    cells = [f"{_percentile(times, p):7.0f}" for p in PERCENTILES]
    return (
        f"{label:<{width}} {len(samples):>8} {failures:>8} {len(samples) / seconds:>7.1f} "
        + " ".join(cells)
        + f" {times[-1]:7.0f}"
    )


def _header(width: int) -> str:
    percentiles = " ".join(f"{'p' + str(p):>7}" for p in PERCENTILES)
    return f"{'':<{width}} {'requests':>8} {'failures':>8} {'req/s':>7} {percentiles} {'max':>7}"


def report(config: Config, samples_path: Path) -> int:
    """Print the figures; return the number of failed requests."""
    samples = json.loads(samples_path.read_text(encoding="utf-8"))
    if not samples:
        raise LoadTestError("no request was made")
    first = min(sample[3] for sample in samples)
    last = max(sample[3] + sample[2] / 1000 for sample in samples)
    seconds = max(last - first, 1e-3)
    failures = [sample for sample in samples if sample[4]]
    by_group, by_name = defaultdict(list), defaultdict(list)
    for sample in samples:
        by_group[sample[0].split(":", 1)[0]].append(sample)
        by_name[sample[0]].append(sample)

    _say("")
    _say(
        f"Dostlik load test — {config.users} users ({config.spawn_rate:g}/s ramp-up) for "
        f"{config.duration} s; gunicorn {config.workers} workers x {config.threads} threads, "
        f"PostgreSQL, Redis; {config.events} generated events"
    )
    _say(
        f"Requests {len(samples)}, failures {len(failures)}, "
        f"{len(samples) / seconds:.1f} requests/s over {seconds:.1f} s. Latency in ms."
    )
    width = 16
    _say("")
    _say(_header(width))
    _say(_row("all", samples, seconds, width))
    # Once every user has started and signed in: sign-ins hash a password on purpose slowly
    # (PBKDF2), so the ramp-up is the busiest stretch of the run.
    settled = math.ceil(config.users / config.spawn_rate) + SETTLE_SECONDS
    later = [sample for sample in samples if sample[3] >= first + settled]
    if later:
        later_seconds = max(last - (first + settled), 1e-3)
        _say(_row(f"all after {settled} s", later, later_seconds, width))
    for group in sorted(by_group, key=lambda g: GROUPS.index(g) if g in GROUPS else 99):
        _say(_row(group, by_group[group], seconds, width))

    width = max(len(name) for name in by_name) + 1
    _say("")
    _say(_header(width) + "  answers")
    for name in sorted(by_name):
        statuses = Counter(sample[1] for sample in by_name[name])
        answers = " ".join(f"{status}x{count}" for status, count in sorted(statuses.items()))
        _say(_row(name, by_name[name], seconds, width) + f"  {answers}")

    if failures:
        _say("")
        _say("Failures (count, request, reason):")
        reasons = Counter((sample[0], sample[4]) for sample in failures)
        for (name, reason), count in reasons.most_common(20):
            _say(f"  {count:>5}  {name}: {reason}")
    return len(failures)


# ---------- the whole run ----------


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Ctrl-C stops the run and cleans up, even when started from a shell that ignores it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        config = Config()
    except LoadTestError as exc:
        _say(f"Load test not started: {exc}")
        return 2
    env = config.server_environment()
    server = None
    failed = None
    try:
        check_services(config)
        plan = prepare(config, env)
        server = start_server(config, env)
        warm_up(config, plan)
        load_before = os.getloadavg()
        samples, cpu = run_locust(config, plan, server)
    except LoadTestError as exc:
        _say(f"Load test stopped: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("Load test interrupted.")
        return 130
    finally:
        if server is not None:
            _say("Stopping gunicorn")
            stop_server(server)
        try:
            forget_cache(config)
            if not config.keep_database:
                drop_database(config)
        except (psycopg.Error, redis.RedisError) as exc:
            _say(f"Cleaning up failed: {exc}")
    try:
        failed = report(config, samples)
        _say("")
        others = cpu["machine"] - cpu["gunicorn"] - cpu["locust"]
        _say(
            f"CPU seconds during the load: gunicorn {cpu['gunicorn']:.1f}, locust "
            f"{cpu['locust']:.1f}, everything else (PostgreSQL, Redis, other programs) "
            f"{others:.1f}; the machine has {os.cpu_count()} cores. Load average before "
            f"{load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}."
        )
        if others > cpu["gunicorn"]:
            _say(
                "Note: other programs used more CPU than the server during the load; the "
                "latencies above are those of a shared, busy machine."
            )
    except LoadTestError as exc:
        _say(f"Load test stopped: {exc}")
        return 2
    errors = server_errors(config.output / "gunicorn.log")
    if errors:
        _say("")
        _say(f"The server logged {len(errors)} error(s); the first:")
        _say(errors[0])
    _say("")
    _say(f"Logs, plan and locust's CSV files: {config.output}")
    if failed or errors:
        _say(f"FAILED: {failed} failed request(s), {len(errors)} server error(s).")
        return 1
    _say("PASSED: no request failed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
