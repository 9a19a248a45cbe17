"""`make bench`: Dostlik's speed as ratios measured in one run on one machine.

Absolute times differ from machine to machine; what a reader can compare is how Dostlik does
against a peer, against the limit and against itself at another size, all measured in the same
run. The script prints its tables and writes them, with the machine they come from, to
``docs/benchmarks.md``.

What it does, in order:

1. Recreates its own PostgreSQL database (``dostlik_bench``; ``BENCH_DATABASE_URL`` picks
   another), migrates it, collects the static files and loads the demo (``load_demo``). It
   uses Redis as production does (``REDIS_URL``, default ``redis://127.0.0.1:6379/0``) under a
   key prefix of its own, which it empties before and after.
2. For 1,000, 10,000 and 100,000 events (the demo's own plus ``load_demo --events``, grown step
   by step), with gunicorn (the repository's ``gunicorn.conf.py``, 2 workers, DEBUG off) serving
   ``bench.settings``:

   - **Feeds**: one subscription feed of the administrator, without filters (every event), is
     fetched over HTTP: first with an empty VEVENT cache; *cold* (the first fetch after one of
     its events was changed); *warm* (unchanged, full body, no validators); *conditional*
     (with the ETag of the last fetch: 304). The same events through django-ical's documented
     ``ICalFeed`` (``bench/peer.py``), and the bytes of Dostlik's feed written to a file that
     WhiteNoise serves from the same gunicorn (the limit).
   - **Pages**: home, event list, programme list, month calendar and both reports, as the
     administrator, in this process through Django's test client: queries and median time.
   - **Throughput**: concurrent clients for a fixed time against gunicorn: a view that does
     nothing, the month calendar, the feed answering 304 and the feed in full.

The parts: ``plan.py`` (sizes, runs, targets), ``serving.py`` (gunicorn and the timed HTTP
client), ``report.py`` (the tables), ``peer.py`` (the django-ical feed), ``settings.py`` and
``urls.py`` (what the servers run). ``--sizes 1000,10000`` runs a shorter benchmark.
"""

import argparse
import datetime
import hashlib
import io
import os
import secrets
import shutil
import socket
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

# Run as a script, the folder on the path is bench/; the repository's root is what is needed.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import psycopg  # noqa: E402
import redis  # noqa: E402

from bench.plan import (  # noqa: E402
    AFTER_A_CHANGE,
    CACHE_KEY_PREFIX,
    DATABASE_URL,
    FEED_RUNS,
    OUTPUT,
    PAGE_RUNS,
    PAGES,
    PEER_RUNS,
    REDIS_URL,
    REPO,
    SIZES,
    THROUGHPUT_FULL_FEED_LIMIT,
    THROUGHPUT_ROUNDS,
    WORKERS,
    median,
)
from bench.report import FeedFigures, PageFigures, SizeFigures, machine, report  # noqa: E402
from bench.serving import Fetched, Server, Throughput, fetch, throughput  # noqa: E402

# ---------- environment, database, server ----------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(*, port: int, static_root: Path) -> dict[str, str]:
    """The settings of the servers and of this process, as `make serve` gives them, plus the
    benchmark's URLconf and static folder. The feed's rate limit is raised so that the load the
    benchmark makes is measured rather than refused; it is still counted in Redis."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": CACHE_KEY_PREFIX,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "EMAIL_CONSOLE": "1",
        # Persistent connections, as README and .env.example set them for production.
        "CONN_MAX_AGE": "60",
        "RATELIMIT_FEED": "1000000/m",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        # django-ical takes minutes for 100,000 events; gunicorn's 60 s would kill it.
        "GUNICORN_TIMEOUT": "900",
        "BENCH_STATIC_ROOT": str(static_root),
        "PYTHONPATH": str(REPO),
    }


def recreate_database() -> None:
    url = urllib.parse.urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def forget_cache(pattern: str = "*") -> None:
    """Delete this benchmark's keys (and only those) from the shared Redis."""
    store = redis.Redis.from_url(REDIS_URL)
    batch = []
    for key in store.scan_iter(match=f"{CACHE_KEY_PREFIX}:{pattern}", count=10_000):
        batch.append(key)
        if len(batch) >= 10_000:
            store.delete(*batch)
            batch = []
    if batch:
        store.delete(*batch)


