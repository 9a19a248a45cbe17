"""The shared calendar's pages: month, week and agenda; each event on its days in the reader's
time zone; filters; who sees what; public holidays; warning marks; input it cannot read; the
number of queries, whatever the number of events."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from calendars.selectors import CalendarDay, week_of
from core.caching import content_changed
from events.models import Event, Venue, all_day_bounds
from events.services import event_update
from institutions.models import Country, Institution, Membership
from institutions.services import membership_remove
from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    VenueFactory,
    ViewerFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
UTC = datetime.UTC


@dataclass
class World:
    uz: Country
    kz: Country
    uwed: Institution
    kaznu: Institution
    programme: Programme
    coordinator: User
    viewer: User
    palace: Venue


@pytest.fixture
def world() -> World:
    """An active programme of a Tashkent university and an Almaty one, a coordinator of the
    Tashkent university, a viewer, and a concert hall in Almaty."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    return World(
        uz=uz,
        kz=kz,
        uwed=uwed,
        kaznu=kaznu,
        programme=joint_programme(
            uz=uwed, kz=kaznu, title="Days of shared heritage", status=Programme.Status.ACTIVE
        ),
        coordinator=MembershipFactory(institution=uwed).user,
        viewer=ViewerFactory().user,
        palace=VenueFactory(name="Palace of the Republic", country=kz, city="Almaty"),
    )


def at(zone: zoneinfo.ZoneInfo, *parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=zone)


def event(world: World, title: str, starts_at, hours: float = 2, **fields) -> Event:
    """A timed event of the world's programme, hosted in Tashkent unless told otherwise."""
    fields.setdefault("host_institution", world.uwed)
    fields.setdefault("programme", world.programme)
    return EventFactory(
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        **fields,
    )


def calendar(client, user: User, **params):
    client.force_login(user)
    response = client.get(reverse("calendars:calendar"), params)
    assert response.status_code == 200
    return response


def day_of(response, day: datetime.date) -> CalendarDay:
    (found,) = [shown for shown in response.context["days"] if shown.date == day]
    return found


def days_of(response, title: str) -> list[datetime.date]:
    """The days of the grid an event shows on."""
    return [day.date for day in response.context["days"] if title in titles_on(response, day.date)]


def titles_on(response, day: datetime.date) -> list[str]:
    return [item.entry.event.title for item in day_of(response, day).entries]


def listed(response) -> list[str]:
    return [entry.event.title for entry in response.context["entries"]]


def agenda_titles(response) -> list[tuple[datetime.date, list[str]]]:
    return [
        (agenda_day.date, [entry.event.title for entry in agenda_day.entries])
        for agenda_day in response.context["agenda"]
    ]


# ---------- days and times ----------


def test_an_event_shows_on_its_local_day_not_on_the_utc_one(client, world):
    recital = event(
        world,
        "Midnight dombra recital",
        at(ALMATY, 2027, 4, 1, 0, 30),
        host_institution=world.kaznu,
    )
    assert recital.starts_at.astimezone(UTC).date() == datetime.date(2027, 3, 31)
    world.coordinator.time_zone = "Asia/Almaty"
    world.coordinator.save()

    response = calendar(client, world.coordinator, date="2027-04-01")

    assert days_of(response, "Midnight dombra recital") == [datetime.date(2027, 4, 1)]
    assert response.context["title"] == "April 2027"


def test_times_are_the_readers_with_the_events_own_where_its_clock_differs(client, world):
    event(
        world,
        "Midnight dombra recital",
        at(ALMATY, 2027, 4, 1, 0, 30),
        host_institution=world.kaznu,
    )
    event(world, "Tashkent morning lecture", at(TASHKENT, 2027, 4, 2, 9, 0))
    world.coordinator.time_zone = "Europe/London"
    world.coordinator.save()

    response = calendar(client, world.coordinator, date="2027-04-01")
    page = response.content.decode()

    # Almaty is five hours ahead of London (summer time): the recital is on the reader's
    # evening before, shown with its own clock's time.
    assert days_of(response, "Midnight dombra recital") == [datetime.date(2027, 3, 31)]
    assert '20:30 <span class="dl-cal-local">(00:30 Asia/Almaty)</span>' in page
    assert '05:00 <span class="dl-cal-local">(09:00 Asia/Tashkent)</span>' in page
    assert response.context["zone"] == "Europe/London"


