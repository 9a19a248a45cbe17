"""Calendar files over HTTP: the signed-in export with its filters, the public calendar, the .ics
of an event and of a programme, the "Add to calendar" card, and cheap polling (ETag,
Last-Modified, 304 before anything is rendered, a query count that does not grow with events).

Every file is parsed back with ``icalendar`` and compared, event by event, with what its reader
may see: eight roles, as in the permission matrix."""

import datetime
import gzip
import html
import io
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import parse_http_date

from accounts.models import User
from calendars.feeds import feed_window_start
from calendars.ical import google_calendar_url, outlook_calendar_url
from calendars.services import feed_create
from events.models import Event, all_day_bounds
from events.selectors import event_get
from events.services import event_bulk_create, event_create, event_update
from institutions.models import Country, Institution
from programmes.models import Programme
from programmes.services import applying_an_amendment
from tests.calendars.reading import calendar_text
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
Status = Programme.Status
PUBLIC = Event.Visibility.PUBLIC
INTERNAL = Event.Visibility.INTERNAL

EXPORT = reverse("calendars:export")
PUBLIC_ICS = reverse("public:calendar_ics")
ROLES = ("viewer", "own", "uz", "kz", "nc_uz", "nc_kz", "admin")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Serialised events and feed states live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    uz: Country
    kz: Country
    own: Institution
    kz_partner: Institution
    users: dict[str, User]
    programmes: dict[str, Programme]
    events: dict[str, Event]


def october(day: int, hour: int, zone=TASHKENT) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, tzinfo=zone)


@pytest.fixture
def world() -> World:
    """Programmes of the own UZ institution with a KZ partner in every state, and a draft of
    another UZ institution; public and internal events in them. The coordinators of
    ``foreign_uz`` and ``foreign_kz`` take part in nothing."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    own = InstitutionFactory(country=uz, name="University of World Economy and Diplomacy")
    kz_partner = InstitutionFactory(country=kz, name="Al-Farabi Kazakh National University")
    other_uz = InstitutionFactory(country=uz, name="State Museum of Arts of Uzbekistan")
    foreign_uz = InstitutionFactory(country=uz, name="Tashkent State Conservatory")
    foreign_kz = InstitutionFactory(country=kz, name="Kasteyev State Museum of Arts")
    users = {
        "viewer": ViewerFactory().user,
        "own": MembershipFactory(institution=own).user,
        "uz": MembershipFactory(institution=foreign_uz).user,
        "kz": MembershipFactory(institution=foreign_kz).user,
        "nc_uz": NationalCoordinatorFactory(country=uz).user,
        "nc_kz": NationalCoordinatorFactory(country=kz).user,
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    programmes = {
        status: joint_programme(uz=own, kz=kz_partner, status=status, title=f"{status} programme")
        for status in Status.values
    }
    programmes["other_draft"] = joint_programme(
        uz=other_uz, kz=kz_partner, status=Status.DRAFT, title="Another museum's draft"
    )
    abay_starts, abay_ends = all_day_bounds(
        datetime.date(2026, 12, 19), datetime.date(2026, 12, 20), "Asia/Tashkent"
    )

    def event(programme: str, visibility: str, **fields) -> Event:
        fields.setdefault("host_institution", own)
        fields.setdefault("starts_at", october(5, 10))
        fields.setdefault("ends_at", fields["starts_at"] + datetime.timedelta(hours=2))
        return EventFactory(programme=programmes[programme], visibility=visibility, **fields)

    events = {
        "draft": event(Status.DRAFT, PUBLIC, title="Draft exhibition"),
        "other_draft": event(
            "other_draft", INTERNAL, title="Museum night", host_institution=other_uz
        ),
        "submitted": event(Status.SUBMITTED, PUBLIC, title="Submitted fair"),
        "approved": event(
            Status.APPROVED,
            PUBLIC,
            title="Dombra concert",
            kind=Event.Kind.CONCERT,
            host_institution=kz_partner,
            starts_at=october(7, 19, ALMATY),
        ),
        "active": event(Status.ACTIVE, PUBLIC, title="Silk Road photographs"),
        "active_internal": event(
            Status.ACTIVE, INTERNAL, title="Curators' meeting", kind=Event.Kind.LECTURE
        ),
        "active_cancelled": event(
            Status.ACTIVE, PUBLIC, title="Open-air screening", status=Event.Status.CANCELLED
        ),
        "completed": event(
            Status.COMPLETED,
            PUBLIC,
            title="Abay. Heritage of Fraternal Peoples",
            starts_at=abay_starts,
            ends_at=abay_ends,
            all_day=True,
        ),
        "rejected": event(Status.REJECTED, PUBLIC, title="Rejected lecture"),
        "cancelled": event(Status.CANCELLED, PUBLIC, title="Cancelled festival"),
    }
    return World(
        uz=uz,
        kz=kz,
        own=own,
        kz_partner=kz_partner,
        users=users,
        programmes=programmes,
        events=events,
    )


NOT_DRAFTS = {
    "submitted",
    "approved",
    "active",
    "active_internal",
    "active_cancelled",
    "completed",
    "rejected",
    "cancelled",
}
EVERYTHING = NOT_DRAFTS | {"draft", "other_draft"}
# What each role's export holds: drafts only for those who work on them.
SEES = {
    "viewer": NOT_DRAFTS,
    "own": NOT_DRAFTS | {"draft"},
    "uz": NOT_DRAFTS,
    "kz": NOT_DRAFTS,
    "nc_uz": EVERYTHING,
    "nc_kz": EVERYTHING,
    "admin": EVERYTHING,
}
# Public events of approved, active and completed programmes; cancelled events included.
PUBLISHED = {"approved", "active", "active_cancelled", "completed"}


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content
    return icalendar.Calendar.from_ical(response.content)


def names_in(world: World, calendar: icalendar.Calendar) -> set[str]:
    """The world's names of the events in ``calendar``, by UID."""
    by_uid = {event.uid: name for name, event in world.events.items()}
    return {by_uid[str(component["UID"])] for component in calendar.walk("VEVENT")}


