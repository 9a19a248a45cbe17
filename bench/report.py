"""The tables: figures of one run, the machine they come from, the targets met or missed, as
Markdown for ``docs/benchmarks.md`` and the terminal."""

import contextlib
import os
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import redis

from bench.plan import (
    AFTER_A_CHANGE,
    CLIENT_CONNECTIONS,
    CLIENT_PROCESSES,
    PAGE_RUNS,
    PAGES,
    REDIS_URL,
    TARGETS,
    THROUGHPUT_ROUNDS,
    THROUGHPUT_SECONDS,
    WORKERS,
    median,
)
from bench.serving import Throughput


@dataclass
class FeedFigures:
    size: int
    feed_events: int = 0
    peer_events: int = 0
    body_bytes: int = 0
    peer_bytes: int = 0
    empty_cache: float = 0.0
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    conditional: list[float] = field(default_factory=list)
    peer: list[float] = field(default_factory=list)
    static: list[float] = field(default_factory=list)
    queries: dict[str, int] = field(default_factory=dict)
    same_bytes: bool = False


@dataclass
class PageFigures:
    queries: int
    times: list[float]
    status: int


@dataclass
class SizeFigures:
    feed: FeedFigures
    pages: dict[str, PageFigures]
    throughput: dict[str, Throughput]
    month_events: int
    trivial_in_process: float


# ---------- the report ----------


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    system = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} (Linux {platform.release()})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = redis.Redis.from_url(REDIS_URL).info()["redis_version"]
    packages = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("Django", "gunicorn", "whitenoise", "icalendar", "django-ical", "psycopg")
    )
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Memory": memory,
        "System": system,
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": redis_version,
        "Packages": packages,
    }


def ms(seconds: float) -> str:
    value = seconds * 1000
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


TIMES = "\u00d7"


def ratio(value: float) -> str:
    return f"{value:,.1f}{TIMES}" if value >= 10 else f"{value:.2f}{TIMES}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


@dataclass
class Target:
    text: str
    met: bool
    measured: str


def evaluate(results: dict[int, SizeFigures]) -> list[Target]:
    sizes = sorted(results)
    targets = []
    if 10_000 in results:
        feed = results[10_000].feed
        speedup = median(feed.peer) / median(feed.cold)
        targets.append(
            Target(
                f"Cold feed of 10,000 events at least 10{TIMES} faster than django-ical",
                speedup >= TARGETS["cold_vs_peer"],
                f"{ratio(speedup)} ({ms(median(feed.cold))} against {ms(median(feed.peer))})",
            )
        )
    worst = max(results[size].feed.queries["conditional"] for size in sizes)
    targets.append(
        Target(
            "Conditional fetch of an unchanged feed: 304 in at most 2 queries",
            worst <= TARGETS["conditional_queries"],
            ", ".join(f"{results[size].feed.queries['conditional']} at {size:,}" for size in sizes),
        )
    )
    warm = {
        size: median(results[size].feed.warm) / median(results[size].feed.static) for size in sizes
    }
    targets.append(
        Target(
            f"Warm full fetch within 3{TIMES} of the static file",
            all(value <= TARGETS["warm_vs_static"] for value in warm.values()),
            ", ".join(f"{ratio(value)} at {size:,}" for size, value in warm.items()),
        )
    )
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        moving = [
            name for name in PAGES if len({results[size].pages[name].queries for size in sizes}) > 1
        ]
        targets.append(
            Target(
                "Query counts independent of the number of events",
                not moving,
                "every page the same at every size"
                if not moving
                else "changes on " + ", ".join(moving),
            )
        )
        growth = {
            name: median(results[last].pages[name].times) / median(results[first].pages[name].times)
            for name in PAGES
        }
        # Judged apart: the pages as served, and the first view of a page after a change.
        for label, names in (
            ("pages as served", [name for name in PAGES if name not in AFTER_A_CHANGE]),
            ("first view after a change", [name for name in PAGES if name in AFTER_A_CHANGE]),
        ):
            targets.append(
                Target(
                    f"Page time growth {first:,} → {last:,} at most 1.5{TIMES}: {label}",
                    all(growth[name] <= TARGETS["page_growth"] for name in names),
                    ", ".join(
                        f"{name.removesuffix(', first view after a change')} {ratio(growth[name])}"
                        for name in names
                    ),
                )
            )
    shares = {
        size: results[size].throughput["Month calendar"].requests_per_second
        / results[size].throughput["Trivial view (signed in)"].requests_per_second
        for size in sizes
    }
    targets.append(
        Target(
            "Month calendar at least 30 % of the trivial view's throughput",
            all(value >= TARGETS["calendar_share"] for value in shares.values()),
            ", ".join(f"{value:.0%} at {size:,}" for size, value in shares.items()),
        )
    )
    return targets


