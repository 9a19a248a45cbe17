"""The people and programs that use Dostlik at once, for ``loadtest/run.py`` (which starts
locust with this file; see its docstring).

Six kinds of user, in the proportions of a working day (the weights add up to 50, so 50 users
are exactly these numbers):

- ``PublicVisitor`` (18): the public portal without signing in — home, programmes and events
  with their searches, the public calendar, an event's .ics; the stylesheet and scripts once.
- ``CalendarApp`` (8): calendar services polling subscription feeds
  (``/calendar/feeds/<token>.ics``, three of their own each) and ``/public/calendar.ics``,
  mostly with the ETag of their last copy (``If-None-Match``: 304 when nothing changed, 200
  when an edit changed the feed), sometimes without. They were subscribed before the load
  began: run.py fetched every feed once and hands them its ETags.
- ``Coordinator`` (8): an institution coordinator at work — home, the event list with filters,
  event and programme pages, the shared calendar by month, week and agenda, its export with
  filters, agreements, institutions.
- ``Editor`` (6): a coordinator changing events: the edit form, a few seconds of typing, then
  a POST with the form's ``version`` (new expected attendance and a line of description).
  Each editor has events of its own (``editor_slots`` of the plan), so no edit is refused
  as stale (409); an edit that brings warnings (an overlap at the venue, a public
  holiday) is sent again with the warnings acknowledged, as a person would.
- ``NationalCoordinator`` (6): programmes by status, the decision queue, reports and their
  CSV/XLSX downloads, the calendar and its export.
- ``Analyst`` (4): the ``viewer`` account — reports, downloads, events, calendar exports.

Signed-in users sign in once, at their start, through the sign-in form (its POST is rate
limited per address: run.py raises RATELIMIT_LOGIN for the run, see its docstring).

Every request states the answers it expects (200, a redirect after a POST, 304 for a
conditional fetch); anything else — a redirect to the sign-in page included, a connection
error — is a failure. Redirects are never followed, so each is measured and checked alone.
Every request is also written to ``LOADTEST_SAMPLES`` when locust quits, so ``run.py`` reports
exact percentiles per group. The facts the users need (feed tokens, event ids) come from the
plan ``loadtest/prepare.py`` wrote to ``LOADTEST_PLAN``.
"""

import datetime
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

from tests.fuzz.html import read_page

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text(encoding="utf-8"))
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "dostlik-demo")
FILTERS = PLAN["filters"]

# Request groups, the first word of every request name.
SIGN_IN, PAGE, PUBLIC, EXPORT, FEED, EDIT, STATIC = (
    "sign-in",
    "page",
    "public",
    "export",
    "feed",
    "edit",
    "static",
)

# The interface's languages, as often as visitors ask for them.
LANGUAGES = ["en", "ru", "uz", "kk"]
LANGUAGE_WEIGHTS = [4, 3, 2, 2]

# Each calendar app polls this many feeds of its own, and the public calendar; this share of
# its fetches are conditional (If-None-Match).
FEEDS_PER_APP = 3
CONDITIONAL_SHARE = 0.9
# A connection idle this long is closed by the client: less than gunicorn's keepalive (5 s).
CLIENT_IDLE_SECONDS = 4

STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')

# Who signs in as whom: each class takes the next account (or editor slot) in turn.
_accounts = {
    "coordinator": itertools.cycle(["uz.coordinator", "kz.coordinator"]),
    "national": itertools.cycle(["uz.national", "kz.national"]),
    "analyst": itertools.cycle(["viewer"]),
}
_editor_slots = itertools.count()
_calendar_apps = itertools.count()

# ---------- every request, for run.py's report ----------

_samples: list[list] = []