def signed_in(client, world: World, role: str):
    client.force_login(world.users[role])
    return client


# ---------- the export ----------


@pytest.mark.parametrize("role", ROLES)
def test_the_export_holds_what_the_reader_may_see(client, world, role):
    calendar = parse(signed_in(client, world, role).get(EXPORT))

    assert names_in(world, calendar) == SEES[role]


def test_the_export_is_a_download_of_the_shared_calendar(client, world):
    response = signed_in(client, world, "viewer").get(EXPORT)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dostlik.ics"'
    assert response["Cache-Control"] == "private, no-cache"
    calendar = parse(response)
    assert calendar_text(calendar, "X-WR-CALNAME") == "Dostlik — shared calendar"
    assert calendar["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=1)
    zones = sorted(str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE"))
    assert zones == ["Asia/Almaty", "Asia/Tashkent"]


def test_an_anonymous_export_goes_to_sign_in(client, world):
    response = client.get(EXPORT, {"country": "KZ"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query) == {"next": ["/calendar/export.ics?country=KZ"]}


@pytest.mark.parametrize(
    ("query", "expected", "name"),
    [
        ({"country": "KZ"}, {"approved"}, "Dostlik — shared calendar: Kazakhstan"),
        (
            {"kind": "lecture", "status": "planned"},
            {"active_internal"},
            "Dostlik — shared calendar: Lecture, Planned",
        ),
        (
            {"status": "cancelled"},
            {"active_cancelled"},
            "Dostlik — shared calendar: Cancelled",
        ),
        (
            {"from": "2026-12-01", "to": "2026-12-31"},
            {"completed"},
            "Dostlik — shared calendar: from 2026-12-01, to 2026-12-31",
        ),
    ],
)
def test_filters_narrow_the_export_and_name_it(client, world, query, expected, name):
    calendar = parse(signed_in(client, world, "viewer").get(EXPORT, query))

    assert names_in(world, calendar) == expected
    assert calendar_text(calendar, "X-WR-CALNAME") == name


def test_the_programme_and_institution_filters(client, world):
    signed_in(client, world, "own")
    active = world.programmes[Status.ACTIVE]

    by_programme = parse(client.get(EXPORT, {"programme": active.pk}))
    by_host = parse(client.get(EXPORT, {"institution": world.kz_partner.pk}))

    assert names_in(world, by_programme) == {"active", "active_internal", "active_cancelled"}
    assert (
        calendar_text(by_programme, "X-WR-CALNAME") == "Dostlik — shared calendar: active programme"
    )
    assert names_in(world, by_host) == {"approved"}


NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"country": "XX"}, f"country: {NOT_A_CHOICE}"),
        ({"institution": "not-a-number"}, f"institution: {NOT_A_CHOICE}"),
        (
            {"kind": "opera"},
            "kind: Select a valid choice. opera is not one of the available choices.",
        ),
        ({"from": "2026-13-01"}, "from: Enter a valid date."),
    ],
)
def test_invalid_filters_answer_400_in_plain_text(client, world, query, error):
    response = signed_in(client, world, "viewer").get(EXPORT, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        f"The calendar cannot be exported with these filters:\n{error}\n"
    )


