"""Adding and editing events in the coordinator workspace: who may, how typed local times
become instants, what a stale edit does, and the change history on event and agreement pages."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import FormSubmission, User
from events.models import Event, all_day_bounds
from events.services import event_update
from institutions.models import Institution
from programmes.models import Programme
from programmes.services import agreement_create
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
    VenueFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

# What a coordinator is told when an event of a submitted programme changes what is decided on.
NEW_VERSION = (
    "The event's dates, place, host or whether it goes ahead are part of what the national "
    "coordinators decide on: they decide on the programme's new version."
)

UTC = datetime.UTC
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


@dataclass
class World:
    uwed: Institution
    kaznu: Institution
    programme: Programme
    lead_coordinator: User
    kaznu_coordinator: User
    stranger: User


@pytest.fixture
def world() -> World:
    """An active programme led by a Tashkent university with an Almaty partner, a coordinator
    of each, and a coordinator of an institution that takes no part."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    programme = joint_programme(
        uz=uwed, kz=kaznu, title="Kazakhstan Education Days", status=Programme.Status.SUBMITTED
    )
    return World(
        uwed=uwed,
        kaznu=kaznu,
        programme=programme,
        lead_coordinator=MembershipFactory(institution=uwed, user__username="uz.coordinator").user,
        kaznu_coordinator=MembershipFactory(
            institution=kaznu,
            user__username="kz.coordinator",
            user__first_name="Aigerim",
            user__last_name="Sadykova",
        ).user,
        stranger=MembershipFactory(institution=InstitutionFactory(country=uz)).user,
    )


def add_url(programme: Programme) -> str:
    return f"{reverse('events:create')}?programme={programme.pk}"


def new_event_data(host: Institution, **overrides) -> dict:
    """What a coordinator types for a timed event on 5 October 2026, 14:00 to 16:00."""
    return {
        "title": "Education fair",
        "description": "Forty universities present their programmes.",
        "kind": Event.Kind.FAIR,
        "status": Event.Status.PLANNED,
        "visibility": Event.Visibility.INTERNAL,
        "host_institution": host.pk,
        "venue": "",
        "city": "",
        "country": "",
        "time_zone": "",
        "start_date": "2026-10-05",
        "start_time": "14:00",
        "end_date": "2026-10-05",
        "end_time": "16:00",
        "expected_attendance": "500",
        "actual_attendance": "",
        "youth_attendance": "",
        **overrides,
    }


def edit_form_data(client, event: Event, **overrides) -> dict:
    """The edit page's form as the browser would send it back, with ``overrides`` typed in."""
    form = client.get(reverse("events:edit", args=[event.pk])).context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.name] = "on"
            continue
        shown = None if value is None else bound.field.widget.format_value(value)
        data[bound.name] = "" if shown is None else shown
    return {**data, **overrides}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# ---------- adding ----------


def test_the_host_coordinator_adds_an_event_typed_in_almaty_time(client, world):
    client.force_login(world.kaznu_coordinator)

    response = client.post(add_url(world.programme), new_event_data(world.kaznu))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    assert messages_of(response) == ["The event “Education fair” was added.", NEW_VERSION]
    assert (event.programme, event.host_institution, event.city, event.country.code) == (
        world.programme,
        world.kaznu,
        "Almaty",
        "KZ",
    )
    assert event.time_zone == "Asia/Almaty"
    # 14:00 on an Almaty wall clock (UTC+5) is 09:00 UTC, whoever typed it.
    assert (event.starts_at, event.ends_at) == (
        datetime.datetime(2026, 10, 5, 9, 0, tzinfo=UTC),
        datetime.datetime(2026, 10, 5, 11, 0, tzinfo=UTC),
    )
    assert (event.all_day, event.expected_attendance, event.sequence) == (False, 500, 0)


