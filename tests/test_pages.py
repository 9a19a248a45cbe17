"""The read-only pages: what each shows, how its filters narrow it, how bad input is answered,
who sees drafts, and that list pages cost the same number of queries for 1 row as for 50."""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from institutions.models import Country, Institution
from programmes.models import Agreement, Decision, Partnership, Programme, ProgrammeTransition
from tests.factories import (
    PASSWORD,
    AgreementFactory,
    AgreementPartyFactory,
    CountryFactory,
    DecisionFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    NationalCoordinatorFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    VenueFactory,
    ViewerFactory,
    joint_programme,
)

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """Two countries, their institutions, programmes (one a draft) and events."""

    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution
    gallery: Institution
    treaty: Agreement
    old_memorandum: Agreement
    abay: Programme
    abay_exhibition: Event
    fair: Programme
    fair_tashkent: Event
    almaty_concert: Event
    draft: Programme
    draft_event: Event


def in_days(days: int, hour: int = 10, zone=TASHKENT) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


@pytest.fixture
def world() -> World:
    uz = CountryFactory(code="UZ")
    kz = CountryFactory(code="KZ")
    uwed = InstitutionFactory(
        name="University of World Economy and Diplomacy", short_name="UWED", country=uz
    )
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    gallery = InstitutionFactory(
        name="Fine Arts Gallery of Uzbekistan", kind=Institution.Kind.GALLERY, country=uz
    )
    treaty = AgreementFactory(
        title="Treaty on Eternal Friendship",
        kind=Agreement.Kind.TREATY,
        signed_on=datetime.date(1998, 10, 31),
    )
    AgreementPartyFactory(agreement=treaty, institution=uwed)
    AgreementPartyFactory(agreement=treaty, institution=kaznu)
    old_memorandum = AgreementFactory(
        title="Memorandum on museum exchange",
        signed_on=datetime.date(2015, 5, 1),
        valid_until=datetime.date(2020, 5, 1),
    )
    AgreementPartyFactory(agreement=old_memorandum, institution=gallery)
    AgreementPartyFactory(agreement=old_memorandum, institution=uwed)

    abay = joint_programme(
        uz=gallery,
        kz=kaznu,
        title="Abay. Heritage of Fraternal Peoples",
        status=Programme.Status.COMPLETED,
        starts_on=datetime.date(2022, 12, 1),
        ends_on=datetime.date(2022, 12, 31),
        agreement=treaty,
    )
    abay_exhibition = EventFactory(
        programme=abay,
        title="Abay exhibition opening",
        host_institution=gallery,
        starts_at=datetime.datetime(2022, 12, 19, 11, 0, tzinfo=TASHKENT),
        ends_at=datetime.datetime(2022, 12, 19, 18, 0, tzinfo=TASHKENT),
        status=Event.Status.HELD,
        actual_attendance=400,
        youth_attendance=100,
    )
    fair = joint_programme(
        uz=uwed,
        kz=kaznu,
        title="Kazakhstan Education Days",
        kind=Programme.Kind.EDUCATION_FAIR,
        status=Programme.Status.ACTIVE,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=300),
    )
    fair_tashkent = EventFactory(
        programme=fair,
        title="Education Days in Tashkent",
        kind=Event.Kind.FAIR,
        host_institution=uwed,
        status=Event.Status.CONFIRMED,
        starts_at=in_days(10),
        ends_at=in_days(10, hour=17),
    )
    almaty_concert = EventFactory(
        programme=fair,
        title="Gala concert in Almaty",
        kind=Event.Kind.CONCERT,
        host_institution=kaznu,
        starts_at=in_days(20, hour=19, zone=ALMATY),
        ends_at=in_days(20, hour=22, zone=ALMATY),
    )
    draft = joint_programme(
        uz=uwed,
        kz=kaznu,
        title="Confidential festival plan",
        starts_on=timezone.localdate() + datetime.timedelta(days=60),
        ends_on=timezone.localdate() + datetime.timedelta(days=120),
    )
    draft_event = EventFactory(
        programme=draft,
        title="Confidential festival opening",
        host_institution=uwed,
        starts_at=in_days(15),
        ends_at=in_days(15, hour=12),
    )
    return World(
        uz=uz,
        kz=kz,
        uwed=uwed,
        kaznu=kaznu,
        gallery=gallery,
        treaty=treaty,
        old_memorandum=old_memorandum,
        abay=abay,
        abay_exhibition=abay_exhibition,
        fair=fair,
        fair_tashkent=fair_tashkent,
        almaty_concert=almaty_concert,
        draft=draft,
        draft_event=draft_event,
    )


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def member_client(client, world):
    """A coordinator of UWED, a partner of the draft."""
    return signed_in(client, MembershipFactory(institution=world.uwed).user)