def test_the_site_time_zone_is_used_when_the_reader_has_none(client, world, settings):
    settings.TIME_ZONE = "Asia/Tashkent"
    event(world, "Tashkent morning lecture", at(TASHKENT, 2027, 3, 2, 9, 0))

    response = calendar(client, world.coordinator, date="2027-03-02")

    assert response.context["zone"] == "Asia/Tashkent"
    assert titles_on(response, datetime.date(2027, 3, 2)) == ["Tashkent morning lecture"]
    # Same clock as the reader's: no second time.
    assert "(09:00 Asia/Tashkent)" not in response.content.decode()


def test_a_multi_day_event_shows_on_each_of_its_days(client, world):
    event(world, "Three-day exhibition", at(TASHKENT, 2027, 3, 10, 10, 0), hours=56)
    starts, ends = all_day_bounds(
        datetime.date(2027, 3, 20), datetime.date(2027, 3, 21), "Asia/Almaty"
    )
    EventFactory(
        title="Spring fair",
        programme=world.programme,
        host_institution=world.kaznu,
        starts_at=starts,
        ends_at=ends,
        all_day=True,
    )

    response = calendar(client, world.coordinator, date="2027-03-15")

    assert [day.day for day in days_of(response, "Three-day exhibition")] == [10, 11, 12]
    assert [day.day for day in days_of(response, "Spring fair")] == [20, 21]


def test_a_busy_day_lists_four_events_and_counts_the_rest(client, world):
    """What fills the day comes first (an exhibition carried over from the day before), then
    what starts that day by its time; the rest of the day is a link to its agenda."""
    event(world, "Two-day exhibition", at(TASHKENT, 2027, 3, 4, 10, 0), hours=32)
    for hour in (15, 9, 13, 11, 17):
        event(world, f"Lecture at {hour}", at(TASHKENT, 2027, 3, 5, hour, 0), hours=1)
    event(world, "Next day's concert", at(TASHKENT, 2027, 3, 6, 19, 0))

    response = calendar(client, world.coordinator, date="2027-03-05")
    busy = day_of(response, datetime.date(2027, 3, 5))

    assert [item.entry.event.title for item in busy.shown] == [
        "Two-day exhibition",
        "Lecture at 9",
        "Lecture at 11",
        "Lecture at 13",
    ]
    assert busy.more == 2
    assert titles_on(response, datetime.date(2027, 3, 4)) == ["Two-day exhibition"]
    assert titles_on(response, datetime.date(2027, 3, 6)) == ["Next day's concert"]
    assert (
        '<a class="dl-cal-more" href="?view=agenda&amp;from=2027-03-05&amp;to=2027-03-05">2 more '
        'events<span class="visually-hidden"> on this day</span></a>'
    ) in response.content.decode()


def test_each_event_links_to_its_page_in_its_countrys_colour(client, world):
    recital = event(
        world, "Dombra recital", at(ALMATY, 2027, 3, 5, 19, 0), host_institution=world.kaznu
    )

    page = calendar(client, world.coordinator, date="2027-03-05").content.decode()

    assert f'class="dl-cal-event dl-cal-KZ dl-cal-status-planned" href="/events/{recital.pk}/"' in (
        page
    )
    assert page.count(f'href="{reverse("events:detail", args=[recital.pk])}"') == 1


# ---------- views ----------


def test_the_week_view_shows_monday_to_sunday(client, world):
    event(world, "Sunday before", at(TASHKENT, 2027, 3, 7, 18, 0))
    event(world, "Monday opening", at(TASHKENT, 2027, 3, 8, 10, 0))
    event(world, "Sunday closing", at(TASHKENT, 2027, 3, 14, 18, 0))
    event(world, "Monday after", at(TASHKENT, 2027, 3, 15, 10, 0))

    response = calendar(client, world.coordinator, view="week", date="2027-03-11")

    assert listed(response) == ["Monday opening", "Sunday closing"]
    assert [day.date.day for day in response.context["days"]] == [8, 9, 10, 11, 12, 13, 14]
    assert titles_on(response, datetime.date(2027, 3, 8)) == ["Monday opening"]
    assert titles_on(response, datetime.date(2027, 3, 14)) == ["Sunday closing"]
    assert response.context["title"] == "8\u201314 March 2027"