READING = """\
## Reading the figures

- The feed holds every event its owner may see, without a window of dates, so its size grows
  with the database: 100,000 events make a file of some 65 MB.
- *304*: the feed its token opens is read from the database (one query, so a revoked feed stops
  at once); its ETag is cached until the content changes (`core/caching.py`: every service
  that writes what a page shows, and every admin write, moves the content version), so an
  unchanged feed answers 304 after that one query; nothing is rendered.
- *Warm*: the same, then the whole feed as it was written on the server's disk for that ETag
  (`calendars/calendar_files.py`), sent as a file, with `sendfile`, as the static file is. A
  full fetch also notes the fetch (one conditional UPDATE, which writes at most once in five
  minutes).
- *Cold*: the data changed, so the feed's ETag is computed again (one narrow read of a digest
  of what each event shows, which the database computes from the event's row and the rows it
  names) and the feed is made again: the same narrow read gives each VEVENT's cache key; the
  VEVENTs come from the cache; only the event that changed is loaded and serialised. It grows
  with the feed (the two narrow reads, the cache read).
- *Empty cache*: every VEVENT serialised with `icalendar`, as django-ical does on every fetch.
- Month calendar: the page's body is cached until the content changes, for each reader,
  query, language, time zone and day; the frame around it (menu, sign-out form) is rendered on
  every request. *First view after a change* moves the content version before each request, so the
  body is made again: the database places the events of the six weeks on their days and counts
  them (`calendars.selectors.month_entries`, through a GiST index of the events' spans that
  also holds what placing needs), only the events the cells list (four a day, the rest a count)
  are loaded, and their clashes are looked for among the events of those weeks at the same
  venues, in the index alone; only the three clashes a chip spells out are read for each
  event, the others counted. With more events the cells are fuller and clashes more frequent,
  so more is loaded, warned of and rendered (the cells list all 24 events at 1,000; at 100,000
  they are full, 168 events): the number of events in the weeks shown is given under the pages.
- Reports and the home page are computed on every request. The reports read the events'
  figures from tallies that the services writing events keep (`events.tallies`: one row per
  programme, year, status, kind, country and host), so what is read grows with those
  combinations, not with the events; the home page's attendance of the year comes from the
  same tallies.
- The machine is shared: other processes were not stopped. The load average is given above.
"""


