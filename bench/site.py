"""One size of the benchmark in a process of its own, with Django set up on that size's database
and cache: what needs the app in-process (loading the data, changing an event, counting
queries, timing the pages), asked for by ``run.py`` while it times the servers over HTTP.

One process per size, each started with the settings of its size's servers, so the sizes are
measured in turn, round after round, without switching databases inside one process. Nothing
here imports Django until the process has its settings: ``run.py`` imports this module too,
for ``SiteProcess`` and the helpers that empty a size's cache and kept files.
"""

import io
import multiprocessing
import os
import traceback
from dataclasses import dataclass
from pathlib import Path

import redis

from bench.plan import AFTER_A_CHANGE, PAGES, REDIS_URL, cache_key_prefix

TRIVIAL = "/bench/ok"
# Every event, whatever its date.
FEED_FILTERS = {"from": "1900-01-01"}


def forget_cache(size: int) -> None:
    """Delete the keys of ``size``'s servers (and only those) from the shared Redis: what a
    flush of Redis or a new cache does to them. Never Django's ``cache.clear()``, which empties
    the whole Redis database, other sites' keys included."""
    store = redis.Redis.from_url(REDIS_URL)
    batch = []
    for key in store.scan_iter(match=f"{cache_key_prefix(size)}:*", count=10_000):
        batch.append(key)
        if len(batch) >= 10_000:
            store.delete(*batch)
            batch = []
    if batch:
        store.delete(*batch)


def remove_kept_files(folder: Path) -> None:
    """The calendar files a server keeps on its disk (``calendars.calendar_files``), gone as on
    a new server."""
    for path in folder.glob("*"):
        path.unlink(missing_ok=True)


@dataclass
class Opened:
    token: str
    cookie: str