def test_the_agenda_lists_the_chosen_period_by_day(client, world):
    event(world, "Before the period", at(TASHKENT, 2027, 2, 27, 10, 0))
    event(world, "Opening lecture", at(TASHKENT, 2027, 3, 1, 10, 0))
    event(world, "Evening concert", at(TASHKENT, 2027, 3, 1, 19, 0))
    event(world, "Long exhibition", at(TASHKENT, 2027, 2, 25, 10, 0), hours=24 * 10)
    event(world, "Workshop", at(TASHKENT, 2027, 3, 4, 10, 0))
    event(world, "After the period", at(TASHKENT, 2027, 3, 6, 10, 0))

    response = calendar(
        client, world.coordinator, view="agenda", **{"from": "2027-03-01", "to": "2027-03-05"}
    )

    # The exhibition opened before the period and still runs: it is listed on its first day.
    assert agenda_titles(response) == [
        (datetime.date(2027, 3, 1), ["Long exhibition", "Opening lecture", "Evening concert"]),
        (datetime.date(2027, 3, 4), ["Workshop"]),
    ]
    assert response.context["title"] == "1\u20135 March 2027"


def test_the_agenda_shows_the_month_of_the_date_by_default(client, world):
    event(world, "February fair", at(TASHKENT, 2027, 2, 11, 10, 0))
    event(world, "March lecture", at(TASHKENT, 2027, 3, 8, 10, 0))

    response = calendar(client, world.coordinator, view="agenda", date="2027-02-20")

    assert agenda_titles(response) == [(datetime.date(2027, 2, 11), ["February fair"])]


def test_moving_between_periods_keeps_the_filters(client, world):
    response = calendar(client, world.coordinator, country="KZ", view="week", date="2027-03-11")

    assert response.context["navigation"] == {
        "previous": "?country=KZ&view=week&date=2027-03-01",
        "next": "?country=KZ&view=week&date=2027-03-15",
        "today": "?country=KZ&view=week",
    }


def test_subscribe_and_export_carry_the_filters(client, world):
    page = calendar(
        client, world.coordinator, country="KZ", kind="concert", date="2027-03-11"
    ).content.decode()

    assert 'href="/calendar/feeds/?country=KZ&amp;kind=concert"' in page
    assert 'href="/calendar/export.ics?country=KZ&amp;kind=concert"' in page


# ---------- filters and visibility ----------


def test_the_country_filter_keeps_that_countrys_events(client, world):
    event(world, "Almaty concert", at(ALMATY, 2027, 3, 5, 19, 0), host_institution=world.kaznu)
    event(world, "Tashkent lecture", at(TASHKENT, 2027, 3, 5, 10, 0))

    response = calendar(client, world.coordinator, country="KZ", date="2027-03-05")

    assert listed(response) == ["Almaty concert"]
    assert [country.code for country in response.context["countries"]] == ["KZ"]


def test_a_draft_programmes_events_are_seen_only_by_those_who_work_on_it(client, world):
    outsider = MembershipFactory(institution=InstitutionFactory(country=world.uz)).user
    draft = joint_programme(uz=world.uwed, kz=world.kaznu, status=Programme.Status.DRAFT)
    event(world, "Planning meeting", at(TASHKENT, 2027, 3, 5, 10, 0), programme=draft)
    event(world, "Public lecture", at(TASHKENT, 2027, 3, 5, 15, 0))

    assert listed(calendar(client, outsider, date="2027-03-05")) == ["Public lecture"]
    assert listed(calendar(client, world.viewer, date="2027-03-05")) == ["Public lecture"]
    assert listed(calendar(client, world.coordinator, date="2027-03-05")) == [
        "Planning meeting",
        "Public lecture",
    ]


def test_a_hidden_draft_cannot_be_chosen_as_a_filter(client, world):
    outsider = MembershipFactory(institution=InstitutionFactory(country=world.uz)).user
    draft = joint_programme(uz=world.uwed, kz=world.kaznu, status=Programme.Status.DRAFT)
    event(world, "Planning meeting", at(TASHKENT, 2027, 3, 5, 10, 0), programme=draft)

    response = calendar(client, outsider, programme=draft.pk, date="2027-03-05")

    assert list(response.context["filter"].form.errors) == ["programme"]
    assert listed(response) == []