def test_a_programme_the_reader_may_not_see_is_refused_like_a_missing_one(client, world):
    signed_in(client, world, "viewer")
    hidden = client.get(EXPORT, {"programme": world.programmes["other_draft"].pk})
    missing = client.get(EXPORT, {"programme": 999_999})

    assert (hidden.status_code, hidden.content) == (400, missing.content)
    assert missing.content.decode().endswith(f"programme: {NOT_A_CHOICE}\n")


@pytest.mark.parametrize(
    "url",
    [
        EXPORT,
        PUBLIC_ICS,
        "/calendar/events/{active}.ics",
        "/calendar/programmes/{programme}.ics",
    ],
)
def test_the_calendar_files_are_read_only(client, world, url):
    url = url.format(active=world.events["active"].pk, programme=world.programmes[Status.ACTIVE].pk)
    response = signed_in(client, world, "admin").post(url)

    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")


# ---------- the public calendar ----------


def test_the_public_calendar_holds_public_events_of_published_programmes_only(client, world):
    response = client.get(PUBLIC_ICS)
    calendar = parse(response)

    assert names_in(world, calendar) == PUBLISHED
    assert {str(component["CLASS"]) for component in calendar.walk("VEVENT")} == {"PUBLIC"}
    assert calendar_text(calendar, "X-WR-CALNAME") == "Dostlik — public calendar"
    assert response["Cache-Control"] == "public, no-cache"
    statuses = {
        str(component["SUMMARY"]): str(component["STATUS"]) for component in calendar.walk("VEVENT")
    }
    assert statuses["Open-air screening"] == "CANCELLED"


def test_the_public_calendar_is_the_same_for_everyone(client, world):
    anonymous = client.get(PUBLIC_ICS)
    admin = signed_in(client, world, "admin").get(PUBLIC_ICS)

    assert (anonymous.status_code, admin.status_code) == (200, 200)
    assert admin.getvalue() == anonymous.getvalue()
    assert admin["ETag"] == anonymous["ETag"]


def test_an_event_made_internal_leaves_the_public_calendar(client, world):
    event_update(event=world.events["active"], actor=None, visibility=INTERNAL)

    assert names_in(world, parse(client.get(PUBLIC_ICS))) == PUBLISHED - {"active"}


def test_an_anonymous_post_to_the_public_calendar_is_not_allowed(client, world):
    assert client.post(PUBLIC_ICS).status_code == 405


