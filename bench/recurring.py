"""A recurring event's feed and month view.

Measured at each size after everything else (so the other figures are of the data without it):
a weekly film club in Tashkent of four years, 209 dates (two years back, two ahead), one moved,
one cancelled and one left out, in a programme of its own (``Site.add_series``).
Its programme's feed is fetched over HTTP as the feed of every event is (``run.py``): with
nothing stored, with an empty cache, cold (after one date was changed on its own), warm and
conditional; and the month calendar of today, in which the club meets four or five times, is
timed as served and as the first view after a change, to be read beside the same page without
the series (section 2).
"""

import gzip
from dataclasses import dataclass, field

from bench.plan import FEED_RUNS, PAGE_RUNS, median
from bench.serving import GZIP

MONTH = "Month calendar"
MONTH_AFTER_A_CHANGE = "Month calendar, first view after a change"


@dataclass
class RecurringFigures:
    """One size's figures of the series' feed and of the month calendar it shows in."""

    dates: int = 0  # events of the programme: a row per date of the series
    vevents: int = 0  # VEVENTs in its feed: the series once, and each date changed on its own
    feed_bytes: int = 0
    gzip_bytes: int = 0
    nothing_stored: list[float] = field(default_factory=list)
    empty_cache: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    conditional: list[float] = field(default_factory=list)
    month_queries: int = 0
    month: list[float] = field(default_factory=list)
    month_after_a_change: list[float] = field(default_factory=list)


def measure(bench) -> dict[int, RecurringFigures]:
    """The figures of every size of ``bench`` (``run.Bench``), the sizes in turn."""
    figures, paths = {}, {}
    for size, each in bench.sizes.items():
        added = each.site.add_series()
        figures[size] = RecurringFigures(dates=added["dates"])
        paths[size] = f"/calendar/feeds/{added['token']}.ics"
    for each in bench.turns(FEED_RUNS):
        mine, path = figures[each.size], paths[each.size]
        each.site.forget_blocks()
        each.empty_cache()
        mine.nothing_stored.append(each.get(path, 200, "series, first fetch").seconds)
        each.empty_cache()
        body = each.get(path, 200, "series, empty cache")
        mine.empty_cache.append(body.seconds)
        title = each.site.change_one_date()
        cold = each.get(path, 200, "series, cold")
        if cold.body.replace(b"\r\n ", b"").count(f"SUMMARY:{title}\r\n".encode()) != 1:
            raise RuntimeError(f"{each.size:,} events: the series' feed does not show the change")
        mine.cold.append(cold.seconds)
        warm = each.get(path, 200, "series, warm")
        mine.warm.append(warm.seconds)
        etag = warm.headers["etag"]
        mine.conditional.append(
            each.get(path, 304, "series, conditional", {"If-None-Match": etag}).seconds
        )
        compressed = each.get(path, 200, "series, compressed", GZIP).body
        if gzip.decompress(compressed) != warm.body:
            raise RuntimeError(f"{each.size:,} events: the series' compressed feed is another")
        mine.vevents = warm.body.count(b"BEGIN:VEVENT")
        mine.feed_bytes, mine.gzip_bytes = len(warm.body), len(compressed)
    for size, each in bench.sizes.items():
        figures[size].month_queries = each.site.month_queries()
        each.site.page_round([MONTH])  # warm-up
    for each in bench.turns(dict.fromkeys(bench.sizes, PAGE_RUNS)):
        figures[each.size].month.append(each.site.page_round([MONTH])[MONTH])
    for each in bench.turns(dict.fromkeys(bench.sizes, PAGE_RUNS)):
        times = each.site.page_round([MONTH_AFTER_A_CHANGE])
        figures[each.size].month_after_a_change.append(times[MONTH_AFTER_A_CHANGE])
    return figures


def medians(figures: RecurringFigures) -> dict[str, float]:
    return {
        name: median(getattr(figures, name))
        for name in (
            "nothing_stored",
            "empty_cache",
            "cold",
            "warm",
            "conditional",
            "month",
            "month_after_a_change",
        )
    }