@pytest.fixture
def outsider_client(client, world):
    """A coordinator of an institution of a third country, partner of nothing."""
    kyrgyz = InstitutionFactory(country=CountryFactory(code="KG"))
    return signed_in(client, MembershipFactory(institution=kyrgyz).user)


def titles(response) -> list[str]:
    return [str(row) for row in response.context["page_obj"]]


# ---------- home, sign-in, health ----------


def test_home_shows_upcoming_events_own_programmes_and_counts(member_client, world):
    response = member_client.get(reverse("desk:home"))

    assert response.status_code == 200
    assert [event.title for event in response.context["upcoming_events"]] == [
        "Education Days in Tashkent",
        "Confidential festival opening",
        "Gala concert in Almaty",
    ]
    assert [programme.title for programme in response.context["own_programmes"]] == [
        "Confidential festival plan",
        "Kazakhstan Education Days",
    ]
    assert response.context["programmes_under_way"] == 1
    assert response.context["events_ahead"] == 3
    assert response.context["agreements_in_force"] == 1
    content = response.content.decode()
    assert "Gala concert in Almaty" in content
    assert "Abay exhibition opening" not in content
    assert "Coordinator · UWED" in content


def test_home_gives_a_national_coordinator_the_programmes_of_their_country(client, world):
    only_uzbek = ProgrammeFactory(title="Uzbek-only plan", status=Programme.Status.SUBMITTED)
    PartnershipFactory(programme=only_uzbek, institution=world.uwed)
    national = NationalCoordinatorFactory(country=world.kz).user

    response = signed_in(client, national).get(reverse("desk:home"))

    assert [programme.title for programme in response.context["own_programmes"]] == [
        "Confidential festival plan",
        "Kazakhstan Education Days",
        "Abay. Heritage of Fraternal Peoples",
    ]
    assert "National coordinator · Kazakhstan" in response.content.decode()


def test_home_measures_the_youth_share_of_this_years_held_events(member_client, world):
    EventFactory(
        programme=world.fair,
        host_institution=world.uwed,
        status=Event.Status.HELD,
        starts_at=in_days(0, hour=9),
        ends_at=in_days(0, hour=11),
        actual_attendance=200,
        youth_attendance=50,
    )

    response = member_client.get(reverse("desk:home"))

    assert response.context["attendance"].youth_share == 25
    assert "50 of 200 counted" in response.content.decode()


def test_home_shows_a_new_event_at_once(member_client, world):
    def upcoming(response) -> set[str]:
        return {event.title for event in response.context["upcoming_events"]}

    first = member_client.get(reverse("desk:home"))
    EventFactory(
        programme=world.fair,
        host_institution=world.uwed,
        title="Poetry evening",
        starts_at=in_days(1, hour=18),
        ends_at=in_days(1, hour=20),
    )
    changed = member_client.get(reverse("desk:home"))

    assert upcoming(changed) - upcoming(first) == {"Poetry evening"}
    assert changed.context["events_ahead"] == first.context["events_ahead"] + 1


def test_login_page_renders_and_signs_in(client, world):
    user = UserFactory(username="malika")

    page = client.get(reverse("accounts:login"))
    response = client.post(reverse("accounts:login"), {"username": "malika", "password": PASSWORD})

    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:home")
    assert client.get(reverse("desk:home")).context["user"] == user


def test_logout_needs_a_post_and_says_so_on_the_login_page(member_client):
    assert member_client.get(reverse("accounts:logout")).status_code == 405

    response = member_client.post(reverse("accounts:logout"), follow=True)

    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "You have signed out." in response.content.decode()
    assert member_client.get(reverse("desk:home"))["Location"] == "/accounts/login/?next=/"


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