def test_a_typed_time_zone_decides_how_the_times_are_read(client, world):
    """Berlin's clock for a Tashkent host is asked about first
    (``tests/events/test_time_zone_field.py``), then kept."""
    client.force_login(world.lead_coordinator)
    typed = new_event_data(world.uwed, time_zone="Europe/Berlin")
    asked = client.post(add_url(world.programme), typed)
    digest = asked.context["acknowledgement"]["warnings_digest"].value()

    client.post(add_url(world.programme), {**typed, "acknowledge": "on", "warnings_digest": digest})

    event = Event.objects.get()
    assert event.time_zone == "Europe/Berlin"
    # Berlin keeps summer time (UTC+2) in early October.
    assert event.starts_at == datetime.datetime(2026, 10, 5, 12, 0, tzinfo=UTC)


def test_the_venues_country_decides_the_zone_before_the_hosts(client, world):
    """A Tashkent host holding an event at a Bishkek venue: the Bishkek clock (UTC+6) counts."""
    venue = VenueFactory(name="Philharmonic", city="Bishkek", country=CountryFactory(code="KG"))
    client.force_login(world.lead_coordinator)

    client.post(add_url(world.programme), new_event_data(world.uwed, venue=venue.pk))

    event = Event.objects.get()
    assert (event.city, event.country.code, event.time_zone) == ("Bishkek", "KG", "Asia/Bishkek")
    assert event.starts_at == datetime.datetime(2026, 10, 5, 8, 0, tzinfo=UTC)


def test_an_all_day_events_end_date_is_included(client, world):
    client.force_login(world.kaznu_coordinator)
    data = new_event_data(
        world.kaznu,
        all_day="on",
        start_date="2026-10-05",
        end_date="2026-10-07",
        start_time="",
        end_time="",
    )

    client.post(add_url(world.programme), data)

    event = Event.objects.get()
    assert event.all_day is True
    assert (event.starts_at, event.ends_at) == all_day_bounds(
        datetime.date(2026, 10, 5), datetime.date(2026, 10, 7), "Asia/Almaty"
    )
    # Local midnight of 5 October to local midnight after 7 October.
    assert (event.local_starts_at, event.local_ends_at) == (
        datetime.datetime(2026, 10, 5, tzinfo=ALMATY),
        datetime.datetime(2026, 10, 8, tzinfo=ALMATY),
    )


def test_a_timed_event_without_times_is_refused_on_the_fields(client, world):
    client.force_login(world.kaznu_coordinator)

    response = client.post(
        add_url(world.programme), new_event_data(world.kaznu, start_time="", end_time="")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "start_time": ["Give the time, or tick “All day”."],
        "end_time": ["Give the time, or tick “All day”."],
    }
    assert Event.objects.count() == 0