def report(
    results: dict[int, SizeFigures], machine_facts: dict[str, str], started: float, date: str
) -> str:
    sizes = sorted(results)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); rerun it to measure your own machine. "
        "Absolute times depend on the machine: compare the ratios, each measured within one run.",
        "",
        f"Run of {date}, {(time.monotonic() - started) / 60:.1f} minutes including the data loads.",
        "",
        "## Machine",
        "",
        *table(["", ""], [[key, value] for key, value in machine_facts.items()]),
        "",
        "## Method",
        "",
        "- Data: the demo (`load_demo`) grown with `load_demo --events` to exactly 1,000, 10,000 "
        "and 100,000 events, in a PostgreSQL database of the benchmark's own, recreated at each "
        "run. Redis as in production (`REDIS_URL`), under a key prefix of the benchmark's own.",
        f"- Server: gunicorn with the repository's `gunicorn.conf.py`, {WORKERS} workers "
        "(4 threads each), DEBUG off, settings `bench.settings` (the app's, plus the peer feed, "
        "the trivial view and a static folder). Its timeout is raised for django-ical's longest "
        "fetch, and the feed rate limit so the load is served rather than refused (it is still "
        "counted in Redis).",
        "- Feed: a subscription feed (`/calendar/feeds/<token>.ics`) of the administrator "
        "without filters, so it holds every event; the count in the body is given below. "
        "Times are from sending the request to the body's last byte, over a new connection "
        "from this script, medians of the runs given.",
        "  - *Empty cache*: the first fetch with no VEVENT in the cache (one fetch).",
        "  - *Cold*: the first fetch after one event of the feed was changed "
        "(its title, through `event_update`): new ETag, body rebuilt.",
        "  - *Warm*: the feed unchanged, fetched in full without validators.",
        "  - *304*: fetched with the ETag of the last fetch.",
        "  - *django-ical*: the same events through django-ical's documented `ICalFeed` "
        "(`bench/peer.py`: `items()` and `item_*` methods, same texts), behind the same token.",
        "  - *Static*: the exact bytes of Dostlik's feed written to a file that WhiteNoise "
        "(`WHITENOISE_ROOT`) serves from the same gunicorn: the limit.",
        "- Queries: counted in the benchmark's process with Django's test client and "
        "`CaptureQueriesContext`, on the same URLs and data. A full fetch also notes the "
        "fetch on the feed (one conditional UPDATE, at most once in five minutes), counted "
        "when it happens.",
        f"- Pages: as the administrator (sees every event), in the benchmark's process through "
        f"Django's test client; one warm-up, then the median of {PAGE_RUNS} rounds, each "
        "visiting every page in turn. The month calendar is cached until the content changes, "
        "so it is timed as served (cached) and as the first view after a change: the content "
        "version moved before each request, in rounds of their own after the others. The other "
        "pages are computed on every request.",
        f"- Throughput: {CLIENT_PROCESSES} client processes {TIMES} {CLIENT_CONNECTIONS} "
        f"keep-alive connections for {THROUGHPUT_SECONDS:.0f} s against the same gunicorn "
        "(clients and server share the machine), for each kind of request in turn, "
        f"{THROUGHPUT_ROUNDS} rounds: the median round is given. The trivial view (`/bench/ok`) "
        "returns “ok” through the whole middleware stack; *signed in* sends the same session "
        "cookie as the month calendar, which is the baseline of the ratio.",
        "",
        "## 1. Calendar feeds",
        "",
    ]
    feed_rows = []
    for size in sizes:
        feed = results[size].feed
        feed_rows.append(
            [
                f"{size:,}",
                f"{feed.feed_events:,} ({feed.body_bytes / 1e6:.1f} MB)",
                ms(feed.empty_cache),
                ms(median(feed.cold)),
                ms(median(feed.warm)),
                ms(median(feed.conditional)),
                f"{ms(median(feed.peer))} ({feed.peer_events:,})",
                ms(median(feed.static)),
            ]
        )
    lines += table(
        [
            "events",
            "in the feed",
            "empty cache",
            "cold",
            "warm",
            "304",
            "django-ical (events)",
            "static file",
        ],
        feed_rows,
    )
    lines += ["", "Ratios and queries:", ""]
    ratio_rows = []
    for size in sizes:
        feed = results[size].feed
        ratio_rows.append(
            [
                f"{size:,}",
                ratio(median(feed.peer) / median(feed.cold)),
                ratio(median(feed.peer) / median(feed.warm)),
                ratio(median(feed.warm) / median(feed.static)),
                ratio(median(feed.conditional) / median(feed.static)),
                f"{feed.queries['cold']} / {feed.queries['warm']} / {feed.queries['conditional']}",
                "yes" if feed.same_bytes else "no",
                f"{len(feed.cold)} / {len(feed.peer)}",
            ]
        )
    lines += table(
        [
            "events",
            "django-ical ÷ cold",
            "django-ical ÷ warm",
            "warm ÷ static",
            "304 ÷ static",
            "queries cold / warm / 304",
            "warm body = static file",
            "runs (feed / django-ical)",
        ],
        ratio_rows,
    )
    lines += ["", "## 2. Pages", ""]
    header = ["page"]
    header += [f"queries at {size:,}" for size in sizes]
    header += [f"median at {size:,}" for size in sizes]
    if len(sizes) > 1:
        header.append(f"growth {sizes[0]:,} → {sizes[-1]:,}")
    page_rows = []
    for name, path in PAGES.items():
        row = [f"{name} (`{path}`)"]
        row += [str(results[size].pages[name].queries) for size in sizes]
        row += [ms(median(results[size].pages[name].times)) for size in sizes]
        if len(sizes) > 1:
            row.append(
                ratio(
                    median(results[sizes[-1]].pages[name].times)
                    / median(results[sizes[0]].pages[name].times)
                )
            )
        page_rows.append(row)
    lines += table(header, page_rows)
    lines += [
        "",
        "Events in the six weeks the month calendar shows: "
        + ", ".join(f"{results[size].month_events:,} at {size:,}" for size in sizes)
        + ". The trivial view, timed in the same rounds as the pages (a gauge of the machine's "
        "load at each size): "
        + ", ".join(f"{ms(results[size].trivial_in_process)} at {size:,}" for size in sizes)
        + ".",
        "",
        "## 3. Throughput",
        "",
    ]
    names = list(results[sizes[0]].throughput)
    throughput_rows = []
    for name in names:
        row = [name]
        for size in sizes:
            measured = results[size].throughput.get(name)
            if measured is None:
                row.append("— (full fetch too slow to measure this way)")
                continue
            base = results[size].throughput["Trivial view (signed in)"].requests_per_second
            failed = f", {measured.failed} failed" if measured.failed else ""
            row.append(
                f"{measured.requests_per_second:,.1f}/s ({measured.requests_per_second / base:.0%}"
                f"{failed})"
            )
        throughput_rows.append(row)
    lines += table(
        ["requests", *(f"at {size:,} events (share of trivial)" for size in sizes)],
        throughput_rows,
    )
    lines += ["", "## Targets", ""]
    lines += table(
        ["target", "met", "measured"],
        [
            [target.text, "yes" if target.met else "**no**", target.measured]
            for target in evaluate(results)
        ],
    )
    lines += ["", READING]
    return "\n".join(lines)
