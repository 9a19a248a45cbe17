"""What the benchmark measures and how often: sizes, runs, targets, the pages, and where it
keeps its data. Shared by ``run``, ``serving`` and ``report``."""

import os
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SIZES = (1_000, 10_000, 100_000)
# Each size has a database of its own, named after this one and the size (dostlik_bench_1000,
# …), and a key prefix of its own in Redis, so that all sizes are served at once.
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dostlik_bench"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_KEY_PREFIX = "dostlik-bench"
OUTPUT = REPO / "docs" / "benchmarks.md"
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2

# Runs per measurement; the slowest ones get fewer so the whole run stays within minutes.
# The sizes are measured in turn, round after round (``interleaved``).
FEED_RUNS = {1_000: 9, 10_000: 7, 100_000: 3}
PEER_RUNS = {1_000: 5, 10_000: 3, 100_000: 1}
# The first fetch ever: every event serialised and stored.
NOTHING_STORED_RUNS = {1_000: 3, 10_000: 3, 100_000: 1}
PAGE_RUNS = 11
# Throughput: this many client processes, each with this many connections, for this long.
CLIENT_PROCESSES = 2
CLIENT_CONNECTIONS = 4
THROUGHPUT_SECONDS = 5.0
# Each measured this many times, in rounds; the median is reported (one short run on two shared
# cores can fall on a busy moment).
THROUGHPUT_ROUNDS = 3
# A full feed slower than this is left out of the throughput table: a few fetches in the time
# given would say nothing.
THROUGHPUT_FULL_FEED_LIMIT = 1.0
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 900.0

TARGETS = {
    "cold_vs_peer": 10.0,  # cold feed of 10,000 events at least 10x faster than django-ical
    "empty_cache_vs_peer": 10.0,  # the same with an empty cache (after a deploy or a flush)
    "conditional_queries": 2,  # a 304 in at most 2 queries
    "warm_vs_static": 3.0,  # a warm full fetch within 3x of the static file
    "page_growth": 1.5,  # page time 1,000 -> 100,000 events at most 1.5x
    "calendar_share": 0.30,  # month calendar at least 30 % of the trivial view's throughput
}


PAGES = {
    "Home": "/",
    "Event list": "/events/",
    "Programme list": "/programmes/",
    "Month calendar": "/calendar/",
    "Month calendar, first view after a change": "/calendar/",
    "Year report": "/reports/",
    "Balance report": "/reports/balance/",
}


# Pages timed as the first view after a change: the content version is moved before each
# request, so nothing cached is used (core/caching.py). Only the month calendar is cached; the
# other pages are computed on every request, so as served is their first view.
AFTER_A_CHANGE = frozenset(name for name in PAGES if name.endswith(", first view after a change"))


def median(values: list[float]) -> float:
    return statistics.median(values)


def database_url(size: int) -> str:
    """The database of ``size`` events."""
    return f"{DATABASE_URL}_{size}"


def cache_key_prefix(size: int) -> str:
    """The Redis key prefix of the servers of ``size`` events."""
    return f"{CACHE_KEY_PREFIX}-{size}"


def interleaved(runs: dict[int, int], sizes: list[int]) -> list[int]:
    """The sizes in turn, round after round, each as often as ``runs`` gives it (1,000, 10,000,
    100,000, 1,000, 10,000, …): a drift of a shared machine's load falls on every size alike,
    and cancels in the ratios between them."""
    rounds = max(runs[size] for size in sizes)
    return [size for number in range(rounds) for size in sizes if number < runs[size]]