# ---------- holidays and warnings ----------


def holidays_on(response, day: datetime.date) -> list[tuple[str, str]]:
    return [(holiday.country_codes, holiday.name) for holiday in day_of(response, day).holidays]


def test_nowruz_shows_on_21_march_for_both_countries(client, world):
    response = calendar(client, world.coordinator, date="2027-03-01")

    assert holidays_on(response, datetime.date(2027, 3, 21)) == [
        ("KZ", "Nowruz Holiday"),
        ("UZ", "Nowruz"),
    ]
    assert "Nowruz Holiday" in response.content.decode()


def test_a_holiday_both_countries_keep_is_shown_once_with_both_codes(client, world):
    response = calendar(client, world.coordinator, date="2027-01-01")

    assert holidays_on(response, datetime.date(2027, 1, 1)) == [("KZ UZ", "New Year's Day")]


def test_the_country_filter_chooses_whose_holidays_show(client, world):
    response = calendar(client, world.coordinator, country="UZ", date="2027-03-01")

    assert holidays_on(response, datetime.date(2027, 3, 21)) == [("UZ", "Nowruz")]


def test_the_holidays_of_a_country_with_events_show_too(client, world):
    kg = CountryFactory(code="KG")
    bishkek = InstitutionFactory(country=kg, city="Bishkek")
    event(world, "Bishkek screening", at(TASHKENT, 2027, 3, 5, 10, 0), host_institution=bishkek)

    response = calendar(client, world.coordinator, date="2027-03-01")

    assert holidays_on(response, datetime.date(2027, 3, 8)) == [
        ("KG KZ", "International Women's Day"),
        ("UZ", "Women's Day"),
    ]
    assert [country.code for country in response.context["countries"]] == ["KZ", "KG", "UZ"]


def test_overlapping_events_at_one_venue_are_marked(client, world):
    event(
        world,
        "Dombra concert",
        at(ALMATY, 2027, 3, 5, 19, 0),
        host_institution=world.kaznu,
        venue=world.palace,
    )
    event(
        world,
        "Film evening",
        at(ALMATY, 2027, 3, 5, 20, 0),
        host_institution=world.kaznu,
        venue=world.palace,
    )

    response = calendar(client, world.coordinator, date="2027-03-05")
    page = response.content.decode()

    warnings = {entry.event.title: entry.warning_text for entry in response.context["entries"]}
    assert warnings == {
        "Dombra concert": "“Film evening” is at the same venue at the same time.",
        "Film evening": "“Dombra concert” is at the same venue at the same time.",
    }
    assert (
        '<span class="dl-cal-warning" title="“Film evening” is at the same venue at the same '
        'time."><i class="bi bi-exclamation-triangle-fill" aria-hidden="true"></i>'
        '<span class="visually-hidden">Warning: “Film evening” is at the same venue at the same '
        "time.</span></span>"
    ) in page


@pytest.mark.parametrize("view", ["month", "week", "agenda"])
def test_titles_and_warnings_are_escaped_in_every_view(client, world, view):
    """The chips are written by tags, not templates: what an editor typed is still text."""
    for title, hour in (('<b>"Bold" & co</b>', 19), ("<script>alert(1)</script>", 20)):
        event(
            world,
            title,
            at(ALMATY, 2027, 3, 5, hour, 0),
            host_institution=world.kaznu,
            venue=world.palace,
        )

    page = calendar(client, world.coordinator, view=view, date="2027-03-05").content.decode()

    assert "<script>alert" not in page
    assert "<b>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2  # the title and a warning
    assert (
        'title="“&lt;b&gt;&quot;Bold&quot; &amp; co&lt;/b&gt;” is at the same venue at the '
        'same time."'
    ) in page


def five_at_the_palace(world, day: int) -> None:
    """Five events at the same venue on ``day`` March 2027, a minute apart: each clashes with
    the four others."""
    for minute, title in enumerate(["Ballet", "Choir", "Dombra", "Exhibition", "Folk dance"]):
        event(
            world,
            title,
            at(ALMATY, 2027, 3, day, 18, minute),
            host_institution=world.kaznu,
            venue=world.palace,
        )