# ---------- institutions ----------


def test_institution_list_filters_by_country_kind_and_search(member_client, world):
    url = reverse("institutions:list")

    assert titles(member_client.get(url)) == [
        "Al-Farabi Kazakh National University",
        "Fine Arts Gallery of Uzbekistan",
        "University of World Economy and Diplomacy",
    ]
    kazakh = member_client.get(url, {"country": "KZ"})
    assert titles(kazakh) == ["Al-Farabi Kazakh National University"]
    assert "University of World Economy" not in kazakh.content.decode()
    assert titles(member_client.get(url, {"kind": "gallery"})) == [
        "Fine Arts Gallery of Uzbekistan"
    ]
    assert titles(member_client.get(url, {"q": "uwed"})) == [
        "University of World Economy and Diplomacy"
    ]


def test_institution_detail_lists_programmes_events_agreements_and_coordinators(
    member_client, world
):
    response = member_client.get(reverse("desk:institution", args=[world.uwed.pk]))

    assert [p.title for p in response.context["programmes"]] == [
        "Confidential festival plan",
        "Kazakhstan Education Days",
    ]
    assert [e.title for e in response.context["upcoming_events"]] == [
        "Education Days in Tashkent",
        "Confidential festival opening",
    ]
    assert [a.title for a in response.context["agreements"]] == [
        "Memorandum on museum exchange",
        "Treaty on Eternal Friendship",
    ]
    assert response.context["institution"].coordinator_count == 1
    assert "1 person coordinates its programmes" in response.content.decode()


# ---------- agreements ----------


def test_agreement_list_filters_by_kind_status_country_and_institution(member_client, world):
    url = reverse("programmes:agreement_list")

    assert titles(member_client.get(url)) == [
        "Memorandum on museum exchange",
        "Treaty on Eternal Friendship",
    ]
    assert titles(member_client.get(url, {"kind": "treaty"})) == ["Treaty on Eternal Friendship"]
    assert titles(member_client.get(url, {"status": "expired"})) == [
        "Memorandum on museum exchange"
    ]
    assert titles(member_client.get(url, {"status": "in_force"})) == [
        "Treaty on Eternal Friendship"
    ]
    assert titles(member_client.get(url, {"country": "KZ"})) == ["Treaty on Eternal Friendship"]
    assert titles(member_client.get(url, {"institution": world.gallery.pk})) == [
        "Memorandum on museum exchange"
    ]


def test_agreement_detail_shows_parties_and_programmes(member_client, world):
    response = member_client.get(reverse("programmes:agreement_detail", args=[world.treaty.pk]))

    content = response.content.decode()
    assert [p.title for p in response.context["programmes"]] == [
        "Abay. Heritage of Fraternal Peoples"
    ]
    assert "Al-Farabi Kazakh National University" in content
    assert "31 October 1998" in content
    assert "In force" in content


# ---------- programmes ----------


def test_programme_list_filters(member_client, world):
    url = reverse("programmes:list")

    assert titles(member_client.get(url)) == [
        "Confidential festival plan",
        "Kazakhstan Education Days",
        "Abay. Heritage of Fraternal Peoples",
    ]
    assert titles(member_client.get(url, {"status": "completed"})) == [
        "Abay. Heritage of Fraternal Peoples"
    ]
    assert titles(member_client.get(url, {"kind": "education_fair"})) == [
        "Kazakhstan Education Days"
    ]
    assert titles(member_client.get(url, {"institution": world.gallery.pk})) == [
        "Abay. Heritage of Fraternal Peoples"
    ]
    assert titles(member_client.get(url, {"q": "fraternal"})) == [
        "Abay. Heritage of Fraternal Peoples"
    ]
    assert titles(member_client.get(url, {"from": "2022-12-15", "to": "2022-12-20"})) == [
        "Abay. Heritage of Fraternal Peoples"
    ]
    assert titles(member_client.get(url, {"to": "2022-11-30"})) == []


