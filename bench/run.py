"""`make bench`: Dostlik's speed as ratios measured in one run on one machine.

Absolute times differ from machine to machine; what a reader can compare is how Dostlik does
against a peer, against the limit and against itself at another size, all measured in the same
run. The script prints its tables and writes them, with the machine they come from, to
``docs/benchmarks.md``.

What it does, in order:

1. Makes one PostgreSQL database per size (``dostlik_bench_1000``, …; ``BENCH_DATABASE_URL``
   names another stem): the first migrated with the demo (``load_demo``) and grown to 1,000
   events, each next one a copy of the one before grown further (``load_demo --events``). Redis
   as production uses it (``REDIS_URL``, default ``redis://127.0.0.1:6379/0``), under a key
   prefix of each size's own, emptied before and after.
2. Serves every size at once, each with its own gunicorn (the repository's ``gunicorn.conf.py``,
   2 workers, DEBUG off, ``bench.settings``) and its own process of this script
   (``bench/site.py``) for what is done in-process; then measures the sizes in turn, round after
   round (1,000, 10,000, 100,000, 1,000, …), so that a drift of the machine's load falls on all
   of them alike:

   - **Feeds**: one subscription feed of the administrator, without filters (every event),
     fetched over HTTP: with nothing stored (the first fetch ever); with an empty cache (after
     a deploy or a flush of Redis: the cache and the kept files gone, the stored VEVENTs
     kept); *cold* (the first fetch after one of its events was changed); *warm* (unchanged,
     full body, no validators), plain and compressed; *conditional* (with the ETag of the last
     fetch: 304). The same events through django-ical's documented ``ICalFeed``
     (``bench/peer.py``), and the bytes of Dostlik's feed, plain and compressed, as files that
     WhiteNoise serves from the same gunicorn (the limit).
   - **Pages**: home, event list, programme list, month calendar and both reports, as the
     administrator, through Django's test client in the size's process: queries, median time.
   - **Throughput**: concurrent clients for a fixed time against gunicorn: a view that does
     nothing, the month calendar, the feed answering 304 and the feed in full.
   - **A recurring event's feed and month view**, last (``bench/recurring.py``): a weekly
     series of four years added to each size, its programme's feed and the month calendar.

The parts: ``plan.py`` (sizes, runs, targets), ``site.py`` (a size's own process),
``serving.py`` (gunicorn and the timed HTTP client), ``report.py`` (the tables), ``peer.py``
(the django-ical feed), ``recurring.py``, ``settings.py`` and ``urls.py`` (what the servers
run). ``--sizes 1000,10000`` runs a shorter benchmark.
"""

import argparse
import datetime
import gzip
import os
import secrets
import shutil
import socket
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, the folder on the path is bench/; the repository's root is what is needed.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import psycopg  # noqa: E402

from bench import recurring  # noqa: E402
from bench.plan import (  # noqa: E402
    AFTER_A_CHANGE,
    DATABASE_URL,
    FEED_RUNS,
    NOTHING_STORED_RUNS,
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
    cache_key_prefix,
    database_url,
    interleaved,
    median,
)
from bench.report import FeedFigures, PageFigures, SizeFigures, machine, report  # noqa: E402
from bench.serving import GZIP, Fetched, Server, Throughput, fetch, throughput  # noqa: E402
from bench.site import SiteProcess, forget_cache, remove_kept_files  # noqa: E402

# ---------- environment, databases ----------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(
    *, size: int, port: int, secret_key: str, static_root: Path, files: Path
) -> dict[str, str]:
    """The settings of one size's servers and process, as `make serve` gives them, plus the
    benchmark's URLconf and static folder. The feed's rate limit is raised so that the load the
    benchmark makes is measured rather than refused; it is still counted in Redis."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(size),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": cache_key_prefix(size),
        # Shared by the servers and the size's process, so its sessions are theirs.
        "SECRET_KEY": secret_key,
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
        "CALENDAR_FILES_DIR": str(files),
        "PYTHONPATH": str(REPO),
    }


def _server_of(url: str) -> str:
    return urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()


def _name_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def recreate_databases(sizes: list[int]) -> None:
    """No database of any size: each is made by ``copy_database`` or the first size's load."""
    with psycopg.connect(_server_of(DATABASE_URL), autocommit=True, connect_timeout=5) as conn:
        for size in sizes:
            conn.execute(f'DROP DATABASE IF EXISTS "{_name_of(database_url(size))}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{_name_of(database_url(sizes[0]))}"')