class Site:
    """What the benchmark asks of one size's database, in this process."""

    def __init__(self, size: int):
        self.size = size
        self.changes = 0
        self.client = None
        self.admin = None
        self.series = None

    # --- data ---

    def load(self, *, first: bool) -> None:
        """The database of this size: migrated, with the demo, for the first size; the others
        start as a copy of the size below. Then grown to the size."""
        from django.core.management import call_command

        if first:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            call_command("load_demo", allow_production=True, stdout=io.StringIO())
        self.grow()

    def grow(self) -> None:
        from django.core.management import call_command
        from django.db import connection

        from events.models import Event

        missing = self.size - Event.objects.count()
        if missing > 0:
            call_command("load_demo", events=missing, allow_production=True, stdout=io.StringIO())
        if Event.objects.count() != self.size:
            raise RuntimeError(f"{Event.objects.count()} events loaded instead of {self.size}")
        # Statistics for the planner now, as autovacuum would soon after a large load, so that
        # it does not run in the middle of the measurements.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def close(self) -> None:
        """Let go of the database, so that it can be copied."""
        from django.db import connections

        connections.close_all()

    def open(self) -> Opened:
        """The administrator's feed of every event (a ``from`` as early as a feed takes:
        otherwise a subscription holds the last year only), and a session of theirs."""
        from django.test import Client

        from accounts.models import User
        from calendars.services import feed_create

        self.admin = User.objects.get(username="admin")
        token = feed_create(owner=self.admin, name="Everything", filters=FEED_FILTERS).token
        self.client = Client()
        self.client.force_login(self.admin)
        return Opened(token, f"sessionid={self.client.cookies['sessionid'].value}")

    def change_one_event(self) -> str:
        """Change the title of one event of the feed, as a coordinator's edit would; the new
        title."""
        from events.models import Event
        from events.services import event_update

        event = Event.objects.order_by("pk").first()
        self.changes += 1
        title = f"{event.title.split(' · ')[0]} · {self.changes}"
        event_update(event=event, actor=self.admin, title=title)
        return title

    def forget_blocks(self) -> None:
        """Every stored VEVENT gone, as before a feed was ever fetched."""
        from calendars.models import VeventBlock

        VeventBlock.objects.all().delete()

    # --- queries ---

    def feed_queries(self, path: str, files: str) -> dict[str, int]:
        """Queries of each kind of fetch, counted in this process on the same URL."""
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client()

        def count(headers=None) -> int:
            with CaptureQueriesContext(connection) as queries:
                client.get(path, headers=headers)
            return len(queries)

        counts = {}
        client.get(path)
        forget_cache(self.size)
        remove_kept_files(Path(files))
        counts["empty_cache"] = count()
        self.change_one_event()
        counts["cold"] = count()
        counts["warm"] = count()
        etag = client.get(path).headers["ETag"]
        counts["conditional"] = count({"If-None-Match": etag})
        return counts

    # --- pages ---

    def _visit(self, name: str, path: str):
        from core.caching import content_changed

        if name in AFTER_A_CHANGE:
            content_changed()
        return self.client.get(path)

    def page_queries(self) -> dict[str, int]:
        """Each page's queries, after a first visit."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        queries = {}
        for name, path in PAGES.items():
            self._visit(name, path)  # warm-up
            with CaptureQueriesContext(connection) as captured:
                response = self._visit(name, path)
            # Read now: every request starts by emptying the connection's log of queries.
            queries[name] = len(captured)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: status {response.status_code}")
        return queries

    def page_round(self, names: list[str]) -> dict[str, float]:
        """One visit of each page of ``names`` (``"trivial"``: the view that does nothing), in
        turn, timed."""
        import time

        times = {}
        for name in names:
            path = PAGES.get(name, TRIVIAL)
            started = time.perf_counter()
            self._visit(name, path)
            times[name] = time.perf_counter() - started
        return times

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

    # --- a recurring event ---

    def add_series(self) -> dict:
        """A weekly film club in Tashkent, Tuesdays at 19:00 from two years ago to two years
        ahead, in a programme of its own, one date moved, one cancelled and one left out; a
        feed of that programme. The feed's token, and how many events (dates) it holds."""
        import datetime as dt
        import zoneinfo

        from django.utils import timezone

        from calendars.services import feed_create
        from events.models import Event
        from events.services import event_create, event_delete, event_update
        from institutions.models import Institution
        from programmes.models import Programme
        from programmes.services import programme_create

        host = Institution.objects.filter(country__code="UZ").order_by("pk").first()
        tashkent = zoneinfo.ZoneInfo("Asia/Tashkent")
        today = timezone.localdate(timezone=tashkent)
        first_day = today - dt.timedelta(days=2 * 365)
        first_day -= dt.timedelta(days=(first_day.weekday() - 1) % 7)  # a Tuesday
        starts = dt.datetime.combine(first_day, dt.time(19, 0), tzinfo=tashkent)
        programme = programme_create(
            actor=None,
            title="Film club",
            kind=Programme.Kind.FILM,
            starts_on=first_day,
            ends_on=first_day + dt.timedelta(days=4 * 365),
            lead=host,
        )
        first = event_create(
            actor=None,
            programme=programme,
            title="Film club",
            kind=Event.Kind.FILM_SCREENING,
            host_institution=host,
            time_zone="Asia/Tashkent",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            visibility=Event.Visibility.PUBLIC,
            recurrence_rule="FREQ=WEEKLY;COUNT=209",
        )
        dates = list(first.occurrences.order_by("starts_at"))
        moved = dates[len(dates) // 2]
        event_update(
            event=moved,
            actor=None,
            starts_at=moved.starts_at + dt.timedelta(days=1),
            ends_at=moved.ends_at + dt.timedelta(days=1),
        )
        event_update(event=dates[len(dates) // 2 + 1], actor=None, status="cancelled")
        event_delete(event=dates[len(dates) // 2 + 2], actor=None)
        self.series = first
        feed = feed_create(
            owner=self.admin,
            name="Film club",
            filters={**FEED_FILTERS, "programme": str(programme.pk)},
        )
        return {"token": feed.token, "dates": programme.events.count()}

    def change_one_date(self) -> str:
        """Change the title of one date of the series on its own; the new title."""
        from events.services import event_update

        occurrence = self.series.occurrences.order_by("starts_at").first()
        self.changes += 1
        title = f"Film club · {self.changes}"
        event_update(event=occurrence, actor=self.admin, title=title)
        return title

    def month_queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.get(PAGES["Month calendar"])
        with CaptureQueriesContext(connection) as captured:
            self.client.get(PAGES["Month calendar"])
        return len(captured)


def _serve(connection, size: int, environment: dict[str, str]) -> None:
    """The process of one size: its settings, then ``Site``'s methods as they are asked for."""
    os.environ.update(environment)
    import django

    django.setup()
    site = Site(size)
    while (asked := connection.recv()) is not None:
        name, args, kwargs = asked
        try:
            connection.send(("ok", getattr(site, name)(*args, **kwargs)))
        except Exception:  # told to run.py, which stops the run
            connection.send(("error", traceback.format_exc()))
    site.close()


class SiteProcess:
    """``Site`` of one size in its own process: its methods are called as if here."""

    def __init__(self, size: int, environment: dict[str, str]):
        context = multiprocessing.get_context("spawn")
        self.size = size
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, size, environment))
        self._process.start()

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            self._connection.send((name, args, kwargs))
            status, value = self._connection.recv()
            if status == "error":
                raise RuntimeError(f"{self.size:,} events, {name}:\n{value}")
            return value

        return call

    def stop(self) -> None:
        if self._process.is_alive():
            self._connection.send(None)
            self._process.join(timeout=60)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