def test_programme_list_country_filter_needs_a_partner_of_that_country(member_client, world):
    only_uzbek = ProgrammeFactory(title="Uzbek-only plan", status=Programme.Status.SUBMITTED)
    PartnershipFactory(programme=only_uzbek, institution=world.uwed)

    kazakh = member_client.get(reverse("programmes:list"), {"country": "KZ"})

    assert "Uzbek-only plan" not in titles(kazakh)
    assert "Uzbek-only plan" not in kazakh.content.decode()
    assert "Uzbek-only plan" in titles(
        member_client.get(reverse("programmes:list"), {"country": "UZ"})
    )


def test_programme_detail_shows_partners_approvals_timeline_events_and_agreement(
    member_client, world
):
    Partnership.objects.filter(programme=world.abay, institution=world.kaznu).update(
        contribution="Loans of manuscripts", funding_amount=Decimal("12500.50")
    )
    DecisionFactory(programme=world.abay, country=world.kz, comment="Welcome initiative")
    DecisionFactory(
        programme=world.abay, country=world.uz, decision=Decision.Kind.CHANGES_REQUESTED
    )
    ProgrammeTransition.objects.create(
        programme=world.abay, from_status="active", to_status="completed", comment="All held"
    )

    response = member_client.get(reverse("programmes:detail", args=[world.abay.pk]))

    content = response.content.decode()
    assert response.context["programme"] == world.abay
    assert [e.title for e in response.context["events"]] == ["Abay exhibition opening"]
    assert "Loans of manuscripts" in content
    assert "12,500.50" in content
    assert "USD" in content
    assert "Lead" in content
    assert "Welcome initiative" in content
    assert "Changes requested" in content
    assert "All held" in content
    assert "Treaty on Eternal Friendship" in content
    assert "19 December 2022" in content


def test_programme_detail_lists_its_first_events_and_links_to_all(member_client, world):
    for day in range(26):
        EventFactory(
            programme=world.fair,
            host_institution=world.uwed,
            starts_at=in_days(30 + day),
            ends_at=in_days(30 + day, hour=12),
        )

    response = member_client.get(reverse("programmes:detail", args=[world.fair.pk]))

    assert len(response.context["events"]) == 25
    assert response.context["event_count"] == 28
    assert f'href="/events/?programme={world.fair.pk}">All 28 events' in response.content.decode()


# ---------- events ----------


def test_event_list_shows_every_event_in_date_order_at_any_time(member_client, world):
    url = reverse("events:list")

    assert titles(member_client.get(url, {"when": ""})) == [
        "Abay exhibition opening",
        "Education Days in Tashkent",
        "Confidential festival opening",
        "Gala concert in Almaty",
    ]
    upcoming = {"from": timezone.localdate().isoformat()}
    assert titles(member_client.get(url, upcoming))[0] == "Education Days in Tashkent"


def test_event_list_filters(member_client, world):
    url = reverse("events:list")
    everything = {"from": ""}

    kazakh = member_client.get(url, {"country": "KZ"})
    assert titles(kazakh) == ["Gala concert in Almaty"]
    assert "Education Days in Tashkent" not in kazakh.content.decode()
    assert titles(member_client.get(url, {"kind": "fair"})) == ["Education Days in Tashkent"]
    assert titles(member_client.get(url, {**everything, "status": "held"})) == [
        "Abay exhibition opening"
    ]
    assert titles(member_client.get(url, {"institution": world.kaznu.pk})) == [
        "Gala concert in Almaty"
    ]
    assert titles(member_client.get(url, {"programme": world.abay.pk})) == [
        "Abay exhibition opening"
    ]
    assert titles(member_client.get(url, {"q": "gala"})) == ["Gala concert in Almaty"]
    assert titles(member_client.get(url, {"from": "2022-12-19", "to": "2022-12-19"})) == [
        "Abay exhibition opening"
    ]
    assert titles(member_client.get(url, {"to": "2022-12-18"})) == []


def test_event_list_shows_dates_and_times_in_the_events_own_time_zone(member_client, world):
    # Before March 2024 Almaty was UTC+6, an hour ahead of Tashkent (the site's zone).
    EventFactory(
        programme=world.abay,
        title="Evening reading in Almaty",
        host_institution=world.kaznu,
        starts_at=datetime.datetime(2022, 12, 20, 19, 30, tzinfo=ALMATY),
        ends_at=datetime.datetime(2022, 12, 20, 21, 0, tzinfo=ALMATY),
    )

    response = member_client.get(reverse("events:list"), {"q": "reading", "from": ""})

    content = response.content.decode()
    assert titles(response) == ["Evening reading in Almaty"]
    assert "20 December 2022" in content
    assert "19:30" in content
    assert "UTC+06" in content
    assert "18:30" not in content