def copy_database(source: int, size: int) -> None:
    with psycopg.connect(_server_of(DATABASE_URL), autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            f'CREATE DATABASE "{_name_of(database_url(size))}" '
            f'TEMPLATE "{_name_of(database_url(source))}"'
        )


# ---------- one size ----------


@dataclass
class Size:
    """One size: its process, its server, its feed and what was measured of them."""

    size: int
    port: int
    files: Path
    site: SiteProcess
    server: Server
    token: str = ""
    cookie: str = ""
    body: bytes = b""
    gzipped: bytes = b""
    feed: FeedFigures = field(init=False)

    def __post_init__(self):
        self.feed = FeedFigures(size=self.size)

    @property
    def feed_path(self) -> str:
        return f"/calendar/feeds/{self.token}.ics"

    @property
    def peer_path(self) -> str:
        return f"/bench/django-ical/{self.token}.ics"

    @property
    def static_path(self) -> str:
        return f"/dostlik-feed-{self.size}.ics"

    def get(self, path: str, status: int, what: str, headers=None) -> Fetched:
        fetched = fetch(self.port, path, headers)
        if fetched.status != status:
            raise RuntimeError(f"{self.size:,} events, {what}: status {fetched.status}")
        if headers is GZIP and fetched.headers.get("content-encoding") != "gzip":
            raise RuntimeError(f"{self.size:,} events, {what}: not compressed")
        return fetched

    def empty_cache(self) -> None:
        """As after a deploy or a flush of Redis: the cache and the kept files gone."""
        forget_cache(self.size)
        remove_kept_files(self.files)