def test_an_event_ending_before_it_starts_is_refused_with_the_models_message(client, world):
    client.force_login(world.kaznu_coordinator)

    response = client.post(add_url(world.programme), new_event_data(world.kaznu, end_time="13:00"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["An event must end after it starts."]
    assert Event.objects.count() == 0


def test_a_partner_coordinator_may_not_name_another_partner_as_host(client, world):
    client.force_login(world.kaznu_coordinator)

    response = client.post(add_url(world.programme), new_event_data(world.uwed))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "host_institution": ["Choose one of the programme's partners that you may name."]
    }
    assert Event.objects.count() == 0


def test_host_choices_are_every_partner_for_the_lead_and_ones_own_for_a_partner(client, world):
    client.force_login(world.lead_coordinator)
    lead_choices = client.get(add_url(world.programme)).context["form"]["host_institution"]
    client.force_login(world.kaznu_coordinator)
    partner_choices = client.get(add_url(world.programme)).context["form"]["host_institution"]

    assert list(lead_choices.field.queryset) == [world.kaznu, world.uwed]
    assert list(partner_choices.field.queryset) == [world.kaznu]


def test_a_coordinator_of_no_partner_may_not_add_to_a_visible_programme(client, world):
    client.force_login(world.stranger)

    get_response = client.get(add_url(world.programme))
    post_response = client.post(add_url(world.programme), new_event_data(world.uwed))

    assert (get_response.status_code, post_response.status_code) == (403, 403)
    assert Event.objects.count() == 0


def test_adding_to_a_draft_one_may_not_see_answers_404(client, world):
    draft = joint_programme(
        uz=InstitutionFactory(country=world.uwed.country),
        kz=InstitutionFactory(country=world.kaznu.country),
    )
    client.force_login(world.stranger)

    responses = [
        client.get(add_url(draft)),
        client.get(reverse("events:create")),
        client.get(f"{reverse('events:create')}?programme=not-a-number"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]


# ---------- sent twice ----------


def form_token_of(response) -> str:
    """The token the page's form carries (``accounts.once``)."""
    tokens = re.findall(r'name="form_token" value="([^"]*)"', response.content.decode())
    assert len(tokens) == 1, tokens
    return tokens[0]


def test_an_event_form_sent_twice_adds_one_event_and_leads_to_it_again(client, world):
    """The browser lost the answer and sends the form again: the event is not added twice."""
    client.force_login(world.kaznu_coordinator)
    token = form_token_of(client.get(add_url(world.programme)))
    data = new_event_data(world.kaznu, form_token=token)
    first = client.post(add_url(world.programme), data)
    client.get(first["Location"])  # its message, read

    again = client.post(add_url(world.programme), data)

    event = Event.objects.get(title="Education fair")
    assert (first["Location"], again["Location"]) == (
        reverse("events:detail", args=[event.pk]),
        reverse("events:detail", args=[event.pk]),
    )
    assert messages_of(again) == ["This form had been sent already: here is what it made, once."]


def test_a_form_shown_again_with_errors_keeps_its_token_and_each_new_form_has_its_own(
    client, world
):
    client.force_login(world.kaznu_coordinator)
    shown = [form_token_of(client.get(add_url(world.programme))) for _ in range(2)]

    corrected = client.post(
        add_url(world.programme), new_event_data(world.kaznu, title="", form_token=shown[0])
    )

    assert (form_token_of(corrected), shown[0] != shown[1]) == (shown[0], True)
    assert Event.objects.filter(programme=world.programme).count() == 0


def test_a_token_older_than_a_day_may_be_used_again(client, world):
    client.force_login(world.kaznu_coordinator)
    data = new_event_data(world.kaznu, form_token="5d2c7b1e-3f4a-4b6c-8d9e-0a1b2c3d4e5f")
    client.post(add_url(world.programme), data)
    FormSubmission.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))

    again = client.post(add_url(world.programme), data)

    events = Event.objects.filter(title="Education fair").order_by("pk")
    assert (events.count(), again["Location"]) == (
        2,
        reverse("events:detail", args=[events.last().pk]),
    )


def test_the_same_token_from_another_person_is_another_form(client, world):
    token = "8a1f0c43-4a9e-4d55-b3f4-1f0e2c6d7a10"
    for coordinator in (world.kaznu_coordinator, world.lead_coordinator):
        client.force_login(coordinator)
        client.post(add_url(world.programme), new_event_data(world.kaznu, form_token=token))

    assert Event.objects.filter(title="Education fair").count() == 2


# ---------- editing ----------


@pytest.fixture
def almaty_fair(world) -> Event:
    return EventFactory(
        programme=world.programme,
        host_institution=world.kaznu,
        title="Education fair",
        starts_at=datetime.datetime(2026, 10, 5, 14, 0, tzinfo=ALMATY),
        ends_at=datetime.datetime(2026, 10, 5, 18, 0, tzinfo=ALMATY),
    )


def test_the_edit_form_shows_the_places_local_time(client, world, almaty_fair):
    client.force_login(world.kaznu_coordinator)

    form = client.get(reverse("events:edit", args=[almaty_fair.pk])).context["form"]

    assert {
        name: form[name].value() for name in ("start_date", "start_time", "end_time", "version")
    } == {
        "start_date": datetime.date(2026, 10, 5),
        "start_time": datetime.time(14, 0),
        "end_time": datetime.time(18, 0),
        "version": 1,
    }