def test_event_detail_shows_everything_with_attendance_and_youth_share(member_client, world):
    response = member_client.get(reverse("events:detail", args=[world.abay_exhibition.pk]))

    content = response.content.decode()
    assert response.context["event"] == world.abay_exhibition
    assert "19 December 2022" in content
    assert "11:00" in content
    assert "Fine Arts Gallery of Uzbekistan" in content
    assert "Abay. Heritage of Fraternal Peoples" in content
    assert "400" in content
    assert "25%" in content


def test_event_detail_of_an_all_day_event_gives_its_last_day(member_client, world):
    festival = EventFactory(
        programme=world.fair,
        host_institution=world.uwed,
        all_day=True,
        starts_at=datetime.datetime(2030, 5, 1, tzinfo=TASHKENT),
        ends_at=datetime.datetime(2030, 5, 4, tzinfo=TASHKENT),
    )

    response = member_client.get(reverse("events:detail", args=[festival.pk]))

    assert (response.context["first_day"], response.context["last_day"]) == (
        datetime.date(2030, 5, 1),
        datetime.date(2030, 5, 3),
    )
    assert "1 May 2030 \u2013 3 May 2030" in response.content.decode()


# ---------- bad input ----------


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("events:list", {"country": "XX"}),
        ("events:list", {"country": "kz; DROP TABLE"}),
        ("events:list", {"institution": "abc"}),
        ("events:list", {"programme": "999999"}),
        ("events:list", {"kind": "party"}),
        ("events:list", {"status": "lost"}),
        ("events:list", {"from": "2024-02-30"}),
        ("events:list", {"to": "yesterday"}),
        ("programmes:list", {"from": "31/31/2024"}),
        ("programmes:list", {"institution": "-1"}),
        ("programmes:list", {"country": "ZZZ"}),
        ("programmes:agreement_list", {"status": "sort-of"}),
        ("programmes:agreement_list", {"institution": "1.5"}),
        ("institutions:list", {"kind": "spaceport"}),
    ],
)
def test_bad_filter_values_show_the_error_and_no_rows(member_client, world, url_name, query):
    response = member_client.get(reverse(url_name), query)

    assert response.status_code == 200
    assert titles(response) == []
    assert response.context["filter"].form.errors.keys() == query.keys()
    assert "Some filters could not be understood" in response.content.decode()


@pytest.mark.parametrize("query", [{"from": "0001-01-01"}, {"to": "9999-12-31", "from": ""}])
def test_dates_at_the_ends_of_the_calendar_still_filter(member_client, world, query):
    response = member_client.get(reverse("events:list"), query)

    assert response.status_code == 200
    assert len(titles(response)) == 4


