"""The words of the report: how the figures were measured, and how to read them."""

from bench.plan import (
    CLIENT_CONNECTIONS,
    CLIENT_PROCESSES,
    PAGE_RUNS,
    THROUGHPUT_ROUNDS,
    THROUGHPUT_SECONDS,
    WORKERS,
)

TIMES = "\u00d7"

READING = """\
## Reading the figures

- The feed holds every event its owner may see, from the earliest date a feed takes (a
  subscription holds the last year unless its `from` reaches further back), so its size grows
  with the database (given under *Bytes on the wire*).
- *304*: the feed its token opens is read from the database (one query, so a revoked feed stops
  at once); its ETag is cached until the content changes (`core/caching.py`: every service
  that writes what a page shows, and every admin write, moves the content version), so an
  unchanged feed answers 304 after that one query; nothing is rendered.
- *Warm*: the same, then the whole feed as it was written on the server's disk for that ETag
  (`calendars/calendar_files.py`), sent as a file, with `sendfile`, as the static file is. A
  full fetch also notes the fetch (one conditional UPDATE, which writes at most once in five
  minutes).
- *Warm, gzip*: the same file, compressed by Django's `GZipMiddleware` as it is sent, on every
  fetch; the static file it is held against was compressed once, ahead (WhiteNoise sends the
  `.gz` beside it). Compressing costs time in proportion to the feed's size, so the larger the
  feed, the further a compressed warm fetch is from the static file: a client that accepts gzip
  waits longer for fewer bytes.
- *Cold*: the data changed, so the feed's ETag is computed again (one narrow read of a digest
  of what each event shows, which the database computes from the event's row and the rows it
  names) and the feed is made again: one read of the same digests joined to each event's
  stored VEVENT (`calendars.models.VeventBlock`, one row per event and language); only the
  event that changed is loaded, serialised, and its new VEVENT stored in place of the old.
  It grows with the feed (the two reads).
- *Empty cache*: what a deploy or a flush of Redis leaves: the cache and the files on the
  server's disk gone, the VEVENTs stored in the database kept. The feed is found and its ETag
  computed again (two queries), and the feed joined from the stored VEVENTs (one query):
  nothing is serialised.
- *Nothing stored*: the first fetch ever: every VEVENT serialised with `icalendar`, as
  django-ical does on every fetch, and stored (in statements of 2,000 rows).
- The sizes are measured in turn, round after round (1,000, 10,000, 100,000, 1,000, …), each
  with its own database, server and Redis prefix, all running at once: a drift of the
  machine's load falls on every size alike, and cancels in the ratios between them.
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

RECURRING = (
    "Measured last, at each size: a weekly film club of four years (209 dates, one moved, one "
    "cancelled, one left out) in a programme of its own, added to the data; that programme's feed "
    "over HTTP (each fetch as in section 1; a series is one VEVENT with its rule, and one per "
    "date changed on its own), and the month calendar of today, in which the club meets, beside "
    "the same page without it."
)


def method_lines() -> list[str]:
    return [
        "## Method",
        "",
        "- Data: the demo (`load_demo`) grown with `load_demo --events` to exactly 1,000, 10,000 "
        "and 100,000 events, in a PostgreSQL database of each size's own, recreated at each run "
        "(each size a copy of the one below, grown). Redis as in production (`REDIS_URL`), under "
        "a key prefix of each size's own.",
        f"- Server: one gunicorn per size, all running at once, with the repository's "
        f"`gunicorn.conf.py`, {WORKERS} workers (4 threads each), DEBUG off, settings "
        "`bench.settings` (the app's, plus the peer feed, the trivial view and a static folder). "
        "Its timeout is raised for django-ical's longest fetch, and the feed rate limit so the "
        "load is served rather than refused (it is still counted in Redis).",
        "- Interleaved: every measurement is taken at each size in turn, round after round "
        "(1,000, 10,000, 100,000, 1,000, …), so a drift of the shared machine's load falls on "
        "every size alike.",
        "- Feed: a subscription feed (`/calendar/feeds/<token>.ics`) of the administrator "
        "without filters but `from` 1900-01-01, so it holds every event; the count in the body "
        "is given below. "
        "Times are from sending the request to the body's last byte, over a new connection "
        "from this script, medians of the runs given.",
        "  - *Nothing stored*: the first fetch ever: the stored VEVENTs deleted, the cache and "
        "the kept files emptied.",
        "  - *Empty cache*: the first fetch after a deploy or a flush of Redis: the size's keys "
        "deleted from Redis and the feed files on the server's disk removed; the VEVENTs stored "
        "in the database kept. The body is checked to be the warm one, byte for byte.",
        "  - *Cold*: the first fetch after one event of the feed was changed "
        "(its title, through `event_update`): new ETag, body rebuilt.",
        "  - *Warm*: the feed unchanged, fetched in full without validators; *warm, gzip*: the "
        "same with `Accept-Encoding: gzip`.",
        "  - *304*: fetched with the ETag of the last fetch.",
        "  - *django-ical*: the same events through django-ical's documented `ICalFeed` "
        "(`bench/peer.py`: `items()` and `item_*` methods, same texts), behind the same token.",
        "  - *Static*: the exact bytes of Dostlik's feed written to a file that WhiteNoise "
        "(`WHITENOISE_ROOT`) serves from the same gunicorn: the limit. *Static, gzip*: the "
        "compressed bytes the app sent, written beside it as `.gz`, which WhiteNoise sends to a "
        "client that accepts gzip.",
        "- Queries: counted in each size's own process of the benchmark with Django's test client "
        "and `CaptureQueriesContext`, on the same URLs and data. A full fetch also notes the "
        "fetch on the feed (one conditional UPDATE, at most once in five minutes), counted "
        "when it happens.",
        f"- Pages: as the administrator (sees every event), in each size's process through "
        f"Django's test client; one warm-up, then the median of {PAGE_RUNS} rounds, each "
        "visiting every page in turn. The month calendar is cached until the content changes, "
        "so it is timed as served (cached) and as the first view after a change: the content "
        "version moved before each request, in rounds of their own after the others. The other "
        "pages are computed on every request.",
        f"- Throughput: {CLIENT_PROCESSES} client processes {TIMES} {CLIENT_CONNECTIONS} "
        f"keep-alive connections for {THROUGHPUT_SECONDS:.0f} s against the size's gunicorn "
        "(clients and servers share the machine), for each kind of request in turn, "
        f"{THROUGHPUT_ROUNDS} rounds: the median round is given. The trivial view (`/bench/ok`) "
        "returns “ok” through the whole middleware stack; *signed in* sends the same session "
        "cookie as the month calendar, which is the baseline of the ratio.",
        "",
    ]