def test_the_public_calendar_of_the_demo_data(client, settings):
    """On the seed paper's data: the Abay exhibition of 19 December 2022 is there as the
    gallery's, at 11:00 Tashkent time, and nothing internal or unpublished ever is."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    calendar = parse(client.get(PUBLIC_ICS, {"from": "1998-01-01"}))

    published = Event.objects.filter(
        visibility=PUBLIC, programme__status__in=[Status.APPROVED, Status.ACTIVE, Status.COMPLETED]
    )
    uids = sorted(str(component["UID"]) for component in calendar.walk("VEVENT"))
    assert uids == sorted(published.values_list("uid", flat=True))
    assert Event.objects.filter(uid__in=uids).exclude(visibility=PUBLIC).count() == 0
    (abay,) = [
        c for c in calendar.walk("VEVENT") if str(c["UID"]) == "abay-heritage-2022@demo.dostlik"
    ]
    assert abay["DTSTART"].dt == datetime.datetime(2022, 12, 19, 11, tzinfo=TASHKENT)
    assert abay["DTSTART"].params["TZID"] == "Asia/Tashkent"
    assert str(abay["CONTACT"]) == "Fine Arts Gallery of Uzbekistan"
    tzids = {
        c[name].params["TZID"]
        for c in calendar.walk("VEVENT")
        for name in ("DTSTART", "DTEND")
        if "TZID" in c[name].params
    }
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == tzids


# ---------- one event, one programme ----------


def event_ics(event: Event) -> str:
    return reverse("calendars:event_ics", args=[event.pk])


def programme_ics(programme: Programme) -> str:
    return reverse("calendars:programme_ics", args=[programme.pk])


# Who may open the calendar file of the own draft's event (and of the draft itself).
DRAFT_FILE = {"viewer": 404, "own": 200, "uz": 404, "kz": 404, "nc_uz": 200, "nc_kz": 200}


@pytest.mark.parametrize("role", ROLES)
def test_an_events_file_is_for_those_who_may_see_the_event(client, world, role):
    response = signed_in(client, world, role).get(event_ics(world.events["draft"]))

    assert response.status_code == DRAFT_FILE.get(role, 200)
    if response.status_code == 200:
        assert names_in(world, parse(response)) == {"draft"}
        assert response["Content-Disposition"] == (
            f'attachment; filename="dostlik-event-{world.events["draft"].pk}.ics"'
        )


@pytest.mark.parametrize("role", ROLES)
def test_a_programmes_file_is_for_those_who_may_see_the_programme(client, world, role):
    response = signed_in(client, world, role).get(programme_ics(world.programmes[Status.DRAFT]))

    assert response.status_code == DRAFT_FILE.get(role, 200)
    if response.status_code == 200:
        assert names_in(world, parse(response)) == {"draft"}


def test_a_programmes_file_holds_its_events_and_its_name(client, world):
    active = world.programmes[Status.ACTIVE]
    response = signed_in(client, world, "kz").get(programme_ics(active))
    calendar = parse(response)

    assert names_in(world, calendar) == {"active", "active_internal", "active_cancelled"}
    assert calendar_text(calendar, "X-WR-CALNAME") == "active programme"
    assert response["ETag"].startswith('"')


def test_a_programme_without_events_is_an_empty_calendar(client, world):
    empty = joint_programme(uz=world.own, kz=world.kz_partner, status=Status.ACTIVE)
    calendar = parse(signed_in(client, world, "viewer").get(programme_ics(empty)))

    assert calendar.walk("VEVENT") == []
    # A calendar holds at least one component (RFC 5545): the site's zone.
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Tashkent"]


def test_anonymous_event_and_programme_files_go_to_sign_in(client, world):
    for url in (event_ics(world.events["active"]), programme_ics(world.programmes[Status.ACTIVE])):
        response = client.get(url)
        assert (response.status_code, urlsplit(response["Location"]).path) == (
            302,
            reverse("accounts:login"),
        )


# ---------- "Add to calendar" on the pages ----------


def test_the_event_page_offers_its_file_and_google_and_outlook_links(client, world):
    signed_in(client, world, "own")
    event = world.events["approved"]
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()

    shown = event_get(user=world.users["own"], pk=event.pk)
    links = [
        f'href="{event_ics(event)}"',
        f'href="{html.escape(google_calendar_url(shown))}"',
        f'href="{html.escape(outlook_calendar_url(shown))}"',
    ]
    assert [page.count(link) for link in links] == [1, 1, 1]


def test_the_programme_page_offers_the_file_of_its_events_only(client, world):
    signed_in(client, world, "own")
    programme = world.programmes[Status.ACTIVE]
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()

    assert page.count(f'href="{programme_ics(programme)}"') == 1
    assert page.count("calendar.google.com") == 0
    assert page.count("outlook.office.com") == 0


# ---------- cheap polling ----------


def test_a_matching_etag_answers_304_with_nothing_rendered(client, world):
    signed_in(client, world, "viewer")
    first = client.get(EXPORT, {"country": "KZ"})

    again = client.get(EXPORT, {"country": "KZ"}, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert (again["ETag"], again["Last-Modified"]) == (first["ETag"], first["Last-Modified"])


def test_a_change_answers_200_with_a_new_etag(client, world):
    signed_in(client, world, "viewer")
    first = client.get(EXPORT)
    event_update(event=world.events["active"], actor=None, title="Silk Road photographs, 1900")

    after = client.get(EXPORT, headers={"if-none-match": first["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    summaries = {str(c["SUMMARY"]): c["SEQUENCE"] for c in parse(after).walk("VEVENT")}
    assert summaries["Silk Road photographs, 1900"] == 1


def test_the_etag_differs_between_filters_and_readers(client, world):
    viewer = signed_in(client, world, "viewer").get(EXPORT)["ETag"]
    viewer_kz = client.get(EXPORT, {"country": "KZ"})["ETag"]
    admin = signed_in(client, world, "admin").get(EXPORT)["ETag"]

    assert len({viewer, viewer_kz, admin}) == 3


def test_if_modified_since_answers_304_until_an_event_leaves_the_export(client, world):
    """Moving an event out of the filtered dates leaves the newest change of what remains as it
    was; Last-Modified moves on all the same, so the client is not told "not modified"."""
    signed_in(client, world, "viewer")
    october_only = {"from": "2026-10-01", "to": "2026-10-31"}
    first = client.get(EXPORT, october_only)
    unchanged = client.get(
        EXPORT, october_only, headers={"if-modified-since": first["Last-Modified"]}
    )
    # An amendment every country approved moves it to November.
    with applying_an_amendment(world.programmes[Status.APPROVED]):
        event_update(
            event=world.events["approved"],
            actor=None,
            starts_at=datetime.datetime(2026, 11, 7, 19, tzinfo=ALMATY),
            ends_at=datetime.datetime(2026, 11, 7, 21, tzinfo=ALMATY),
        )

    moved = client.get(EXPORT, october_only, headers={"if-modified-since": first["Last-Modified"]})

    assert unchanged.status_code == 304
    assert moved.status_code == 200
    assert "approved" not in names_in(world, parse(moved))
    assert moved["Last-Modified"] != first["Last-Modified"]


def test_a_304_costs_the_session_the_user_and_the_filter(client, world, django_assert_num_queries):
    """Three queries: the session and the user (signing in) and the country the filter names.
    The validators' aggregate is kept until the data changes; no event is loaded."""
    signed_in(client, world, "own")
    etag = client.get(EXPORT, {"country": "KZ", "kind": "concert"})["ETag"]

    with django_assert_num_queries(3):
        response = client.get(
            EXPORT, {"country": "KZ", "kind": "concert"}, headers={"if-none-match": etag}
        )

    assert response.status_code == 304