@pytest.mark.parametrize(
    ("page", "expected_page"),
    [("abc", 1), ("0", 2), ("-3", 2), ("2", 2), ("99999", 2), ("1e3", 1), ("", 1)],
)
def test_bad_page_numbers_give_the_first_or_last_page(member_client, settings, page, expected_page):
    settings.PAGE_SIZE = 2  # the world's three institutions make two pages

    response = member_client.get(reverse("institutions:list"), {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == expected_page
    assert len(titles(response)) == {1: 2, 2: 1}[expected_page]


# ---------- drafts are seen by those working on them ----------


def test_a_foreign_coordinator_gets_404_for_a_draft_and_its_event(outsider_client, world):
    programme = outsider_client.get(reverse("programmes:detail", args=[world.draft.pk]))
    event = outsider_client.get(reverse("events:detail", args=[world.draft_event.pk]))

    assert programme.status_code == 404
    assert event.status_code == 404
    assert "Confidential" not in programme.content.decode()


def test_a_foreign_coordinator_does_not_see_a_draft_in_any_list(outsider_client, world):
    programmes = outsider_client.get(reverse("programmes:list"))
    events = outsider_client.get(reverse("events:list"), {"when": ""})
    home = outsider_client.get(reverse("desk:home"))
    institution = outsider_client.get(reverse("desk:institution", args=[world.uwed.pk]))

    assert titles(programmes) == [
        "Kazakhstan Education Days",
        "Abay. Heritage of Fraternal Peoples",
    ]
    assert titles(events) == [
        "Abay exhibition opening",
        "Education Days in Tashkent",
        "Gala concert in Almaty",
    ]
    for response in (programmes, events, home, institution):
        assert "Confidential" not in response.content.decode()


def test_a_draft_cannot_be_probed_through_the_programme_filter(outsider_client, world):
    response = outsider_client.get(reverse("events:list"), {"programme": world.draft.pk})

    assert titles(response) == []
    assert list(response.context["filter"].form.errors) == ["programme"]


def test_a_partners_coordinator_sees_the_draft_and_its_event(member_client, world):
    programme = member_client.get(reverse("programmes:detail", args=[world.draft.pk]))
    event = member_client.get(reverse("events:detail", args=[world.draft_event.pk]))

    assert programme.context["programme"] == world.draft
    assert event.context["event"] == world.draft_event
    assert "Confidential festival plan" in programme.content.decode()


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [("kz_national", True), ("kg_national", False), ("viewer", False), ("superuser", True)],
)
def test_who_else_sees_a_draft(client, world, role, sees_draft):
    users = {
        "kz_national": lambda: NationalCoordinatorFactory(country=world.kz).user,
        "kg_national": lambda: NationalCoordinatorFactory(country=CountryFactory(code="KG")).user,
        "viewer": lambda: ViewerFactory(country=world.uz).user,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    signed_in(client, users[role]())

    detail = client.get(reverse("programmes:detail", args=[world.draft.pk]))
    listed = "Confidential festival opening" in titles(client.get(reverse("events:list")))

    assert (detail.status_code, listed) == ((200, True) if sees_draft else (404, False))


# ---------- queries: the same for 1 row as for 50 ----------


@dataclass
class Base:
    """Two countries and an institution in each; each query-count test adds its own rows."""

    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution


@pytest.fixture
def base() -> Base:
    uz = CountryFactory(code="UZ")
    kz = CountryFactory(code="KZ")
    return Base(
        uz=uz,
        kz=kz,
        uwed=InstitutionFactory(country=uz, short_name="UWED"),
        kaznu=InstitutionFactory(country=kz),
    )


def add_institutions(count: int, base: Base) -> None:
    for _ in range(count):
        InstitutionFactory(country=base.kz)


def add_agreements(count: int, base: Base) -> None:
    for _ in range(count):
        agreement = AgreementFactory()
        AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(country=base.uz))
        AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(country=base.kz))


def add_programmes(count: int, base: Base) -> None:
    """Programmes led by UWED, so they are also the home page's "your programmes"."""
    for _ in range(count):
        joint_programme(
            uz=base.uwed, kz=InstitutionFactory(country=base.kz), status=Programme.Status.ACTIVE
        )


def add_events(count: int, base: Base) -> None:
    for day in range(count):
        programme = joint_programme(uz=base.uwed, kz=base.kaznu, status=Programme.Status.APPROVED)
        EventFactory(
            programme=programme,
            host_institution=InstitutionFactory(country=base.kz),
            venue=VenueFactory(country=base.kz, city="Almaty"),
            starts_at=in_days(day + 1),
            ends_at=in_days(day + 1, hour=12),
        )


@pytest.mark.parametrize(
    ("url_name", "add_rows", "rows_in", "rows_shown"),
    [
        ("institutions:list", add_institutions, "page_obj", 25),
        ("programmes:agreement_list", add_agreements, "page_obj", 25),
        ("programmes:list", add_programmes, "page_obj", 25),
        ("events:list", add_events, "page_obj", 25),
        ("desk:home", add_events, "upcoming_events", 10),
        ("desk:home", add_programmes, "own_programmes", 8),
    ],
)
def test_list_pages_run_as_many_queries_for_50_rows_as_for_1(
    client, base, django_assert_max_num_queries, url_name, add_rows, rows_in, rows_shown
):
    signed_in(client, MembershipFactory(institution=base.uwed).user)
    url = reverse(url_name)
    add_rows(1, base)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200

    add_rows(49, base)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(url)

    assert len(response.context[rows_in]) == rows_shown