def test_a_title_changed_through_the_page_raises_the_calendar_sequence(client, world, almaty_fair):
    client.force_login(world.kaznu_coordinator)
    data = edit_form_data(client, almaty_fair, title="Kazakhstan Education Days fair")

    response = client.post(reverse("events:edit", args=[almaty_fair.pk]), data)

    almaty_fair.refresh_from_db()
    assert response["Location"] == reverse("events:detail", args=[almaty_fair.pk])
    assert messages_of(response) == ["The event “Kazakhstan Education Days fair” was saved."]
    assert (almaty_fair.title, almaty_fair.sequence, almaty_fair.version) == (
        "Kazakhstan Education Days fair",
        1,
        2,
    )
    assert almaty_fair.starts_at == datetime.datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def test_sending_the_form_back_untouched_changes_nothing(client, world):
    """The stored times carry seconds the form does not show; untouched, they stay."""
    event = EventFactory(
        programme=world.programme,
        host_institution=world.kaznu,
        starts_at=datetime.datetime(2026, 10, 5, 14, 0, 37, 123456, tzinfo=ALMATY),
        ends_at=datetime.datetime(2026, 10, 5, 18, 0, 5, tzinfo=ALMATY),
    )
    client.force_login(world.kaznu_coordinator)

    response = client.post(reverse("events:edit", args=[event.pk]), edit_form_data(client, event))

    stored = Event.objects.get(pk=event.pk)
    assert messages_of(response) == ["Nothing was changed."]
    assert (stored.version, stored.sequence, stored.starts_at, stored.ends_at) == (
        1,
        0,
        event.starts_at,
        event.ends_at,
    )


def test_a_stale_edit_keeps_the_input_shows_why_and_saves_nothing(client, world, almaty_fair):
    client.force_login(world.kaznu_coordinator)
    data = edit_form_data(client, almaty_fair, title="My new title", expected_attendance="900")
    event_update(event=almaty_fair, actor=world.lead_coordinator, city="Astana")

    response = client.post(reverse("events:edit", args=[almaty_fair.pk]), data)

    stored = Event.objects.get(pk=almaty_fair.pk)
    form = response.context["form"]
    conflict = response.context["conflict"]
    assert response.status_code == 409
    # The city is theirs: the table says so, and saving again would take the form's.
    assert [(d.label, d.opened, d.yours, d.saved) for d in conflict.differences] == [
        ("Title", "Education fair", "My new title", "Education fair"),
        ("City", "Almaty", "Almaty", "Astana"),
        ("Expected attendance", "—", "900", "—"),
    ]
    assert (conflict.saved_by, form["version"].value()) == (world.lead_coordinator, "2")
    assert (form["title"].value(), form["expected_attendance"].value()) == ("My new title", "900")
    assert 'value="My new title"' in response.content.decode()
    assert (stored.title, stored.city, stored.expected_attendance, stored.version) == (
        "Education fair",
        "Astana",
        None,
        2,
    )

    # Keeping their city, saving theirs and one's own together.
    client.post(
        reverse("events:edit", args=[almaty_fair.pk]), data | {"version": "2", "city": "Astana"}
    )

    stored = Event.objects.get(pk=almaty_fair.pk)
    assert (stored.title, stored.city, stored.expected_attendance, stored.version) == (
        "My new title",
        "Astana",
        900,
        3,
    )


def test_a_coordinator_of_another_institution_gets_403_on_a_visible_event(
    client, world, almaty_fair
):
    client.force_login(world.stranger)
    url = reverse("events:edit", args=[almaty_fair.pk])

    detail = client.get(reverse("events:detail", args=[almaty_fair.pk]))
    get_response = client.get(url)
    post_response = client.post(url, {"title": "Taken over", "version": "1"})

    assert detail.context["can_edit"] is False
    assert (get_response.status_code, post_response.status_code) == (403, 403)
    assert Event.objects.get(pk=almaty_fair.pk).title == "Education fair"


def test_the_event_of_a_draft_answers_404_to_an_outsider(client, world):
    draft = joint_programme(
        uz=InstitutionFactory(country=world.uwed.country),
        kz=InstitutionFactory(country=world.kaznu.country),
    )
    event = EventFactory(programme=draft, title="Unannounced")
    client.force_login(world.stranger)
    url = reverse("events:edit", args=[event.pk])

    responses = [client.get(url), client.post(url, {"title": "Found it", "version": "1"})]

    assert [response.status_code for response in responses] == [404, 404]
    assert Event.objects.get(pk=event.pk).title == "Unannounced"