def test_a_programmes_304_costs_the_session_the_user_and_the_programme(
    client, world, django_assert_num_queries
):
    signed_in(client, world, "own")
    url = programme_ics(world.programmes[Status.ACTIVE])
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(3):
        response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 304


def test_the_public_calendars_304_costs_no_query(client, world, django_assert_num_queries):
    first = client.get(PUBLIC_ICS)

    with django_assert_num_queries(0):
        response = client.get(PUBLIC_ICS, headers={"if-none-match": first["ETag"]})

    assert (response.status_code, response["ETag"]) == (304, first["ETag"])
    assert response["Last-Modified"] == first["Last-Modified"]


def many_events(world: World, programme: Programme, count: int) -> None:
    starts = october(1, 9)
    event_bulk_create(
        events=[
            Event(
                programme=programme,
                title=f"Education fair {index}",
                kind=Event.Kind.FAIR,
                host_institution=world.own,
                city="Tashkent",
                country=world.uz,
                time_zone="Asia/Tashkent" if index % 2 else "Asia/Almaty",
                starts_at=starts + datetime.timedelta(hours=index),
                ends_at=starts + datetime.timedelta(hours=index + 2),
                all_day=False,
            )
            for index in range(count)
        ]
    )


def full_export(client, programme: Programme) -> tuple[int, icalendar.Calendar]:
    """Queries and calendar of the first export of ``programme``'s events, nothing kept yet."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT, {"programme": programme.pk})
    return len(queries), parse(response)


def test_a_full_export_of_1000_events_costs_the_queries_of_10(client, world):
    small = joint_programme(uz=world.own, kz=world.kz_partner, status=Status.ACTIVE)
    large = joint_programme(uz=world.own, kz=world.kz_partner, status=Status.ACTIVE)
    many_events(world, small, 10)
    many_events(world, large, 1000)
    signed_in(client, world, "viewer")

    small_queries, small_calendar = full_export(client, small)
    large_queries, large_calendar = full_export(client, large)

    assert (len(small_calendar.walk("VEVENT")), len(large_calendar.walk("VEVENT"))) == (10, 1000)
    assert large_queries == small_queries
    # The session, the user, the programme the filter names, the digests of the ETag, the
    # events' keys with their stored VEVENTs, the events not stored yet, and storing theirs (in
    # a savepoint: SAVEPOINT, INSERT, RELEASE).
    assert small_queries == 9


def test_last_modified_is_no_older_than_the_newest_change(client, world):
    response = signed_in(client, world, "admin").get(EXPORT)

    newest = max(event.updated_at for event in Event.objects.all())
    assert parse_http_date(response["Last-Modified"]) >= int(newest.timestamp())


def test_only_the_public_calendar_is_kept_on_disk_not_exports_of_any_query(client, world, settings):
    """An export is made for any query string: kept as files, they could fill the disk."""
    signed_in(client, world, "admin")
    exports = [client.get(EXPORT, {"q": "fair"}) for _ in range(2)]
    public = [client.get(PUBLIC_ICS) for _ in range(2)]

    assert [response.streaming for response in [*exports, *public]] == [False, False, False, True]
    assert len(list(Path(settings.CALENDAR_FILES_DIR).glob("*.ics"))) == 1
    assert public[1].getvalue() == public[0].content


# ---------- compression and validators on every calendar file ----------


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_calendar_is_sent_compressed_to_a_client_that_accepts_it(client, world):
    plain = client.get(PUBLIC_ICS)
    compressed = client.get(PUBLIC_ICS, headers={"accept-encoding": "gzip, deflate"})

    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["Vary"] == "Accept-Encoding, Accept-Language, Cookie"
    body = gzip.decompress(body_of(compressed))
    assert body == body_of(plain)
    assert len(body_of(compressed)) < len(body)


def test_a_compressed_calendars_etag_still_answers_304(client, world):
    first = client.get(PUBLIC_ICS, headers={"accept-encoding": "gzip"})
    assert first["ETag"].startswith('W/"')

    again = client.get(
        PUBLIC_ICS, headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]}
    )

    assert (again.status_code, again.content) == (304, b"")


def test_a_page_is_sent_compressed(client, world):
    response = client.get(reverse("public:home"), headers={"accept-encoding": "gzip"})

    assert (response.status_code, response["Content-Encoding"]) == (200, "gzip")
    assert b"</html>" in gzip.decompress(response.content)


@pytest.mark.parametrize("name", ["public:event_ics", "public:programme_ics"])
def test_the_public_event_and_programme_files_answer_304_when_unchanged(client, world, name):
    event = world.events["active"]
    url = reverse(name, args=[event.pk if name == "public:event_ics" else event.programme_id])
    first = client.get(url)

    again = client.get(url, headers={"if-none-match": first["ETag"]})
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert (first.status_code, again.status_code, since.status_code) == (200, 304, 304)
    assert [str(c["UID"]) for c in parse(first).walk("VEVENT")][:1] == [event.uid]
    event_update(event=event, actor=None, title="active, renamed")
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200


# ---------- the window of a subscription ----------


def _dated(world: World, title: str, day: datetime.date) -> Event:
    starts = datetime.datetime.combine(day, datetime.time(18), tzinfo=TASHKENT)
    with applying_an_amendment(world.programmes[Status.ACTIVE]):
        return event_create(
            actor=None,
            programme=world.programmes[Status.ACTIVE],
            title=title,
            kind=Event.Kind.CONCERT,
            host_institution=world.own,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            visibility=PUBLIC,
        )


def test_the_feed_window_starts_on_the_first_of_the_month_a_year_ago():
    assert [
        feed_window_start(datetime.date(2026, 12, 7)),
        feed_window_start(datetime.date(2026, 1, 31)),
        feed_window_start(datetime.date(2024, 2, 29)),
    ] == [datetime.date(2025, 12, 1), datetime.date(2025, 1, 1), datetime.date(2023, 2, 1)]


def test_a_subscription_holds_the_last_year_unless_from_widens_it(client, world):
    start = feed_window_start()
    _dated(world, "just inside", start)
    _dated(world, "just outside", start - datetime.timedelta(days=1))
    _dated(world, "long ago", datetime.date(2019, 5, 1))
    feed = feed_create(owner=world.users["admin"], name="All")
    wide = feed_create(owner=world.users["admin"], name="All", filters={"from": "2019-01-01"})

    def titles(response) -> set[str]:
        return {str(c["SUMMARY"]) for c in parse(response).walk("VEVENT")} & {
            "just inside",
            "just outside",
            "long ago",
        }

    assert titles(client.get(reverse("calendars:feed", args=[feed.token]))) == {"just inside"}
    assert titles(client.get(reverse("calendars:feed", args=[wide.token]))) == {
        "just inside",
        "just outside",
        "long ago",
    }
    assert titles(client.get(PUBLIC_ICS)) == {"just inside"}
    assert titles(client.get(PUBLIC_ICS, {"from": "2019-05-01"})) == {
        "just inside",
        "just outside",
        "long ago",
    }


@pytest.mark.parametrize("value", ["2019-13-01", "yesterday", "1899-12-31", "2200-01-01"])
def test_a_public_calendar_from_that_is_no_date_is_refused(client, world, value):
    response = client.get(PUBLIC_ICS, {"from": value})

    assert (response.status_code, response.content.decode()) == (
        400,
        "The from filter must be a date between 1900 and 2199.\n",
    )