class Bench:
    def __init__(self, sizes: dict[int, Size], static_root: Path):
        self.sizes = sizes
        self.static_root = static_root
        self.order = sorted(sizes)

    def turns(self, runs: dict[int, int]) -> list[Size]:
        return [self.sizes[size] for size in interleaved(runs, self.order)]

    # --- feeds ---

    def first_fetches(self) -> None:
        """The first fetch ever (nothing stored, the cache empty), then the feed's bytes as
        static files, plain and compressed ahead, which WhiteNoise finds once restarted."""
        for each in self.turns(NOTHING_STORED_RUNS):
            each.site.forget_blocks()
            each.empty_cache()
            first = each.get(each.feed_path, 200, "first fetch")
            each.feed.nothing_stored.append(first.seconds)
            each.body = first.body
        for each in self.sizes.values():
            each.gzipped = each.get(each.feed_path, 200, "compressed fetch", GZIP).body
            if gzip.decompress(each.gzipped) != each.body:
                raise RuntimeError(f"{each.size:,} events: the compressed feed is another")
            each.feed.feed_events = each.body.count(b"BEGIN:VEVENT")
            each.feed.body_bytes = len(each.body)
            each.feed.gzip_bytes = len(each.gzipped)
            static = self.static_root / each.static_path.lstrip("/")
            static.write_bytes(each.body)
            # The very bytes the app sent, served to a client that accepts them.
            static.with_name(static.name + ".gz").write_bytes(each.gzipped)
            each.server.stop()
            each.server.start()

    def warm_fetches(self) -> None:
        for each in self.sizes.values():
            for _ in range(2):
                each.get(each.static_path, 200, "static file")
                each.get(each.feed_path, 200, "warm fetch")
                each.get(each.static_path, 200, "static file, compressed", GZIP)
                each.get(each.feed_path, 200, "warm fetch, compressed", GZIP)
        etags = {
            size: each.get(each.feed_path, 200, "warm fetch").headers["etag"]
            for size, each in self.sizes.items()
        }
        for each in self.turns(FEED_RUNS):
            figures = each.feed
            static = each.get(each.static_path, 200, "static file")
            warm = each.get(each.feed_path, 200, "warm fetch")
            conditional = each.get(
                each.feed_path, 304, "conditional fetch", {"If-None-Match": etags[each.size]}
            )
            static_gzip = each.get(each.static_path, 200, "static file, compressed", GZIP)
            warm_gzip = each.get(each.feed_path, 200, "warm fetch, compressed", GZIP)
            figures.static.append(static.seconds)
            figures.warm.append(warm.seconds)
            figures.conditional.append(conditional.seconds)
            figures.static_gzip.append(static_gzip.seconds)
            figures.warm_gzip.append(warm_gzip.seconds)
            figures.same_bytes = warm.body == static.body == each.body
            if gzip.decompress(warm_gzip.body) != each.body:
                raise RuntimeError(f"{each.size:,} events: the compressed warm feed is another")

    def empty_cache_fetches(self) -> None:
        """After a deploy or a flush: the stored VEVENTs make the same feed."""
        for each in self.turns(FEED_RUNS):
            each.empty_cache()
            fetched = each.get(each.feed_path, 200, "fetch with an empty cache")
            if fetched.body != each.body:
                raise RuntimeError(f"{each.size:,} events: the feed made again is another")
            each.feed.empty_cache.append(fetched.seconds)

    def cold_fetches(self) -> None:
        for each in self.turns(FEED_RUNS):
            title = each.site.change_one_event()
            cold = each.get(each.feed_path, 200, "cold fetch")
            each.feed.cold.append(cold.seconds)
            unfolded = cold.body.replace(b"\r\n ", b"")
            if unfolded.count(f"SUMMARY:{title}\r\n".encode()) != 1:
                raise RuntimeError(f"{each.size:,} events: the cold fetch does not show the change")

    def peer_fetches(self) -> None:
        for each in self.turns(PEER_RUNS):
            peer = each.get(each.peer_path, 200, "django-ical")
            each.feed.peer.append(peer.seconds)
            each.feed.peer_events = peer.body.count(b"BEGIN:VEVENT")
            each.feed.peer_bytes = len(peer.body)

    def feed_queries(self) -> None:
        for each in self.sizes.values():
            each.feed.queries = each.site.feed_queries(each.feed_path, str(each.files))

    # --- pages ---

    def pages(self) -> tuple[dict[int, dict[str, PageFigures]], dict[int, float]]:
        """Each page's queries, and its times over ``PAGE_RUNS`` rounds that visit every page in
        turn, at every size in turn, so a passing load on the machine falls on all of them
        alike. The trivial view is timed in the same rounds: how long doing nothing took, as a
        measure of that load. The pages as served first, then those viewed after a change:
        moving the content version between two pages served would make the second a first view
        too."""
        queries = {size: each.site.page_queries() for size, each in self.sizes.items()}
        times = {size: {name: [] for name in [*PAGES, "trivial"]} for size in self.sizes}
        served = [name for name in PAGES if name not in AFTER_A_CHANGE]
        for group in ([*served, "trivial"], sorted(AFTER_A_CHANGE)):
            for each in self.sizes.values():
                each.site.page_round(group)  # warm-up: what a page caches is cached when timed
            for each in self.turns(dict.fromkeys(self.sizes, PAGE_RUNS)):
                for name, seconds in each.site.page_round(group).items():
                    times[each.size][name].append(seconds)
        figures = {
            size: {name: PageFigures(queries[size][name], times[size][name], 200) for name in PAGES}
            for size in self.sizes
        }
        return figures, {size: median(times[size]["trivial"]) for size in self.sizes}

    # --- throughput ---

    def throughput(self) -> dict[int, dict[str, Throughput]]:
        kinds = {}
        for size, each in self.sizes.items():
            signed_in = {"Cookie": each.cookie}
            etag = each.get(each.feed_path, 200, "warm fetch").headers["etag"]
            kinds[size] = {
                "Trivial view (signed in)": ("/bench/ok", signed_in, (200,)),
                "Trivial view (anonymous)": ("/bench/ok", {}, (200,)),
                "Month calendar": ("/calendar/", signed_in, (200,)),
                "Feed, 304": (each.feed_path, {"If-None-Match": etag}, (304,)),
            }
            if median(each.feed.warm) <= THROUGHPUT_FULL_FEED_LIMIT:
                kinds[size]["Feed, full (warm)"] = (each.feed_path, {}, (200,))
        # Rounds that measure every kind at every size in turn; the median round is reported.
        rounds = {size: {name: [] for name in kinds[size]} for size in self.sizes}
        names = list(dict.fromkeys(name for size in self.order for name in kinds[size]))
        for _ in range(THROUGHPUT_ROUNDS):
            for name in names:
                for size in self.order:
                    if name in kinds[size]:
                        path, headers, statuses = kinds[size][name]
                        port = self.sizes[size].port
                        rounds[size][name].append(
                            throughput(port, path, headers, statuses=statuses)
                        )
        return {
            size: {
                name: Throughput(
                    median([each.requests_per_second for each in measured]),
                    sum(each.completed for each in measured),
                    sum(each.failed for each in measured),
                )
                for name, measured in rounds[size].items()
            }
            for size in self.sizes
        }