def test_the_event_page_offers_edit_to_those_who_may(client, world, almaty_fair):
    edit_url = reverse("events:edit", args=[almaty_fair.pk])
    shown = {}
    for user in (world.kaznu_coordinator, world.lead_coordinator, world.stranger):
        client.force_login(user)
        response = client.get(reverse("events:detail", args=[almaty_fair.pk]))
        shown[user.username] = f'href="{edit_url}"' in response.content.decode()

    assert shown == {
        "kz.coordinator": True,
        "uz.coordinator": True,
        world.stranger.username: False,
    }


# ---------- change history ----------


def history_rows(response) -> list[tuple]:
    return [
        (
            entry.action,
            entry.user and str(entry.user),
            [(c.label, c.old, c.new) for c in entry.changes],
        )
        for entry in response.context["history"]
    ]


def test_the_event_page_shows_who_changed_what(client, world, almaty_fair):
    client.force_login(world.kaznu_coordinator)
    client.post(
        reverse("events:edit", args=[almaty_fair.pk]),
        edit_form_data(client, almaty_fair, title="Education Days fair"),
    )

    response = client.get(reverse("events:detail", args=[almaty_fair.pk]))

    assert history_rows(response) == [
        ("changed", "Aigerim Sadykova", [("Title", "Education fair", "Education Days fair")]),
        ("created", None, []),
    ]
    assert "Changed by Aigerim Sadykova" in response.content.decode()


def test_the_agreement_page_shows_who_changed_what(client, world):
    officer = UserFactory(first_name="Dilnoza", last_name="Karimova")
    agreement = agreement_create(
        actor=officer,
        title="Memorandum on academic mobility",
        kind="memorandum",
        signed_on=datetime.date(2022, 12, 22),
        parties=[world.uwed, world.kaznu],
    )
    # Agreements are changed in the Django admin, which saves them this way.
    agreement.reference = "MoU-2022-17"
    agreement._history_user = officer
    agreement.save()
    client.force_login(world.stranger)

    response = client.get(reverse("programmes:agreement_detail", args=[agreement.pk]))

    assert history_rows(response) == [
        ("changed", "Dilnoza Karimova", [("Reference number", "—", "MoU-2022-17")]),
        ("created", "Dilnoza Karimova", []),
    ]
    assert "Changed by Dilnoza Karimova" in response.content.decode()


def test_attendance_not_yet_counted_shows_a_dash(client, world, almaty_fair):
    client.force_login(world.kaznu_coordinator)

    page = client.get(reverse("events:detail", args=[almaty_fair.pk])).content.decode()

    assert page.count('<div class="dl-stat-value">—</div>') == 3
    assert "None" not in page


