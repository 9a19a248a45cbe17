"""Calendar subscriptions: a feed is made on its page and its address shown once; the database
keeps only a hash of its token; every fetch serves what the owner may see at that moment; a
revoked feed, an unknown token and a deactivated owner answer the same 404; an unchanged feed
answers 304 from two queries; a feed's cost does not grow with its events."""

import datetime
import gzip
import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from calendars.models import CalendarFeed
from calendars.services import FETCH_RECORD_INTERVAL, feed_create, feed_revoke, feed_touch
from events.models import Event
from events.services import event_update
from institutions.models import Country, Institution, Membership
from institutions.services import membership_remove
from programmes.models import Programme
from tests.calendars.reading import calendar_text
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

SITE = "https://dostlik.example.org"
FEED_ADDRESS = re.compile(re.escape(SITE) + r"/calendar/feeds/([A-Za-z0-9_-]+)\.ics")


@dataclass
class World:
    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution
    education_days: Programme  # submitted: every signed-in user sees it
    film_week: Programme  # a draft: its partners' coordinators see it
    fair: Event  # Education Days in Tashkent
    concert: Event  # Education Days in Almaty
    screening: Event  # the draft's, in Tashkent
    coordinator: User  # coordinates UWED, a partner of both programmes
    viewer: User


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    # Serialised VEVENTs are cached across requests: each test starts from an empty cache.
    cache.clear()