class Bench:
    def __init__(self, *, port: int, static_root: Path, server: Server):
        from django.test import Client

        from accounts.models import User
        from calendars.services import feed_create

        self.port = port
        self.static_root = static_root
        self.server = server
        self.admin = User.objects.get(username="admin")
        self.token = feed_create(owner=self.admin, name="Everything").token
        self.feed_path = f"/calendar/feeds/{self.token}.ics"
        self.peer_path = f"/bench/django-ical/{self.token}.ics"
        self.client = Client()
        self.client.force_login(self.admin)
        self.cookie = f"sessionid={self.client.cookies['sessionid'].value}"
        self.changes = 0
        self.changed_title = ""

    # --- data ---

    def grow(self, size: int) -> None:
        from django.core.management import call_command
        from django.db import connection

        from events.models import Event

        missing = size - Event.objects.count()
        if missing > 0:
            call_command("load_demo", events=missing, allow_production=True, stdout=io.StringIO())
        if Event.objects.count() != size:
            raise RuntimeError(f"{Event.objects.count()} events loaded instead of {size}")
        # Statistics for the planner now, as autovacuum would soon after a large load, so that
        # it does not run in the middle of the measurements.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def change_one_event(self) -> None:
        """Change the title of one event of the feed, as a coordinator's edit would."""
        from events.models import Event
        from events.services import event_update

        event = Event.objects.order_by("pk").first()
        self.changes += 1
        self.changed_title = f"{event.title.split(' · ')[0]} · {self.changes}"
        event_update(event=event, actor=self.admin, title=self.changed_title)

    # --- feeds ---

    def _feed(self, headers=None) -> Fetched:
        return fetch(self.port, self.feed_path, headers)

    def _expect(self, fetched: Fetched, status: int, what: str) -> Fetched:
        if fetched.status != status:
            raise RuntimeError(f"{what}: status {fetched.status}, expected {status}")
        return fetched

    def feeds(self, size: int) -> FeedFigures:
        figures = FeedFigures(size=size)
        runs = FEED_RUNS[size]
        # Empty VEVENT cache: every event is serialised.
        forget_cache("*ical:*")
        first = self._expect(self._feed(), 200, "first fetch")
        figures.empty_cache = first.seconds
        figures.feed_events = first.body.count(b"BEGIN:VEVENT")
        figures.body_bytes = len(first.body)
        static_name = f"dostlik-feed-{size}.ics"
        (self.static_root / static_name).write_bytes(first.body)
        # WhiteNoise finds the new file when the server starts.
        self.server.stop()
        self.server.start()
        static_path = f"/{static_name}"

        for _ in range(2):
            self._expect(fetch(self.port, static_path), 200, "static file")
            self._expect(self._feed(), 200, "warm fetch")
        etag = self._feed().headers["etag"]
        validators = {"If-None-Match": etag}
        for _ in range(runs):
            static = self._expect(fetch(self.port, static_path), 200, "static file")
            warm = self._expect(self._feed(), 200, "warm fetch")
            conditional = self._expect(self._feed(validators), 304, "conditional fetch")
            figures.static.append(static.seconds)
            figures.warm.append(warm.seconds)
            figures.conditional.append(conditional.seconds)
        figures.same_bytes = (
            hashlib.sha256(warm.body).digest() == hashlib.sha256(static.body).digest()
        )

        for _ in range(runs):
            self.change_one_event()
            cold = self._expect(self._feed(), 200, "cold fetch")
            figures.cold.append(cold.seconds)
            unfolded = cold.body.replace(b"\r\n ", b"")
            if unfolded.count(f"SUMMARY:{self.changed_title}\r\n".encode()) != 1:
                raise RuntimeError("the cold fetch does not show the change")

        for _ in range(PEER_RUNS[size]):
            peer = self._expect(fetch(self.port, self.peer_path), 200, "django-ical")
            figures.peer.append(peer.seconds)
        figures.peer_events = peer.body.count(b"BEGIN:VEVENT")
        figures.peer_bytes = len(peer.body)
        figures.queries = self.feed_queries()
        return figures

    def feed_queries(self) -> dict[str, int]:
        """Queries of each kind of fetch, counted in this process on the same URLs."""
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client()

        def count(path, headers=None) -> int:
            with CaptureQueriesContext(connection) as queries:
                client.get(path, headers=headers)
            return len(queries)

        counts = {}
        self.change_one_event()
        counts["cold"] = count(self.feed_path)
        counts["warm"] = count(self.feed_path)
        etag = client.get(self.feed_path).headers["ETag"]
        counts["conditional"] = count(self.feed_path, {"If-None-Match": etag})
        return counts

    # --- pages ---

    def pages(self) -> tuple[dict[str, PageFigures], float]:
        """Each page's queries, and its times over ``PAGE_RUNS`` rounds that visit every page
        in turn, so a passing load on the machine falls on all of them alike. The trivial view
        is timed in the same rounds: how long doing nothing took, as a measure of that load."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from core.caching import content_changed

        def visit(name: str, path: str):
            if name in AFTER_A_CHANGE:
                content_changed()
            return self.client.get(path)

        queries = {}
        for name, path in PAGES.items():
            visit(name, path)  # warm-up
            with CaptureQueriesContext(connection) as captured:
                response = visit(name, path)
            # Read now: every request starts by emptying the connection's log of queries.
            queries[name] = len(captured)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: status {response.status_code}")
        times = {name: [] for name in PAGES}
        trivial = []
        # The pages as served first, then those viewed after a change: moving the content
        # version between two pages served would make the second a first view too.
        served = [name for name in PAGES if name not in AFTER_A_CHANGE]
        for group in ([*served, "trivial"], sorted(AFTER_A_CHANGE)):
            paths = [(name, PAGES.get(name, "/bench/ok")) for name in group]
            for name, path in paths:
                visit(name, path)  # warm-up: what a page caches is cached before it is timed
            for _ in range(PAGE_RUNS):
                for name, path in paths:
                    started = time.perf_counter()
                    visit(name, path)
                    times.get(name, trivial).append(time.perf_counter() - started)
        figures = {name: PageFigures(queries[name], times[name], 200) for name in PAGES}
        return figures, median(trivial)

    def month_events(self) -> int:
        """How many events run in the weeks the month calendar shows today."""
        import datetime as dt

        from django.utils import timezone

        from calendars.selectors import month_grid_of, reader_zone
        from events.models import Event

        zone = reader_zone(self.admin)
        period = month_grid_of(timezone.localdate(timezone=zone))
        midnight = dt.time(0, tzinfo=zone)
        return Event.objects.filter(
            starts_at__lt=dt.datetime.combine(period.last + dt.timedelta(days=1), midnight),
            ends_at__gt=dt.datetime.combine(period.first, midnight),
        ).count()

    # --- throughput ---

    def throughput(self, feed: FeedFigures) -> dict[str, Throughput]:
        from django.db import connections

        connections.close_all()  # the client processes are forked from this one
        signed_in = {"Cookie": self.cookie}
        etag = self._feed().headers["etag"]
        kinds = {
            "Trivial view (signed in)": ("/bench/ok", signed_in, (200,)),
            "Trivial view (anonymous)": ("/bench/ok", {}, (200,)),
            "Month calendar": ("/calendar/", signed_in, (200,)),
            "Feed, 304": (self.feed_path, {"If-None-Match": etag}, (304,)),
        }
        if median(feed.warm) <= THROUGHPUT_FULL_FEED_LIMIT:
            kinds["Feed, full (warm)"] = (self.feed_path, {}, (200,))
        # Rounds that measure every kind in turn, so a passing load on the machine falls on all
        # of them alike; the median round of each kind is reported.
        rounds = {name: [] for name in kinds}
        for _ in range(THROUGHPUT_ROUNDS):
            for name, (path, headers, statuses) in kinds.items():
                rounds[name].append(throughput(self.port, path, headers, statuses=statuses))
        return {
            name: Throughput(
                median([each.requests_per_second for each in measured]),
                sum(each.completed for each in measured),
                sum(each.failed for each in measured),
            )
            for name, measured in rounds.items()
        }


# ---------- main ----------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="numbers of events, comma-separated, growing (default: %(default)s)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: %(default)s")
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(","))
    started = time.monotonic()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_at_start = os.getloadavg()[0]

    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="dostlik-bench-"))
    static_root = workdir / "static"
    static_root.mkdir()
    server_env = {**os.environ, **environment(port=port, static_root=static_root)}
    os.environ.update(environment(port=port, static_root=static_root))
    # Same settings as the servers (secret key included, so its sessions are theirs), but
    # this process's request lines stay out of the tables it prints.
    os.environ["SECRET_KEY"] = server_env["SECRET_KEY"]
    os.environ["LOG_LEVEL"] = "WARNING"

    print(f"Recreating the database {DATABASE_URL.rsplit('/', 1)[-1]} …", flush=True)
    recreate_database()
    forget_cache()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", allow_production=True, stdout=io.StringIO())

    server = Server(env=server_env, port=port, log_path=workdir / "gunicorn.log")
    results: dict[int, SizeFigures] = {}
    try:
        bench = Bench(port=port, static_root=static_root, server=server)
        for size in sizes:
            print(f"{size:,} events: loading …", flush=True)
            bench.grow(size)
            server.start()
            print(f"{size:,} events: feeds …", flush=True)
            feed = bench.feeds(size)
            print(f"{size:,} events: pages …", flush=True)
            pages, trivial = bench.pages()
            print(f"{size:,} events: throughput …", flush=True)
            rates = bench.throughput(feed)
            server.stop()
            results[size] = SizeFigures(feed, pages, rates, bench.month_events(), trivial)
            print(
                f"{size:,} events: done at {(time.monotonic() - started) / 60:.1f} min", flush=True
            )
        facts = machine()
        facts["Load average (1 min)"] = (
            f"{load_at_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
        )
        text = report(results, facts, started, date)
    finally:
        server.stop()
        forget_cache()
        shutil.rmtree(workdir, ignore_errors=True)
    options.output.write_text(text)
    print()
    print(text)
    print(f"Written to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
