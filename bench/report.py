"""The tables: figures of one run, the machine they come from, the targets met or missed, as
Markdown for ``docs/benchmarks.md`` and the terminal."""

import contextlib
import os
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import psycopg
import redis

from bench.plan import (
    AFTER_A_CHANGE,
    PAGES,
    REDIS_URL,
    TARGETS,
    median,
)
from bench.recurring import RecurringFigures, medians
from bench.serving import Throughput
from bench.texts import READING, RECURRING, TIMES, method_lines


@dataclass
class FeedFigures:
    size: int
    feed_events: int = 0
    peer_events: int = 0
    body_bytes: int = 0
    gzip_bytes: int = 0
    peer_bytes: int = 0
    nothing_stored: list[float] = field(default_factory=list)
    empty_cache: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    warm_gzip: list[float] = field(default_factory=list)
    conditional: list[float] = field(default_factory=list)
    peer: list[float] = field(default_factory=list)
    static: list[float] = field(default_factory=list)
    static_gzip: list[float] = field(default_factory=list)
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
    recurring: RecurringFigures | None = None


# ---------- the report ----------


def machine(database_url: str) -> dict[str, str]:
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
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
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
        speedup = median(feed.peer) / median(feed.empty_cache)
        targets.append(
            Target(
                f"Feed of 10,000 events with an empty cache (after a deploy or a cache flush) "
                f"at least 10{TIMES} faster than django-ical",
                speedup >= TARGETS["empty_cache_vs_peer"],
                f"{ratio(speedup)} ({ms(median(feed.empty_cache))} against "
                f"{ms(median(feed.peer))})",
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
    warm_gzip = {
        size: median(results[size].feed.warm_gzip) / median(results[size].feed.static_gzip)
        for size in sizes
    }
    targets.append(
        Target(
            "The same for a client that accepts gzip: the feed compressed as it is sent, the "
            "static file compressed ahead",
            all(value <= TARGETS["warm_vs_static"] for value in warm_gzip.values()),
            ", ".join(f"{ratio(value)} at {size:,}" for size, value in warm_gzip.items()),
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


def _feeds(results: dict[int, SizeFigures]) -> list[str]:
    sizes = sorted(results)
    lines = ["## 1. Calendar feeds", ""]
    rows = []
    for size in sizes:
        feed = results[size].feed
        rows.append(
            [
                f"{size:,}",
                f"{feed.feed_events:,} ({feed.body_bytes / 1e6:.1f} MB)",
                ms(median(feed.nothing_stored)),
                ms(median(feed.empty_cache)),
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
            "nothing stored",
            "empty cache",
            "cold",
            "warm",
            "304",
            "django-ical (events)",
            "static file",
        ],
        rows,
    )
    lines += ["", "Ratios and queries:", ""]
    rows = []
    for size in sizes:
        feed = results[size].feed
        queries = feed.queries
        rows.append(
            [
                f"{size:,}",
                ratio(median(feed.peer) / median(feed.empty_cache)),
                ratio(median(feed.peer) / median(feed.cold)),
                ratio(median(feed.peer) / median(feed.warm)),
                ratio(median(feed.warm) / median(feed.static)),
                ratio(median(feed.conditional) / median(feed.static)),
                f"{queries['empty_cache']} / {queries['cold']} / {queries['warm']} / "
                f"{queries['conditional']}",
                "yes" if feed.same_bytes else "no",
                f"{len(feed.nothing_stored)} / {len(feed.cold)} / {len(feed.peer)}",
            ]
        )
    lines += table(
        [
            "events",
            "django-ical ÷ empty cache",
            "django-ical ÷ cold",
            "django-ical ÷ warm",
            "warm ÷ static",
            "304 ÷ static",
            "queries empty cache / cold / warm / 304",
            "warm body = static file",
            "runs (nothing stored / others / django-ical)",
        ],
        rows,
    )
    lines += ["", "Bytes on the wire, plain and with gzip (`Accept-Encoding: gzip`):", ""]
    rows = []
    for size in sizes:
        feed = results[size].feed
        rows.append(
            [
                f"{size:,}",
                f"{feed.body_bytes / 1e6:.2f} MB",
                f"{feed.gzip_bytes / 1e6:.2f} MB ({feed.gzip_bytes / feed.body_bytes:.0%})",
                ms(median(feed.warm)),
                ms(median(feed.warm_gzip)),
                ms(median(feed.static)),
                ms(median(feed.static_gzip)),
                ratio(median(feed.warm) / median(feed.static)),
                ratio(median(feed.warm_gzip) / median(feed.static_gzip)),
            ]
        )
    lines += table(
        [
            "events",
            "feed",
            "feed, gzip",
            "warm",
            "warm, gzip",
            "static file",
            "static file, gzip",
            "warm ÷ static",
            "warm, gzip ÷ static, gzip",
        ],
        rows,
    )
    return [*lines, ""]


def _pages(results: dict[int, SizeFigures]) -> list[str]:
    sizes = sorted(results)
    header = ["page"]
    header += [f"queries at {size:,}" for size in sizes]
    header += [f"median at {size:,}" for size in sizes]
    if len(sizes) > 1:
        header.append(f"growth {sizes[0]:,} → {sizes[-1]:,}")
    rows = []
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
        rows.append(row)
    return [
        "## 2. Pages",
        "",
        *table(header, rows),
        "",
        "Events in the six weeks the month calendar shows: "
        + ", ".join(f"{results[size].month_events:,} at {size:,}" for size in sizes)
        + ". The trivial view, timed in the same rounds as the pages (a gauge of the machine's "
        "load at each size): "
        + ", ".join(f"{ms(results[size].trivial_in_process)} at {size:,}" for size in sizes)
        + ".",
        "",
    ]


def _throughput(results: dict[int, SizeFigures]) -> list[str]:
    sizes = sorted(results)
    names = list(dict.fromkeys(name for size in sizes for name in results[size].throughput))
    rows = []
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
        rows.append(row)
    return [
        "## 3. Throughput",
        "",
        *table(["requests", *(f"at {size:,} events (share of trivial)" for size in sizes)], rows),
        "",
    ]


def _recurring(results: dict[int, SizeFigures]) -> list[str]:
    sizes = sorted(results)
    figures = {size: results[size].recurring for size in sizes}
    times = {size: medians(figures[size]) for size in sizes}

    def row(name: str, value) -> list[str]:
        return [name, *(value(size) for size in sizes)]

    rows = [
        row("Dates of the series (events)", lambda size: f"{figures[size].dates:,}"),
        row("VEVENTs in its feed", lambda size: f"{figures[size].vevents:,}"),
        row(
            "Feed bytes, plain / gzip",
            lambda size: f"{figures[size].feed_bytes:,} / {figures[size].gzip_bytes:,}",
        ),
        *(
            row(label, lambda size, name=name: ms(times[size][name]))
            for label, name in (
                ("Feed, nothing stored", "nothing_stored"),
                ("Feed, empty cache", "empty_cache"),
                ("Feed, cold (after one date changed)", "cold"),
                ("Feed, warm", "warm"),
                ("Feed, conditional (304)", "conditional"),
            )
        ),
        row("Month calendar with the series, queries", lambda s: str(figures[s].month_queries)),
        row("Month calendar with the series", lambda size: ms(times[size]["month"])),
        row(
            "Month calendar without it (section 2)",
            lambda size: ms(median(results[size].pages["Month calendar"].times)),
        ),
        row(
            "Month calendar with the series, first view after a change",
            lambda size: ms(times[size]["month_after_a_change"]),
        ),
        row(
            "Month calendar without it, first view after a change (section 2)",
            lambda size: ms(
                median(results[size].pages["Month calendar, first view after a change"].times)
            ),
        ),
    ]
    return [
        "## 4. A recurring event's feed and month view",
        "",
        RECURRING,
        "",
        *table(["", *(f"at {size:,} events" for size in sizes)], rows),
        "",
    ]


def report(
    results: dict[int, SizeFigures], machine_facts: dict[str, str], started: float, date: str
) -> str:
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
        *method_lines(),
        *_feeds(results),
        *_pages(results),
        *_throughput(results),
        *_recurring(results),
        "## Targets",
        "",
    ]
    lines += table(
        ["target", "met", "measured"],
        [
            [target.text, "yes" if target.met else "**no**", target.measured]
            for target in evaluate(results)
        ],
    )
    lines += ["", READING]
    return "\n".join(lines)