def test_an_event_clashing_with_many_spells_out_three_and_counts_the_rest(client, world):
    five_at_the_palace(world, 5)

    response = calendar(client, world.coordinator, date="2027-03-05")

    warnings = {entry.event.title: entry.warning_text for entry in response.context["entries"]}
    assert warnings["Ballet"] == (
        "“Choir” is at the same venue at the same time. "
        "“Dombra” is at the same venue at the same time. "
        "“Exhibition” is at the same venue at the same time. "
        "And 1 more warning: see the event's page."
    )
    assert (
        calendar(client, world.coordinator, date="2027-03-05", view="agenda")
        .context["agenda"][0]
        .entries[0]
        .warning_text.endswith("And 1 more warning: see the event's page.")
    )


def test_the_clashes_left_untold_are_counted_with_the_holidays(client, world):
    """The month reads only the clashes it spells out; the rest are counted with the holidays,
    which the agenda lists in full."""
    five_at_the_palace(world, 21)

    month = calendar(client, world.coordinator, date="2027-03-21")
    agenda = calendar(client, world.coordinator, date="2027-03-21", view="agenda")

    (month_entry,) = [e for e in month.context["entries"] if e.event.title == "Ballet"]
    (agenda_entry,) = [e for e in agenda.context["entries"] if e.event.title == "Ballet"]
    assert (
        month_entry.warning_text
        == agenda_entry.warning_text
        == (
            "“Choir” is at the same venue at the same time. "
            "“Dombra” is at the same venue at the same time. "
            "“Exhibition” is at the same venue at the same time. "
            "And 3 more warnings: see the event's page."
        )
    )
    assert [warning.message for warning in agenda_entry.warnings] == [
        "“Choir” is at the same venue at the same time.",
        "“Dombra” is at the same venue at the same time.",
        "“Exhibition” is at the same venue at the same time.",
        "“Folk dance” is at the same venue at the same time.",
        "21 March 2027 is a public holiday in Kazakhstan: Nowruz Holiday.",
        "21 March 2027 is a public holiday in Uzbekistan: Nowruz.",
    ]
    assert (len(month_entry.warnings), month_entry.warnings.not_shown) == (5, 1)


def test_a_clash_with_a_hidden_event_is_not_marked(client, world):
    other_kz = InstitutionFactory(country=world.kz)
    secret = joint_programme(
        uz=InstitutionFactory(country=world.uz), kz=other_kz, status=Programme.Status.DRAFT
    )
    event(
        world,
        "Unannounced gala",
        at(ALMATY, 2027, 3, 5, 19, 0),
        programme=secret,
        host_institution=other_kz,
        venue=world.palace,
    )
    event(
        world,
        "Film evening",
        at(ALMATY, 2027, 3, 5, 20, 0),
        host_institution=world.kaznu,
        venue=world.palace,
    )

    response = calendar(client, world.coordinator, date="2027-03-05")

    assert [(entry.event.title, entry.warning_text) for entry in response.context["entries"]] == [
        ("Film evening", "")
    ]
    assert "Unannounced gala" not in response.content.decode()


def test_an_event_on_a_holiday_of_a_participating_country_is_marked(client, world):
    event(world, "Spring concert", at(TASHKENT, 2027, 3, 21, 18, 0))

    response = calendar(client, world.coordinator, date="2027-03-21")

    (entry,) = response.context["entries"]
    assert entry.warning_text == (
        "21 March 2027 is a public holiday in Kazakhstan: Nowruz Holiday. "
        "21 March 2027 is a public holiday in Uzbekistan: Nowruz."
    )


# ---------- input the page cannot read, and who gets in ----------


@pytest.mark.parametrize(
    ("params", "period_errors", "filter_errors"),
    [
        ({"date": "2027-02-30"}, ["date"], []),
        ({"date": "tomorrow"}, ["date"], []),
        ({"date": "9999-12-31"}, ["date"], []),
        ({"view": "year"}, ["view"], []),
        ({"country": "ZZ"}, [], ["country"]),
        ({"institution": "not-a-number"}, [], ["institution"]),
        ({"programme": "999999"}, [], ["programme"]),
        ({"kind": "party"}, [], ["kind"]),
        ({"status": "maybe"}, [], ["status"]),
        ({"view": "agenda", "from": "2027-03-10", "to": "2027-03-01"}, [], ["to"]),
        ({"view": "agenda", "from": "2027-01-01", "to": "2027-12-31"}, [], ["to"]),
        ({"view": "agenda", "from": "0001-01-01"}, [], ["from"]),
        ({"view": "agenda", "to": "31/12/2027"}, [], ["to"]),
    ],
)
def test_input_it_cannot_read_is_reported_not_a_server_error(
    client, world, params, period_errors, filter_errors
):
    event(world, "Tashkent lecture", at(TASHKENT, 2027, 3, 5, 10, 0))

    response = calendar(client, world.coordinator, **params)

    assert list(response.context["period_form"].errors) == period_errors
    assert list(response.context["filter"].form.errors) == filter_errors
    if filter_errors:
        assert listed(response) == []