def step(started: float, text: str) -> None:
    print(f"{(time.monotonic() - started) / 60:4.1f} min  {text}", flush=True)


# ---------- main ----------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="numbers of events, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: %(default)s")
    options = parser.parse_args()
    order = sorted(int(size) for size in options.sizes.split(","))
    started = time.monotonic()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_at_start = os.getloadavg()[0]

    workdir = Path(tempfile.mkdtemp(prefix="dostlik-bench-"))
    static_root = workdir / "static"
    static_root.mkdir()
    secret_key = secrets.token_urlsafe(50)
    sizes: dict[int, Size] = {}
    try:
        step(started, "recreating the databases …")
        recreate_databases(order)
        for number, size in enumerate(order):
            forget_cache(size)
            if number:
                copy_database(order[number - 1], size)
            port = _free_port()
            files = workdir / f"calendar-files-{size}"
            settings = environment(
                size=size, port=port, secret_key=secret_key, static_root=static_root, files=files
            )
            server = Server(
                env={**os.environ, **settings}, port=port, log_path=workdir / f"gunicorn-{size}.log"
            )
            each = sizes[size] = Size(size, port, files, SiteProcess(size, settings), server)
            step(started, f"{size:,} events: loading …")
            each.site.load(first=not number)
            # Let go of it, so the next size can start as a copy of it.
            each.site.close()
        for each in sizes.values():
            opened = each.site.open()
            each.token, each.cookie = opened.token, opened.cookie
            each.server.start()
        bench = Bench(sizes, static_root)
        step(started, "feeds: nothing stored …")
        bench.first_fetches()
        step(started, "feeds: warm, 304, static, compressed …")
        bench.warm_fetches()
        step(started, "feeds: empty cache …")
        bench.empty_cache_fetches()
        step(started, "feeds: cold …")
        bench.cold_fetches()
        step(started, "feeds: django-ical …")
        bench.peer_fetches()
        bench.feed_queries()
        step(started, "pages …")
        pages, trivial = bench.pages()
        step(started, "throughput …")
        rates = bench.throughput()
        step(started, "a recurring event …")
        series = recurring.measure(bench)
        results = {
            size: SizeFigures(
                each.feed,
                pages[size],
                rates[size],
                each.site.month_events(),
                trivial[size],
                series[size],
            )
            for size, each in sizes.items()
        }
        step(started, "done")
        facts = machine(database_url(order[0]))
        facts["Load average (1 min)"] = (
            f"{load_at_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
        )
        text = report(results, facts, started, date)
    finally:
        for each in sizes.values():
            each.server.stop()
            each.site.stop()
            forget_cache(each.size)
        shutil.rmtree(workdir, ignore_errors=True)
    options.output.write_text(text)
    print()
    print(text)
    print(f"Written to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