def test_an_all_day_event_is_edited_by_its_first_and_last_day(client, world):
    starts_at, ends_at = all_day_bounds(
        datetime.date(2026, 10, 5), datetime.date(2026, 10, 7), "Asia/Almaty"
    )
    event = EventFactory(
        programme=world.programme,
        host_institution=world.kaznu,
        all_day=True,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    client.force_login(world.kaznu_coordinator)
    data = edit_form_data(client, event)

    client.post(reverse("events:edit", args=[event.pk]), {**data, "end_date": "2026-10-08"})

    stored = Event.objects.get(pk=event.pk)
    assert (data["start_date"], data["end_date"], data["start_time"]) == (
        "2026-10-05",
        "2026-10-07",
        "",
    )
    assert stored.local_ends_at == datetime.datetime(2026, 10, 9, tzinfo=ALMATY)


# ---------- repetition ----------


def weekly_data(host: Institution, **overrides) -> dict:
    """A film club at 18:00 in Almaty, Mondays (5 October 2026 is one) and Thursdays."""
    return new_event_data(
        host,
        **{
            "title": "Film club",
            "repeat": "WEEKLY",
            "repeat_interval": "1",
            "repeat_days": ["MO", "TH"],
            "repeat_end": "count",
            "repeat_count": "4",
            "repeat_until": "",
            "start_time": "18:00",
            "end_time": "20:00",
            **overrides,
        },
    )


def test_a_weekly_event_is_added_with_its_dates(client, world):
    client.force_login(world.kaznu_coordinator)

    client.post(add_url(world.programme), weekly_data(world.kaznu))

    first = Event.objects.get(series=None)
    assert first.recurrence_rule == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4"
    assert [f"{e.local_starts_at:%a %d %H:%M}" for e in Event.objects.order_by("starts_at")] == [
        "Mon 05 18:00",
        "Thu 08 18:00",
        "Mon 12 18:00",
        "Thu 15 18:00",
    ]


def test_the_dates_are_shown_before_anything_is_saved(client, world):
    client.force_login(world.kaznu_coordinator)

    response = client.post(
        add_url(world.programme),
        weekly_data(world.kaznu, repeat_end="until", repeat_until="2026-10-31", preview_dates="1"),
    )

    assert Event.objects.count() == 0
    assert [f"{start:%d %H:%M}" for start in response.context["form"].preview_dates()] == [
        "05 18:00",
        "08 18:00",
        "12 18:00",
        "15 18:00",
        "19 18:00",
        "22 18:00",
        "26 18:00",
        "29 18:00",
    ]
    assert "Thursday, 29 October 2026, 18:00" in response.content.decode()


def test_a_weekly_repetition_must_include_the_starts_weekday(client, world):
    client.force_login(world.kaznu_coordinator)

    response = client.post(
        add_url(world.programme), weekly_data(world.kaznu, repeat_days=["TU", "TH"])
    )

    assert response.context["form"].errors == {
        "repeat_days": ["Include the weekday of the start, Monday: it is the first date."]
    }
    assert Event.objects.count() == 0


def test_a_repetition_with_too_many_dates_is_refused_on_the_form(client, world):
    client.force_login(world.kaznu_coordinator)

    response = client.post(
        add_url(world.programme),
        weekly_data(
            world.kaznu,
            repeat="DAILY",
            repeat_days=[],
            repeat_count="",
            repeat_end="until",
            repeat_until="2029-01-01",
        ),
    )

    assert response.context["form"].errors == {
        "repeat": [
            "This repetition gives more than 500 dates: end it sooner, or make it two events."
        ]
    }
    assert Event.objects.count() == 0


def test_the_first_date_edits_the_repetition_and_one_date_does_not(client, world):
    client.force_login(world.kaznu_coordinator)
    client.post(add_url(world.programme), weekly_data(world.kaznu))
    first = Event.objects.get(series=None)
    second = first.occurrences.order_by("starts_at").first()

    form = client.get(reverse("events:edit", args=[first.pk])).context["form"]
    assert {name: form[name].value() for name in ("repeat", "repeat_days", "repeat_count")} == {
        "repeat": "WEEKLY",
        "repeat_days": ["MO", "TH"],
        "repeat_count": 4,
    }
    client.post(
        reverse("events:edit", args=[first.pk]),
        edit_form_data(client, first, repeat_count="2"),
    )
    assert Event.objects.count() == 2
    assert (
        "repeat" not in client.get(reverse("events:edit", args=[second.pk])).context["form"].fields
    )


def test_dates_left_out_on_the_form_are_left_out_and_shown_again(client, world):
    client.force_login(world.kaznu_coordinator)
    client.post(add_url(world.programme), weekly_data(world.kaznu, repeat_skipped="2026-10-08"))
    first = Event.objects.get(series=None)

    assert [f"{e.local_starts_at:%a %d}" for e in Event.objects.order_by("starts_at")] == [
        "Mon 05",
        "Mon 12",
        "Thu 15",
    ]
    assert first.recurrence_skipped == ["2026-10-08T13:00:00+00:00"]
    form = client.get(reverse("events:edit", args=[first.pk])).context["form"]
    assert form["repeat_skipped"].value() == "2026-10-08"


@pytest.mark.parametrize(
    "typed, error",
    [
        ("2026-10-09", "No date of the repetition falls on 2026-10-09."),
        ("8 October", "“8 October” is not a day (YYYY-MM-DD)."),
    ],
)
def test_a_day_left_out_that_the_repetition_does_not_have_is_refused(client, world, typed, error):
    client.force_login(world.kaznu_coordinator)

    response = client.post(add_url(world.programme), weekly_data(world.kaznu, repeat_skipped=typed))

    assert response.context["form"].errors == {"repeat_skipped": [error]}
    assert Event.objects.count() == 0