@events.request.add_listener
def _record(name, response_time, start_time=None, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    _samples.append(
        [name, status, round(response_time, 2), start_time, str(exception) if exception else None]
    )


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    path = os.environ.get("LOADTEST_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as samples_file:
            json.dump(_samples, samples_file)


# ---------- query strings people build with the filter forms ----------


def _some_day() -> datetime.date:
    """A day within the generated events: last year and this one."""
    year = random.choice(FILTERS["years"])
    return datetime.date(year, random.randint(1, 12), random.randint(1, 28))


def _event_filters() -> dict:
    """Two of the event list's filters, and half the time a period, as people combine them."""
    choices = {
        "country": lambda: random.choice(FILTERS["countries"]),
        "kind": lambda: random.choice(FILTERS["kinds"]),
        "status": lambda: random.choice(FILTERS["statuses"]),
        "institution": lambda: random.choice(FILTERS["institutions"]),
        "q": lambda: random.choice(["concert", "Almaty", "Tashkent", "exhibition", "days"]),
    }
    params = {name: make() for name, make in random.sample(sorted(choices.items()), 2)}
    if random.random() < 0.5:
        start = _some_day()
        params["from"] = start.isoformat()
        params["to"] = (start + datetime.timedelta(days=60)).isoformat()
    return params


def _export_filters() -> dict:
    """The calendar page's filters, as its export link carries them."""
    params = {}
    if random.random() < 0.7:
        params["country"] = random.choice(FILTERS["countries"])
    if random.random() < 0.5:
        params["kind"] = random.choice(FILTERS["kinds"])
    start = _some_day()
    params["from"] = start.isoformat()
    params["to"] = (start + datetime.timedelta(days=random.choice([30, 60, 91]))).isoformat()
    return params


def _report_filters() -> dict:
    params = {"year": random.choice(FILTERS["years"])}
    if random.random() < 0.5:
        params["country"] = random.choice(FILTERS["countries"])
    return params


# ---------- the users ----------


class DostlikUser(HttpUser):
    abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._last_answer = 0.0

    def _close_idle_connections(self):
        """Open a new connection after a pause the server may have ended the old one in.

        gunicorn closes a keep-alive connection idle for ``keepalive`` seconds
        (gunicorn.conf.py: 5). A request sent on it just then meets a reset, the race every
        HTTP/1.1 client faces; browsers resend such a request by themselves, the requests
        library does not. Closing the connection first, as a client whose own idle timeout is
        shorter than the server's, keeps that race out of the figures without retrying (and so
        without hiding) anything else."""
        if time.monotonic() - self._last_answer > CLIENT_IDLE_SECONDS:
            self.client.close()

    def _answered(self):
        self._last_answer = time.monotonic()

    def on_start(self):
        language = random.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        self.client.headers["Accept-Language"] = f"{language},en;q=0.5"

    def fetch(
        self,
        path: str,
        name: str,
        *,
        params: dict | None = None,
        expect: tuple[int, ...] = (200,),
        body_starts: bytes | None = None,
        headers: dict | None = None,
    ):
        """GET ``path``; anything but an ``expect``-ed status (redirects are not followed) or,
        for a 200, a body that does not start with ``body_starts``, is a failure."""
        self._close_idle_connections()
        with self.client.get(
            path,
            params=params,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in expect:
                response.failure(_unexpected(response, expect))
            elif (
                response.status_code == 200
                and body_starts is not None
                and not response.content.startswith(body_starts)
            ):
                response.failure(f"body starts {response.content[:40]!r}, not {body_starts!r}")
            else:
                response.success()
        self._answered()
        return response

    def post_form(self, path: str, name: str, data: dict, *, expect=(302,), check=None):
        """POST ``data`` to ``path``; a status not in ``expect``, or a problem ``check`` finds
        in the response (a message, else None), is a failure."""
        self._close_idle_connections()
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in expect:
                response.failure(_unexpected(response, expect))
            elif check is not None and (problem := check(response)):
                response.failure(problem)
            else:
                response.success()
        self._answered()
        return response


def _unexpected(response, expect) -> str:
    if not response.status_code:
        # No answer at all: the connection failed (refused, reset, timed out).
        return f"no response: {response.error!r}"
    where = response.headers.get("Location", "")
    text = response.text[:200].replace("\n", " ") if response.status_code != 200 else ""
    return (
        f"status {response.status_code}, expected {'/'.join(map(str, expect))}"
        + (f" (to {where})" if where else "")
        + (f": {text}" if text else "")
    )


def _redirected_to(location: str):
    def check(response):
        where = response.headers.get("Location")
        return None if where == location else f"redirected to {where}, not {location}"

    return check


class SignedInUser(DostlikUser):
    abstract = True
    role = ""

    def on_start(self):
        super().on_start()
        self.username = self.account()
        self.sign_in()

    def account(self) -> str:
        return next(_accounts[self.role])

    def sign_in(self):
        page = self.fetch("/accounts/login/", f"{SIGN_IN}: form")
        fields = form_with(page.text, "username")
        if fields is None:
            return
        fields.update(username=self.username, password=PASSWORD)
        self.post_form("/accounts/login/", f"{SIGN_IN}: POST", fields, check=_redirected_to("/"))

    @property
    def visible(self) -> dict:
        return PLAN["visible"][self.username]

    # Pages and downloads several kinds of signed-in user share.

    def home(self):
        self.fetch("/", f"{PAGE}: home")

    def event_list(self):
        if random.random() < 0.3:
            self.fetch("/events/", f"{PAGE}: events", params={"page": random.randint(1, 20)})
        else:
            self.fetch("/events/", f"{PAGE}: events (filtered)", params=_event_filters())

    def event_detail(self):
        pk = random.choice(self.visible["events"])
        self.fetch(f"/events/{pk}/", f"{PAGE}: event")

    def programme_list(self):
        params = {}
        if random.random() < 0.4:
            params["status"] = random.choice(["active", "approved", "submitted", "completed"])
        self.fetch("/programmes/", f"{PAGE}: programmes", params=params)

    def programme_detail(self):
        pk = random.choice(self.visible["programmes"])
        self.fetch(f"/programmes/{pk}/", f"{PAGE}: programme")

    def calendar(self):
        view = random.choices(["month", "week", "agenda"], [3, 2, 1])[0]
        params = {"view": view, "date": _some_day().isoformat()}
        if random.random() < 0.4:
            params["country"] = random.choice(FILTERS["countries"])
        self.fetch("/calendar/", f"{PAGE}: calendar {view}", params=params)

    def calendar_export(self):
        self.fetch(
            "/calendar/export.ics",
            f"{EXPORT}: calendar .ics (filtered)",
            params=_export_filters(),
            body_starts=b"BEGIN:VCALENDAR",
        )

    def event_ics(self):
        pk = random.choice(self.visible["events"])
        self.fetch(f"/calendar/events/{pk}.ics", f"{EXPORT}: event .ics", body_starts=b"BEGIN:")

    def reports(self):
        if random.random() < 0.7:
            self.fetch("/reports/", f"{PAGE}: report of a year", params=_report_filters())
        else:
            self.fetch("/reports/balance/", f"{PAGE}: balance report", params=_report_filters())

    def report_download(self):
        table = random.choice(["programmes", "events", "attendance", "agreements", "funding"])
        if random.random() < 0.2:
            table = "balance"
        extension = random.choice(["csv", "xlsx"])
        self.fetch(
            f"/reports/export/{table}.{extension}",
            f"{EXPORT}: report .{extension}",
            params=_report_filters(),
            body_starts=b"PK" if extension == "xlsx" else None,
        )


class PublicVisitor(DostlikUser):
    weight = 18
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        home = self.fetch("/public/", f"{PUBLIC}: home")
        # A first visit loads the stylesheets and scripts; the browser keeps them afterwards.
        for path in sorted(set(STATIC_LINK.findall(home.text))):
            self.fetch(path, f"{STATIC}: {path.rsplit('.', 1)[-1]}")

    @task(3)
    def home(self):
        self.fetch("/public/", f"{PUBLIC}: home")

    @task(3)
    def events_list(self):
        params = {"when": random.choice(["upcoming", "upcoming", "past", "all"])}
        if random.random() < 0.4:
            params["country"] = random.choice(FILTERS["countries"])
        if random.random() < 0.3:
            params["q"] = random.choice(["concert", "Almaty", "Samarkand", "film", "university"])
        if random.random() < 0.2:
            params["page"] = random.randint(2, 5)
        self.fetch("/public/events/", f"{PUBLIC}: events", params=params)

    @task(4)
    def event(self):
        pk = random.choice(PLAN["public"]["events"])
        self.fetch(f"/public/events/{pk}/", f"{PUBLIC}: event")

    @task(2)
    def programmes(self):
        params = (
            {"q": random.choice(["music", "university", "days"])} if random.random() < 0.3 else {}
        )
        self.fetch("/public/programmes/", f"{PUBLIC}: programmes", params=params)

    @task(2)
    def programme(self):
        pk = random.choice(PLAN["public"]["programmes"])
        self.fetch(f"/public/programmes/{pk}/", f"{PUBLIC}: programme")

    @task(2)
    def calendar(self):
        params = {"page": random.randint(2, 4)} if random.random() < 0.3 else {}
        self.fetch("/public/calendar/", f"{PUBLIC}: calendar", params=params)

    @task(1)
    def event_ics(self):
        pk = random.choice(PLAN["public"]["events"])
        self.fetch(
            f"/public/events/{pk}/calendar.ics",
            f"{EXPORT}: public event .ics",
            body_starts=b"BEGIN:",
        )


class CalendarApp(DostlikUser):
    """A calendar service polling the feeds its users subscribed to, and the public calendar.
    It has been subscribed for a while: it starts with the ETags of its copies (``etags`` of
    the plan, fetched by run.py before the load), asks with ``If-None-Match`` and gets a 304
    unless an event in the feed changed; now and then it fetches the whole file unasked, as
    some calendar services do. Like those services it sends no Accept-Language. Each app has
    feeds of its own, each fetched well under the feed rate limit (RATELIMIT_FEED)."""

    weight = 8
    wait_time = between(1, 3)

    def on_start(self):
        index = next(_calendar_apps)
        feeds = PLAN["feeds"]
        own = [feeds[(FEEDS_PER_APP * index + n) % len(feeds)] for n in range(FEEDS_PER_APP)]
        self.addresses = [f"/calendar/feeds/{feed['token']}.ics" for feed in own]
        self.addresses.append("/public/calendar.ics")
        self.etags: dict[str, str] = {
            path: etag for path, etag in PLAN.get("etags", {}).items() if path in self.addresses
        }

    @task
    def poll(self):
        path = random.choice(self.addresses)
        kind = "public calendar" if path.startswith("/public/") else "subscription"
        etag = self.etags.get(path)
        if etag and random.random() < CONDITIONAL_SHARE:
            response = self.fetch(
                path,
                f"{FEED}: {kind} (If-None-Match)",
                expect=(200, 304),
                body_starts=b"BEGIN:VCALENDAR",
                headers={"If-None-Match": etag},
            )
        else:
            response = self.fetch(path, f"{FEED}: {kind}", body_starts=b"BEGIN:VCALENDAR")
        if response.headers.get("ETag"):
            self.etags[path] = response.headers["ETag"]


class Coordinator(SignedInUser):
    weight = 8
    wait_time = between(1, 4)
    role = "coordinator"

    @task(3)
    def home_page(self):
        self.home()

    @task(4)
    def events(self):
        self.event_list()

    @task(3)
    def event(self):
        self.event_detail()

    @task(2)
    def programmes(self):
        self.programme_list()

    @task(2)
    def programme(self):
        self.programme_detail()

    @task(3)
    def shared_calendar(self):
        self.calendar()

    @task(1)
    def export(self):
        self.calendar_export()

    @task(1)
    def one_event_ics(self):
        self.event_ics()

    @task(1)
    def feeds_page(self):
        self.fetch("/calendar/feeds/", f"{PAGE}: feeds")

    @task(1)
    def agreements(self):
        self.fetch("/agreements/", f"{PAGE}: agreements")

    @task(1)
    def institutions(self):
        self.fetch("/institutions/", f"{PAGE}: institutions")


class NationalCoordinator(SignedInUser):
    weight = 6
    wait_time = between(1, 4)
    role = "national"

    @task(2)
    def home_page(self):
        self.home()

    @task(3)
    def programmes(self):
        self.programme_list()

    @task(3)
    def programme(self):
        self.programme_detail()

    @task(2)
    def decisions(self):
        self.fetch("/programmes/decisions/", f"{PAGE}: decisions")

    @task(3)
    def report_pages(self):
        self.reports()

    @task(2)
    def downloads(self):
        self.report_download()

    @task(2)
    def shared_calendar(self):
        self.calendar()

    @task(1)
    def export(self):
        self.calendar_export()

    @task(2)
    def events(self):
        self.event_list()


class Analyst(SignedInUser):
    weight = 4
    wait_time = between(1, 4)
    role = "analyst"

    @task(4)
    def report_pages(self):
        self.reports()

    @task(4)
    def downloads(self):
        self.report_download()

    @task(2)
    def events(self):
        self.event_list()

    @task(1)
    def event(self):
        self.event_detail()

    @task(2)
    def export(self):
        self.calendar_export()


class Editor(SignedInUser):
    """A coordinator keeping the events of their institution up to date."""

    weight = 6
    wait_time = between(3, 8)

    def account(self) -> str:
        slots = PLAN["editor_slots"]
        slot = slots[next(_editor_slots) % len(slots)]
        self.own_events = slot["events"]
        return slot["username"]

    @task(2)
    def event(self):
        pk = random.choice(self.own_events)
        self.fetch(f"/events/{pk}/", f"{PAGE}: event")

    @task(1)
    def home_page(self):
        self.home()

    @task(4)
    def edit(self):
        """Open the form, change the expected attendance and the description, save."""
        pk = random.choice(self.own_events)
        path = f"/events/{pk}/edit/"
        page = self.fetch(path, f"{EDIT}: form")
        fields = form_with(page.text, "version") if page.status_code == 200 else None
        if fields is None:
            return
        # Reading the form and typing.
        gevent.sleep(random.uniform(2, 6))
        fields["expected_attendance"] = str(random.randint(20, 900))
        note = f"Updated by the load test ({random.randint(1, 10**6)})."
        description = fields.get("description", "").split("\n\nUpdated by the load test")[0]
        fields["description"] = f"{description}\n\n{note}".lstrip()
        shown_again = []

        def saved_or_warned(response):
            if response.status_code == 302:
                return _redirected_to(f"/events/{pk}/")(response)
            # Shown again: with warnings to acknowledge (fine), or with errors (a failure).
            again = form_with(response.text, "version")
            if again is None or not again.get("warnings_digest"):
                return f"the form came back with errors: {_errors(response.text)}"
            shown_again.append(again)
            return None

        self.post_form(path, f"{EDIT}: save", fields, expect=(302, 200), check=saved_or_warned)
        if shown_again:
            acknowledged = {**shown_again[0], "acknowledge": "on"}
            self.post_form(
                path,
                f"{EDIT}: save, warnings acknowledged",
                acknowledged,
                check=_redirected_to(f"/events/{pk}/"),
            )


def form_with(html: str, field_name: str) -> dict[str, str] | None:
    """What the page's first form with a field ``field_name`` sends untouched, by name: as a
    browser submits it (the fuzz test's reading of forms, tests/fuzz/html.py)."""
    for form in read_page("/", html).forms:
        if any(each.name == field_name for each in form.fields):
            return {each.name: each.initial[0] for each in form.fields if each.initial}
    return None


def _errors(html: str) -> str:
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)<', html, re.S
    )
    return "; ".join(text.strip() for text in found if text.strip())[:300] or "(none shown)"
