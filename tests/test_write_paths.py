"""Every kind of write the app makes is seen by every cached view on the very next request.

The month, week and agenda of the calendar and every calendar file's validators are cached until
the content changes (``core.caching``); the reports, the home page and the public pages are
computed on each request. Each test below warms every view, makes one kind of write — a site
form, an admin form, an admin bulk action, an ICS import, a management command, a service that
writes with ``QuerySet.update`` — then asks every view again and compares the answer with what
the same view gives once the cache is emptied: they must be the same, and the write must show
where it should. ``test_a_write_outside_the_app_is_not_seen_until_the_content_changes`` shows
the views are indeed cached, so the comparisons could fail.
"""

import datetime
import io
import re
import zoneinfo
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from calendars.services import feed_create
from core.caching import content_changed
from events.models import Event
from institutions.models import Institution
from programmes.models import Decision, Programme
from programmes.services import programme_decide, programme_submit
from tests.admin import post_change
from tests.events.test_workspace import edit_form_data
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
OLD_TITLE = "Abay. Heritage of Fraternal Peoples"
NEW_TITLE = "Abay and the steppe: heritage of fraternal peoples"
UID = "abay-exhibition@dostlik.test"


@dataclass
class World:
    uwed: Institution
    programme: Programme
    event: Event
    coordinator: User
    administrator: User
    feed_token: str
    day: datetime.date


@pytest.fixture
def world() -> World:
    """An approved programme of a Tashkent and an Almaty university with one public exhibition
    in two days' time; the Tashkent university's coordinator; an administrator with a
    subscription feed of everything."""
    uz = CountryFactory(code="UZ", name="Uzbekistan", time_zone="Asia/Tashkent")
    kz = CountryFactory(code="KZ", name="Kazakhstan", time_zone="Asia/Almaty")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    programme = joint_programme(
        uz=uwed, kz=kaznu, title="Abay Days", status=Programme.Status.APPROVED
    )
    day = timezone.localdate(timezone=TASHKENT) + datetime.timedelta(days=2)
    starts_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=TASHKENT)
    event = EventFactory(
        programme=programme,
        host_institution=uwed,
        title=OLD_TITLE,
        uid=UID,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        visibility=Event.Visibility.PUBLIC,
        status=Event.Status.CONFIRMED,
    )
    administrator = UserFactory(is_superuser=True, is_staff=True)
    return World(
        uwed=uwed,
        programme=programme,
        event=event,
        coordinator=MembershipFactory(institution=uwed).user,
        administrator=administrator,
        feed_token=feed_create(owner=administrator, name="Everything").token,
        day=day,
    )


def views(world: World) -> dict[str, tuple[str, bool]]:
    """Every view that shows the event: its address, and whether it is for the public."""
    day = world.day.isoformat()
    calendar = reverse("calendars:calendar")
    return {
        "month": (f"{calendar}?view=month&date={day}", False),
        "week": (f"{calendar}?view=week&date={day}", False),
        "agenda": (f"{calendar}?view=agenda&date={day}", False),
        "feed": (reverse("calendars:feed", args=[world.feed_token]), True),
        "export": (reverse("calendars:export"), False),
        "event file": (reverse("calendars:event_ics", args=[world.event.pk]), False),
        "programme file": (reverse("calendars:programme_ics", args=[world.programme.pk]), False),
        "public calendar file": (reverse("public:calendar_ics"), True),
        "home": (reverse("desk:home"), False),
        "year report": (f"{reverse('reports:index')}?year={world.day.year}", False),
        "public events": (reverse("public:events"), True),
        "public programme": (reverse("public:programme", args=[world.programme.pk]), True),
        "public calendar": (f"{reverse('public:calendar')}?date={day}", True),
    }


# Parts of a page that differ from one request to the next whatever the data.
PER_REQUEST = re.compile(rb'(nonce|value|content)="[^"]*"|csrfmiddlewaretoken[^>]*>')


def answer(client, url: str) -> tuple[int, bytes, str]:
    response = client.get(url)
    body = b"".join(response) if response.streaming else response.content
    return response.status_code, PER_REQUEST.sub(b"", body), response.get("ETag", "")