@pytest.fixture
def world() -> World:
    uz = CountryFactory(code="UZ")
    kz = CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    education_days = joint_programme(
        uz=uwed, kz=kaznu, title="Kazakhstan Education Days", status=Programme.Status.SUBMITTED
    )
    film_week = joint_programme(uz=uwed, kz=kaznu, title="Week of Kazakh cinema")
    return World(
        uz=uz,
        kz=kz,
        uwed=uwed,
        kaznu=kaznu,
        education_days=education_days,
        film_week=film_week,
        fair=EventFactory(
            programme=education_days,
            host_institution=uwed,
            title="Education fair",
            kind=Event.Kind.FAIR,
        ),
        concert=EventFactory(
            programme=education_days,
            host_institution=kaznu,
            title="Dombra concert",
            kind=Event.Kind.CONCERT,
        ),
        screening=EventFactory(
            programme=film_week,
            host_institution=uwed,
            title="Screening of “Tea”",
            kind=Event.Kind.FILM_SCREENING,
        ),
        coordinator=MembershipFactory(institution=uwed).user,
        viewer=ViewerFactory().user,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def feed_url(token: str) -> str:
    return reverse("calendars:feed", args=[token])


def fetch(token: str, **headers):
    """A calendar app's fetch: nobody signed in."""
    return Client().get(feed_url(token), headers=headers)


def uids(response) -> list[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(str(component["UID"]) for component in calendar.walk("VEVENT"))


def uids_of(*events: Event) -> list[str]:
    return sorted(event.uid for event in events)


def create_on_page(client: Client, **fields):
    data = {"name": "Education Days", **fields}
    return client.post(reverse("calendars:feeds"), data)


# ---- making a feed ----


def test_a_new_feeds_address_is_shown_once_on_the_answer_to_its_post(world):
    client = signed_in(world.coordinator)

    response = create_on_page(client)

    # No redirect to a page whose address a history, a log or a bookmark would keep.
    assert response.status_code == 200
    assert response.templates[0].name == "calendars/feeds_ready.html"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    tokens = set(FEED_ADDRESS.findall(page))
    assert len(tokens) == 1
    (token,) = tokens
    assert len(token) >= 43  # 32 random bytes: 256 bits
    assert f'href="webcal://dostlik.example.org/calendar/feeds/{token}.ics"' in page
    assert f'href="{SITE}/calendar/feeds/{token}.ics"' in page
    assert "This address is shown only once." in page

    feed = CalendarFeed.objects.get()
    assert (feed.owner, feed.name, feed.filters) == (world.coordinator, "Education Days", {})
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert [name for name, value in stored.items() if token in str(value)] == []

    listing = client.get(reverse("calendars:feeds")).content.decode()
    assert "Education Days" in listing
    assert token not in listing
    assert FEED_ADDRESS.findall(listing) == []


def test_the_form_starts_from_the_calendars_filters_and_offers_only_visible_programmes(world):
    query = f"?country=KZ&kind=concert&programme={world.film_week.pk}&from=2026-01-01"

    response = signed_in(world.viewer).get(reverse("calendars:feeds") + query)

    form = response.context["form"]
    assert (form["country"].value(), form["kind"].value(), form["from"].value()) == (
        "KZ",
        "concert",
        "2026-01-01",
    )
    assert list(form.fields["programme"].queryset) == [world.education_days]
    assert world.film_week.title not in response.content.decode()


def test_filters_are_stored_as_the_calendar_writes_them_and_applied(world):
    client = signed_in(world.coordinator)

    response = create_on_page(
        client, name="Almaty", country="KZ", programme=world.education_days.pk
    )

    (token,) = set(FEED_ADDRESS.findall(response.content.decode()))
    feed = CalendarFeed.objects.get()
    assert feed.filters == {"country": "KZ", "programme": str(world.education_days.pk)}
    assert uids(fetch(token)) == uids_of(world.concert)
    listing = client.get(reverse("calendars:feeds")).content.decode()
    assert "Country: Kazakhstan · Programme: Kazakhstan Education Days" in listing


def test_a_from_date_widens_the_feeds_window_and_is_shown(world):
    client = signed_in(world.coordinator)

    create_on_page(client, name="Since 2019", **{"from": "2019-03-01"})

    assert CalendarFeed.objects.get().filters == {"from": "2019-03-01"}
    listing = client.get(reverse("calendars:feeds")).content.decode()
    assert "From: 1 March 2019" in listing


@pytest.mark.parametrize("value", ["1899-12-31", "2019-02-30", "soon"])
def test_a_from_that_is_no_calendar_date_is_refused(world, value):
    response = create_on_page(signed_in(world.coordinator), **{"from": value})

    assert list(response.context["form"].errors) == ["from"]
    assert CalendarFeed.objects.count() == 0


def test_a_programme_the_user_may_not_see_is_refused_and_nothing_is_made(world):
    response = create_on_page(signed_in(world.viewer), programme=world.film_week.pk)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["programme"]
    assert CalendarFeed.objects.count() == 0


def test_a_feed_without_a_name_is_refused(world):
    response = create_on_page(signed_in(world.coordinator), name="  ")

    assert list(response.context["form"].errors) == ["name"]
    assert CalendarFeed.objects.count() == 0


# ---- fetching a feed ----


def test_a_feed_serves_what_its_owner_may_see_to_a_calendar_app_that_does_not_sign_in(world):
    new_feed = feed_create(owner=world.coordinator, name="Everything")

    response = fetch(new_feed.token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert uids(response) == uids_of(world.fair, world.concert, world.screening)
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar_text(calendar, "X-WR-CALNAME") == "Dostlik — Everything"
    assert "private" in response["Cache-Control"]


def test_a_viewers_feed_leaves_out_the_draft(world):
    new_feed = feed_create(owner=world.viewer, name="Everything")

    assert uids(fetch(new_feed.token)) == uids_of(world.fair, world.concert)


def test_a_role_taken_away_takes_its_events_out_at_the_next_fetch(world):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    before = fetch(new_feed.token)
    assert uids(before) == uids_of(world.fair, world.concert, world.screening)

    membership_remove(membership=Membership.objects.get(user=world.coordinator), actor=None)

    # The calendar app asks with the version it holds: it is not the current one any more.
    after = fetch(new_feed.token, if_none_match=before["ETag"])
    assert after.status_code == 200
    assert uids(after) == uids_of(world.fair, world.concert)


def not_found_body(response) -> bytes:
    assert response.status_code == 404
    return response.content


def test_unknown_revoked_and_deactivated_answer_the_same_404(world):
    revoked = feed_create(owner=world.coordinator, name="Revoked")
    deactivated = feed_create(owner=world.viewer, name="Deactivated")
    # Fetched before, so what their tokens opened is kept: it must not outlive the change.
    assert (fetch(revoked.token).status_code, fetch(deactivated.token).status_code) == (200, 200)
    feed_revoke(feed=revoked.feed, actor=world.coordinator)
    world.viewer.is_active = False
    world.viewer.save(update_fields=["is_active"])
    working = feed_create(owner=UserFactory(), name="Working")

    unknown = not_found_body(fetch("x" * 43))

    assert not_found_body(fetch(revoked.token)) == unknown
    assert not_found_body(fetch(deactivated.token)) == unknown
    assert fetch(working.token).status_code == 200


def test_a_feed_answers_only_reads(world):
    new_feed = feed_create(owner=world.coordinator, name="Everything")

    response = Client().post(feed_url(new_feed.token))

    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")


# ---- revoking ----


def test_the_owner_revokes_a_feed_and_its_address_stops_working(world):
    new_feed = feed_create(owner=world.coordinator, name="Education Days")
    assert fetch(new_feed.token).status_code == 200
    client = signed_in(world.coordinator)

    response = client.post(reverse("calendars:feed_revoke", args=[new_feed.feed.pk]))

    assert (response.status_code, response["Location"]) == (302, reverse("calendars:feeds"))
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The feed “Education Days” was revoked: its address no longer works."
    ]
    new_feed.feed.refresh_from_db()
    assert new_feed.feed.revoked_at is not None
    assert fetch(new_feed.token).status_code == 404
    listing = client.get(reverse("calendars:feeds")).content.decode()
    assert "Revoked" in listing


def test_another_persons_feed_cannot_be_revoked(world):
    new_feed = feed_create(owner=world.coordinator, name="Education Days")

    response = signed_in(world.viewer).post(
        reverse("calendars:feed_revoke", args=[new_feed.feed.pk])
    )

    assert response.status_code == 404
    new_feed.feed.refresh_from_db()
    assert new_feed.feed.revoked_at is None
    assert fetch(new_feed.token).status_code == 200


def test_revoking_is_a_post(world):
    new_feed = feed_create(owner=world.coordinator, name="Education Days")

    response = signed_in(world.coordinator).get(
        reverse("calendars:feed_revoke", args=[new_feed.feed.pk])
    )

    assert response.status_code == 405
    new_feed.feed.refresh_from_db()
    assert new_feed.feed.revoked_at is None


def test_a_second_revocation_keeps_the_first_date(world):
    new_feed = feed_create(owner=world.coordinator, name="Education Days")
    assert feed_revoke(feed=new_feed.feed, actor=world.coordinator) is True
    first = new_feed.feed.revoked_at

    assert feed_revoke(feed=new_feed.feed, actor=world.coordinator) is False
    new_feed.feed.refresh_from_db()
    assert new_feed.feed.revoked_at == first


# ---- polling ----


def test_an_unchanged_feed_answers_304_without_a_query_and_a_change_brings_200(world):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    first = fetch(new_feed.token)
    etag = first["ETag"]
    assert first["Last-Modified"]

    with CaptureQueriesContext(connection) as queries:
        unchanged = fetch(new_feed.token, if_none_match=etag)

    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
    # The feed its token opens and its validators are cached until the content changes.
    assert len(queries) == 0

    event_update(event=world.concert, actor=world.coordinator, title="Gala dombra concert")
    changed = fetch(new_feed.token, if_none_match=etag)

    assert changed.status_code == 200
    assert changed["ETag"] != etag
    calendar = icalendar.Calendar.from_ical(changed.content)
    titles = sorted(str(component["SUMMARY"]) for component in calendar.walk("VEVENT"))
    assert titles == ["Education fair", "Gala dombra concert", "Screening of “Tea”"]


def test_a_calendar_app_asking_by_date_is_not_told_unchanged_after_a_role_is_taken_away(world):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    first = fetch(new_feed.token)

    unchanged = fetch(new_feed.token, if_modified_since=first["Last-Modified"])
    assert (unchanged.status_code, unchanged["ETag"]) == (304, first["ETag"])

    # Nothing left in the feed changed: only the draft's screening went out of sight.
    membership_remove(membership=Membership.objects.get(user=world.coordinator), actor=None)
    after = fetch(new_feed.token, if_modified_since=first["Last-Modified"])

    assert after.status_code == 200
    assert uids(after) == uids_of(world.fair, world.concert)


def test_feeds_of_10_and_of_1000_events_cost_the_same_queries(world):
    owner = world.viewer
    small = joint_programme(
        uz=world.uwed, kz=world.kaznu, title="Small", status=Programme.Status.APPROVED
    )
    large = joint_programme(
        uz=world.uwed, kz=world.kaznu, title="Large", status=Programme.Status.APPROVED
    )
    for programme, count in ((small, 10), (large, 1000)):
        Event.objects.bulk_create(
            EventFactory.build_batch(count, programme=programme, host_institution=world.uwed)
        )
    feeds = {
        size: feed_create(owner=owner, name=size, filters={"programme": programme.pk})
        for size, programme in (("10", small), ("1000", large))
    }

    full, unchanged = {}, {}
    for size, new_feed in feeds.items():
        cache.clear()  # each feed's first fetch, nothing kept from the other's
        with CaptureQueriesContext(connection) as queries:
            response = fetch(new_feed.token)
        assert len(uids(response)) == int(size)
        full[size] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            assert fetch(new_feed.token, if_none_match=response["ETag"]).status_code == 304
        unchanged[size] = len(queries)

    # The feed, the digests of its ETag, its events' keys with their stored VEVENTs, the events
    # not stored yet, storing theirs (in a savepoint: SAVEPOINT, INSERT, RELEASE), and noting
    # the fetch.
    assert full == {"10": 8, "1000": 8}
    # None: the feed its token opens and its validators are cached until the content changes.
    assert unchanged == {"10": 0, "1000": 0}


def test_a_feed_fetched_after_a_deploy_loads_and_serialises_no_event(world, settings):
    """A deploy or a flush of Redis empties the cache, and a new server has no kept files: the
    VEVENTs are stored in the database, so the feed is joined from them."""
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    first = fetch(new_feed.token)
    cache.clear()
    shutil.rmtree(settings.CALENDAR_FILES_DIR)

    with CaptureQueriesContext(connection) as queries:
        again = fetch(new_feed.token)

    assert (again.status_code, again.content, again["ETag"]) == (200, first.content, first["ETag"])
    # The feed, the digests of its ETag, its events' keys with their stored VEVENTs (the fetch
    # was noted less than five minutes ago).
    assert len(queries) == 3


def test_a_fetch_is_noted_at_most_once_in_five_minutes(world):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    feed = new_feed.feed
    assert feed.last_fetched_at is None

    fetch(new_feed.token)
    feed.refresh_from_db()
    noted = feed.last_fetched_at
    assert noted is not None

    fetch(new_feed.token)
    feed.refresh_from_db()
    assert feed.last_fetched_at == noted

    later = noted + FETCH_RECORD_INTERVAL + datetime.timedelta(seconds=1)
    assert feed_touch(feed=feed, now=later) is True
    feed.refresh_from_db()
    assert feed.last_fetched_at == later


# ---- the list page ----


def test_the_list_shows_only_ones_own_feeds_in_a_fixed_number_of_queries(world):
    client = signed_in(world.coordinator)
    feed_create(owner=world.viewer, name="Someone else's")
    every_filter = {
        "country": "KZ",
        "institution": world.kaznu.pk,
        "programme": world.education_days.pk,
        "kind": "concert",
        "status": "planned",
    }
    feed_create(owner=world.coordinator, name="First", filters=every_filter)
    # The menu's counts are kept from this first visit on (feeds are not content).
    client.get(reverse("calendars:feeds"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("calendars:feeds"))
    one_feed = len(queries)
    for number in range(5):
        feed_create(owner=world.coordinator, name=f"Feed {number}", filters=every_filter)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("calendars:feeds"))

    assert len(queries) == one_feed
    names = [feed.name for feed, _words in response.context["feed_rows"]]
    assert sorted(names) == ["Feed 0", "Feed 1", "Feed 2", "Feed 3", "Feed 4", "First"]


def test_a_draft_named_by_a_feed_is_not_named_once_out_of_sight(world):
    new_feed = feed_create(
        owner=world.coordinator, name="Cinema", filters={"programme": world.film_week.pk}
    )
    client = signed_in(world.coordinator)
    assert (
        "Programme: Week of Kazakh cinema"
        in client.get(reverse("calendars:feeds")).content.decode()
    )

    membership_remove(membership=Membership.objects.get(user=world.coordinator), actor=None)

    listing = client.get(reverse("calendars:feeds")).content.decode()
    assert "Week of Kazakh cinema" not in listing
    assert "Programme: a programme no longer visible" in listing
    assert uids(fetch(new_feed.token)) == []


# ---- the admin ----


def test_administrators_read_feeds_in_the_admin_without_their_token_and_revoke_them(world):
    new_feed = feed_create(owner=world.coordinator, name="Education Days")
    administrator = UserFactory(is_staff=True, is_superuser=True)
    client = signed_in(administrator)
    changelist = reverse("admin:calendars_calendarfeed_changelist")

    page = client.get(changelist).content.decode()
    detail = client.get(
        reverse("admin:calendars_calendarfeed_change", args=[new_feed.feed.pk])
    ).content.decode()

    assert "Education Days" in page
    for text in (page, detail):
        assert new_feed.token not in text
        assert new_feed.feed.token_hash not in text

    response = client.post(
        changelist, {"action": "revoke_feeds", "_selected_action": [new_feed.feed.pk]}
    )

    assert response.status_code == 302
    new_feed.feed.refresh_from_db()
    assert new_feed.feed.revoked_at is not None
    assert fetch(new_feed.token).status_code == 404


def test_staff_who_are_not_superusers_do_not_see_feeds_in_the_admin(world):
    feed_create(owner=world.coordinator, name="Education Days")
    staff_coordinator = MembershipFactory(
        institution=world.uwed, user=UserFactory(is_staff=True)
    ).user

    response = signed_in(staff_coordinator).get(reverse("admin:calendars_calendarfeed_changelist"))

    assert response.status_code == 403


# ---------- whole feeds kept on this server's disk ----------


def kept_files(settings) -> list[str]:
    return sorted(path.suffix for path in Path(settings.CALENDAR_FILES_DIR).glob("*"))


def test_an_unchanged_feed_fetched_again_is_sent_as_the_kept_file(world, settings):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    first = fetch(new_feed.token)

    again = fetch(new_feed.token)

    assert (first.streaming, again.streaming) == (False, True)
    assert again.getvalue() == first.content
    assert (again["ETag"], again["Content-Type"]) == (first["ETag"], "text/calendar; charset=utf-8")
    assert again.has_header("Content-Disposition") is False
    assert kept_files(settings) == [".gz", ".ics"]


def test_a_client_that_accepts_gzip_is_sent_the_kept_gzip_copy(world, settings):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    plain = fetch(new_feed.token)

    compressed = fetch(new_feed.token, accept_encoding="gzip, deflate, br")
    not_modified = fetch(new_feed.token, accept_encoding="gzip", if_none_match=compressed["ETag"])

    assert (compressed.streaming, compressed["Content-Encoding"]) == (True, "gzip")
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.getvalue()) == plain.content
    assert (not_modified.status_code, not_modified.content) == (304, b"")


def test_a_changed_feed_replaces_its_kept_file(world, settings):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    fetch(new_feed.token)

    event_update(event=world.concert, actor=world.coordinator, title="Gala dombra concert")
    changed = fetch(new_feed.token)
    again = fetch(new_feed.token)

    body = again.getvalue()
    titles = sorted(
        str(component["SUMMARY"]) for component in icalendar.Calendar.from_ical(body).walk("VEVENT")
    )
    assert titles == ["Education fair", "Gala dombra concert", "Screening of “Tea”"]
    assert (again.streaming, body) == (True, changed.content)
    assert kept_files(settings) == [".gz", ".ics"]


def test_a_folder_that_cannot_be_used_only_means_feeds_are_sent_from_memory(
    world, settings, tmp_path, caplog
):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    settings.CALENDAR_FILES_DIR = not_a_folder / "calendars"
    new_feed = feed_create(owner=world.coordinator, name="Everything")

    first, again = fetch(new_feed.token), fetch(new_feed.token)

    assert (first.status_code, again.status_code, again.streaming) == (200, 200, False)
    assert again.content == first.content
    # Once for each feed made, none for looking.
    warnings = [record for record in caplog.records if record.name == "calendars.calendar_files"]
    assert [record.levelname for record in warnings] == ["WARNING", "WARNING"]


def test_a_kept_file_older_than_a_day_is_made_again(world, settings):
    new_feed = feed_create(owner=world.coordinator, name="Everything")
    first = fetch(new_feed.token)
    (kept,) = Path(settings.CALENDAR_FILES_DIR).glob("*.ics")
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(kept, (two_days_ago, two_days_ago))

    again = fetch(new_feed.token)

    assert (again.streaming, again.content) == (False, first.content)
    assert kept_files(settings) == [".gz", ".ics"]


def test_a_folder_others_may_write_to_is_not_used(world, settings, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    settings.CALENDAR_FILES_DIR = shared
    new_feed = feed_create(owner=world.coordinator, name="Everything")

    fetch(new_feed.token)
    again = fetch(new_feed.token)

    assert (again.status_code, again.streaming, list(shared.iterdir())) == (200, False, [])