def test_an_unreadable_date_falls_back_on_the_week_of_today(client, world):
    response = calendar(client, world.coordinator, date="2027-02-30", view="week")

    assert response.context["view"] == "week"
    assert response.context["focus"] == week_of(timezone.localdate(timezone=TASHKENT))


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_readers_today(client, world, zone):
    """UTC+14 and UTC-11 are never on the same date: each reader opens on their own today."""
    world.coordinator.time_zone = zone
    world.coordinator.save()

    response = calendar(client, world.coordinator, view="week")

    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))
    assert response.context["focus"] == week_of(today)
    assert [day.date for day in response.context["days"] if day.is_today] == [today]


def test_an_agenda_of_chosen_dates_steps_by_its_own_length(client, world):
    response = calendar(
        client, world.coordinator, view="agenda", **{"from": "2027-03-01", "to": "2027-03-10"}
    )

    assert response.context["navigation"] == {
        "previous": "?view=agenda&from=2027-02-19&to=2027-02-28",
        "next": "?view=agenda&from=2027-03-11&to=2027-03-20",
        "today": "?view=agenda",
    }


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("calendars:calendar") + "?view=week")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/calendar/%3Fview%3Dweek"


def test_the_calendar_is_only_read(client, world):
    client.force_login(world.coordinator)

    assert client.post(reverse("calendars:calendar")).status_code == 405


# ---------- cost ----------

OTHER_YEARS_EVENTS = 20_000


def month_of_events(world: World, count: int) -> None:
    """``count`` events in March 2027 across programmes, hosts, venues and both countries, some
    running over several days, some all day, some sharing a venue at the same time."""
    hosts = [world.uwed, world.kaznu, InstitutionFactory(country=world.uz)]
    venues = [world.palace, VenueFactory(country=world.uz, city="Tashkent")]
    programmes = [world.programme] + [
        joint_programme(uz=world.uwed, kz=world.kaznu, status=Programme.Status.ACTIVE)
        for _ in range(3)
    ]
    for number in range(count):
        host = hosts[number % len(hosts)]
        venue = venues[0] if host.country == world.kz else venues[1]
        starts = at(TASHKENT, 2027, 3, 1 + number % 28, 10 + number % 5, 0)
        if number % 7 == 3:
            first, last = starts.date(), starts.date() + datetime.timedelta(days=2)
            starts, ends = all_day_bounds(first, last, host.country.time_zone)
            extra = {"all_day": True}
        else:
            ends = starts + datetime.timedelta(hours=2 + 24 * (number % 4 == 1))
            extra = {}
        EventFactory(
            title=f"Event {number}",
            programme=programmes[number % len(programmes)],
            host_institution=host,
            venue=venue,
            starts_at=starts,
            ends_at=ends,
            **extra,
        )