def read_all(client, world: World, *, signed_in: User) -> dict[str, tuple[int, bytes, str]]:
    answers = {}
    for name, (url, public) in views(world).items():
        client.logout()
        if not public:
            client.force_login(signed_in)
        answers[name] = answer(client, url)
    return answers


def fresh(client, world: World, *, signed_in: User) -> dict[str, tuple[int, bytes, str]]:
    """What every view answers with nothing cached."""
    cache.clear()
    return read_all(client, world, signed_in=signed_in)


def showing(answers, text: str) -> set[str]:
    return {name for name, (_status, body, _etag) in answers.items() if text.encode() in body}


# The views whose answer names the event, when it is public and its programme approved.
TITLED = {
    "month",
    "week",
    "agenda",
    "feed",
    "export",
    "event file",
    "programme file",
    "public calendar file",
    "home",
    "public events",
    "public programme",
    "public calendar",
}


def test_every_view_names_the_event_before_any_write(client, world):
    assert showing(read_all(client, world, signed_in=world.administrator), OLD_TITLE) == TITLED


def test_a_write_outside_the_app_is_not_seen_until_the_content_changes(client, world):
    """The control: SQL typed by hand (here changing the title and the version as a service
    would) moves no content version, so the cached views still answer from the cache — which
    the tests below would catch if a write path forgot to move it."""
    read_all(client, world, signed_in=world.administrator)
    Event.objects.filter(pk=world.event.pk).update(
        title=NEW_TITLE, version=F("version") + 1, updated_at=timezone.now()
    )

    cached = read_all(client, world, signed_in=world.administrator)
    content_changed()
    after = read_all(client, world, signed_in=world.administrator)

    # The pages, and the feeds sent from the file written for their cached ETag. The other
    # calendar files are made again on each full fetch, from VEVENTs cached under the event's
    # version, which the change raised.
    assert showing(cached, OLD_TITLE) == {"month", "week", "agenda", "feed", "public calendar file"}
    assert showing(after, OLD_TITLE) == set()
    assert showing(after, NEW_TITLE) == TITLED


def test_an_update_that_moves_no_version_is_seen_everywhere_after_retally(client, world):
    """SQL typed by hand that changes a title and nothing else: ``retally``, the command for
    writes made outside the app, makes every view current, calendar feeds and their ETags
    included."""
    before = read_all(client, world, signed_in=world.administrator)
    Event.objects.filter(pk=world.event.pk).update(title=NEW_TITLE)

    call_command("retally", stdout=io.StringIO())
    after = read_all(client, world, signed_in=world.administrator)

    assert showing(after, NEW_TITLE) == TITLED
    assert (before["feed"][2] != after["feed"][2], after) == (
        True,
        fresh(client, world, signed_in=world.administrator),
    )


def test_an_update_that_moves_no_version_reaches_the_feeds_when_the_cache_expires(client, world):
    """Without the command, a feed follows such a write once its cached ETag expires (the
    cache emptied here): the ETag comes from what the events show, so the file kept for the old
    one is not sent again."""
    before = read_all(client, world, signed_in=world.administrator)
    Event.objects.filter(pk=world.event.pk).update(title=NEW_TITLE)

    cache.clear()
    after = read_all(client, world, signed_in=world.administrator)

    assert showing(after, NEW_TITLE) == TITLED
    assert before["feed"][2] != after["feed"][2]


def renamed_on_the_site(client, world: World) -> None:
    client.force_login(world.coordinator)
    url = reverse("events:edit", args=[world.event.pk])
    response = client.post(url, edit_form_data(client, world.event, title=NEW_TITLE))
    assert response.status_code == 302


def renamed_in_the_admin(client, world: World) -> None:
    client.force_login(world.administrator)
    response = post_change(client, world.event, title=NEW_TITLE)
    assert response.status_code == 302


def cancelled_in_the_admin(client, world: World) -> None:
    client.force_login(world.administrator)
    response = client.post(
        reverse("admin:programmes_programme_changelist"),
        {
            "action": "cancel_programmes",
            "_selected_action": [world.programme.pk],
            "_confirm": "yes",
            "comment": "Funding withdrawn.",
        },
    )
    world.programme.refresh_from_db()
    assert (response.status_code, world.programme.status) == (302, Programme.Status.CANCELLED)


def renamed_by_an_import(client, world: World) -> None:
    client.force_login(world.coordinator)
    start = world.event.starts_at.astimezone(datetime.UTC)
    end = world.event.ends_at.astimezone(datetime.UTC)
    calendar = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Example//EN",
            "BEGIN:VEVENT",
            f"UID:{UID}",
            f"DTSTAMP:{start:%Y%m%dT%H%M%SZ}",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{end:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{NEW_TITLE}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    ).encode()
    preview = client.post(
        reverse("calendars:import", args=[world.programme.pk]),
        {
            "calendar_file": SimpleUploadedFile("abay.ics", calendar, content_type="text/calendar"),
            "host_institution": world.uwed.pk,
            "kind": Event.Kind.EXHIBITION,
        },
    )
    response = client.post(
        reverse("calendars:import_confirm", args=[world.programme.pk]),
        {"plan": preview.context["plan_id"]},
    )
    assert (response.status_code, Event.objects.get(uid=UID).title) == (302, NEW_TITLE)


# The views that keep naming the event once its programme is cancelled: the desk's, where a
# cancelled programme's events stay (marked cancelled); the public ones drop it.
KEEP_A_CANCELLED_PROGRAMME = TITLED - {
    "public calendar file",
    "public events",
    "public programme",
    "public calendar",
}


@pytest.mark.parametrize(
    ("write", "shows", "hidden", "still_named_in"),
    [
        (renamed_on_the_site, NEW_TITLE, OLD_TITLE, set()),
        (renamed_in_the_admin, NEW_TITLE, OLD_TITLE, set()),
        (cancelled_in_the_admin, None, OLD_TITLE, KEEP_A_CANCELLED_PROGRAMME),
        (renamed_by_an_import, NEW_TITLE, OLD_TITLE, set()),
    ],
    ids=["site form", "admin form", "admin bulk action", "ICS import"],
)
def test_every_view_shows_the_write_on_the_next_request(
    client, world, write, shows, hidden, still_named_in
):
    read_all(client, world, signed_in=world.administrator)

    write(client, world)
    after = read_all(client, world, signed_in=world.administrator)

    assert after == fresh(client, world, signed_in=world.administrator)
    assert showing(after, hidden) == still_named_in
    if shows:
        assert showing(after, shows) == TITLED


def test_a_management_command_is_seen_on_the_next_request(client, world):
    before = read_all(client, world, signed_in=world.administrator)

    call_command("load_demo", "--events", "3", "--allow-production", stdout=io.StringIO())
    after = read_all(client, world, signed_in=world.administrator)

    assert after == fresh(client, world, signed_in=world.administrator)
    # The demo's events and programmes come in: the administrator's feed and export hold more.
    assert {name for name in before if before[name] != after[name]} >= {"feed", "export"}


def test_a_decision_written_with_update_is_seen_on_the_next_request(client, world):
    """One country's approval leaves the programme submitted and raises its version, a write
    of that field alone. No calendar shows the version: the feed stays byte for byte, and its
    ETag with it."""
    uz_national = NationalCoordinatorFactory(country=world.uwed.country).user
    Programme.objects.filter(pk=world.programme.pk).update(status=Programme.Status.DRAFT)
    programme_submit(programme=world.programme, actor=world.coordinator)
    before = read_all(client, world, signed_in=world.administrator)

    programme_decide(
        programme=world.programme,
        country=world.uwed.country,
        decision=Decision.Kind.APPROVED,
        actor=uz_national,
        version=world.programme.current_version.number,
    )
    after = read_all(client, world, signed_in=world.administrator)

    assert after == fresh(client, world, signed_in=world.administrator)
    assert after["feed"] == before["feed"]


def test_a_revoked_feed_stops_at_its_next_fetch(client, world):
    url = views(world)["feed"][0]
    assert client.get(url).status_code == 200
    client.force_login(world.administrator)

    feed_pk = world.administrator.calendar_feeds.get().pk
    client.post(reverse("calendars:feed_revoke", args=[feed_pk]))
    client.logout()

    assert client.get(url).status_code == 404