def month_queries(client, user: User) -> tuple[int, int]:
    """The queries the month page runs, and the number of events it shows."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("calendars:calendar"), {"date": "2027-03-01"})
    assert response.status_code == 200
    return len(queries), len(response.context["entries"])


def test_the_month_costs_the_same_queries_for_one_event_or_forty(client, world):
    month_of_events(world, 1)
    one, shown = month_queries(client, world.coordinator)
    assert shown == 1

    Event.objects.all().delete()
    content_changed()  # deleted outside the services
    month_of_events(world, 40)
    forty, shown = month_queries(client, world.coordinator)
    assert shown == 40

    assert forty == one


def test_the_month_loads_only_its_own_events_out_of_many(client, world):
    """Twenty thousand events in other years: the month reads none of them into memory. (With
    a hundred thousand the page answers as fast; this many keeps the suite quick.)"""
    month_of_events(world, 5)
    Event.objects.update(venue=None)  # no venue, no neighbours to load for the warnings
    template = Event.objects.first()
    two_hours = datetime.timedelta(hours=2)
    Event.objects.bulk_create(
        (
            Event(
                programme_id=template.programme_id,
                title=f"Another year's lecture {number}",
                kind=Event.Kind.LECTURE,
                host_institution_id=template.host_institution_id,
                city=template.city,
                country_id=template.country_id,
                time_zone=template.time_zone,
                starts_at=starts,
                ends_at=starts + two_hours,
                uid=f"volume-{number}@dostlik.test",
            )
            for number in range(OTHER_YEARS_EVENTS)
            # Half before the month shown, half after it.
            for starts in [
                at(UTC, 2024, 1, 1, 0, 0) + number * two_hours
                if number < OTHER_YEARS_EVENTS // 2
                else at(UTC, 2030, 1, 1, 0, 0) + number * two_hours
            ]
        ),
        batch_size=5_000,
    )
    loaded = []

    def count_loaded(sender, instance, **kwargs):
        loaded.append(instance.pk)

    post_init.connect(count_loaded, sender=Event)
    try:
        response = calendar(client, world.coordinator, date="2027-03-01")
    finally:
        post_init.disconnect(count_loaded, sender=Event)

    assert listed(response) == [f"Event {number}" for number in range(5)]
    assert sorted(loaded) == sorted(
        Event.objects.filter(title__in=listed(response)).values_list("pk", flat=True)
    )


# ---------- kept until the data changes ----------


def grid_of(response) -> str:
    """The calendar's own part of the page (the frame around it holds a new CSRF token each
    time)."""
    (grid,) = re.findall(r'<section class="card dl-cal.*?</section>', response.text, re.S)
    return grid


def test_a_month_opened_again_is_sent_from_the_cache_in_three_queries(client, world):
    event(world, "Dombra concert", at(TASHKENT, 2027, 3, 5, 18, 0))
    first = calendar(client, world.coordinator, date="2027-03-05")

    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("calendars:calendar"), {"date": "2027-03-05"})

    assert grid_of(again) == grid_of(first)
    # Not rendered again: the session, the user and the reader's roles (for the menu); what waits
    # for the coordinator (the menu's counts) is kept as the month is.
    assert "days" not in again.context
    assert len(queries) == 3


def test_an_edit_shows_at_once_on_a_kept_month(client, world):
    concert = event(world, "Dombra concert", at(TASHKENT, 2027, 3, 5, 18, 0))
    calendar(client, world.coordinator, date="2027-03-05")

    event_update(event=concert, actor=world.coordinator, title="Gala dombra concert")

    assert listed(calendar(client, world.coordinator, date="2027-03-05")) == ["Gala dombra concert"]


def test_a_role_taken_away_shows_at_once_on_a_kept_month(client, world):
    draft = joint_programme(uz=world.uwed, kz=world.kaznu, status=Programme.Status.DRAFT)
    event(world, "Planning meeting", at(TASHKENT, 2027, 3, 5, 10, 0), programme=draft)
    assert listed(calendar(client, world.coordinator, date="2027-03-05")) == ["Planning meeting"]

    membership_remove(membership=Membership.objects.get(user=world.coordinator), actor=None)

    assert listed(calendar(client, world.coordinator, date="2027-03-05")) == []


def test_a_kept_month_is_the_readers_own(client, world):
    draft = joint_programme(uz=world.uwed, kz=world.kaznu, status=Programme.Status.DRAFT)
    event(world, "Planning meeting", at(TASHKENT, 2027, 3, 5, 10, 0), programme=draft)
    calendar(client, world.coordinator, date="2027-03-05")

    response = calendar(client, world.viewer, date="2027-03-05")

    assert listed(response) == []
    assert "Planning meeting" not in grid_of(response)


def test_a_month_asked_with_names_it_does_not_read_is_not_kept(client, world):
    event(world, "Dombra concert", at(TASHKENT, 2027, 3, 5, 18, 0))
    calendar(client, world.coordinator, date="2027-03-05", utm="a")

    again = calendar(client, world.coordinator, date="2027-03-05", utm="a")

    # Rendered again: the page's links carry the name along, so each would be a page to keep.
    assert listed(again) == ["Dombra concert"]
    assert "utm=a" in grid_of(again)
