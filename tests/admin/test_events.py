"""Events in the admin: written through the services, and typed and shown on the clock of the
event's place, whatever the site's own time zone."""

import datetime

import pytest

from events.models import Event
from tests.admin import (
    ALMATY,
    BISHKEK,
    UTC,
    admin_url,
    form_data,
    hosted_event,
    post_change,
)
from tests.factories import InstitutionFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

# The site's zone must not matter: one like the events' own, and one far from them.
SITE_ZONES = ["Asia/Tashkent", "UTC"]


@pytest.fixture(params=SITE_ZONES)
def site_zone(request, settings):
    settings.TIME_ZONE = request.param
    return request.param


@pytest.fixture
def philharmonic(kyrgyzstan, abay_programme):
    """A Kyrgyz partner (Bishkek, UTC+6 all year) of the programme."""
    institution = InstitutionFactory(
        name="Toktogul Satylganov Kyrgyz National Philharmonic", country=kyrgyzstan, city="Bishkek"
    )
    PartnershipFactory(programme=abay_programme, institution=institution)
    return institution


def new_event_data(client, **values) -> dict[str, list[str]]:
    data = form_data(client.get(admin_url(Event, "add")), Event)
    data.update({name: [value] for name, value in values.items()})
    return data


def add_event(client, programme, host, *, title="Gala concert", **values):
    data = new_event_data(
        client,
        programme=str(programme.pk),
        title=title,
        kind=Event.Kind.CONCERT,
        host_institution=str(host.pk),
        **values,
    )
    return client.post(admin_url(Event, "add"), data)


def times_on_form(client, event) -> dict[str, list[str]]:
    data = form_data(client.get(admin_url(Event, "change", event.pk)), Event)
    return {name: data[name] for name in ("starts_at_0", "starts_at_1", "ends_at_0", "ends_at_1")}


# --- Written through the services -------------------------------------------------------------


def test_editing_an_event_title_raises_sequence_and_keeps_uid(
    admin_client, admin_user, abay_exhibition
):
    uid, sequence = abay_exhibition.uid, abay_exhibition.sequence

    response = post_change(admin_client, abay_exhibition, title="Abay: Heritage of Two Peoples")

    assert response.status_code == 302
    abay_exhibition.refresh_from_db()
    assert (abay_exhibition.title, abay_exhibition.uid, abay_exhibition.sequence) == (
        "Abay: Heritage of Two Peoples",
        uid,
        sequence + 1,
    )
    assert abay_exhibition.history.first().history_user == admin_user


def test_editing_only_attendance_keeps_sequence_and_times(admin_client, abay_exhibition):
    sequence, starts_at = abay_exhibition.sequence, abay_exhibition.starts_at

    response = post_change(
        admin_client, abay_exhibition, actual_attendance="412", youth_attendance="250"
    )

    assert response.status_code == 302
    abay_exhibition.refresh_from_db()
    assert (
        abay_exhibition.actual_attendance,
        abay_exhibition.youth_attendance,
        abay_exhibition.sequence,
        abay_exhibition.starts_at,
    ) == (412, 250, sequence, starts_at)


def test_event_with_more_youth_than_attendance_is_refused(admin_client, abay_exhibition):
    response = post_change(
        admin_client, abay_exhibition, actual_attendance="100", youth_attendance="250"
    )

    assert response.context["adminform"].form.errors == {
        "__all__": ["Youth attendance cannot exceed the actual attendance."]
    }
    abay_exhibition.refresh_from_db()
    assert abay_exhibition.actual_attendance is None


def test_adding_an_event_hosted_by_a_partner_takes_place_from_the_host(
    admin_client, admin_user, abay_programme, theatre
):
    # In 2022 Almaty was still on UTC+6.
    response = add_event(
        admin_client,
        abay_programme,
        theatre,
        starts_at_0="2022-12-21",
        starts_at_1="14:00:00",
        ends_at_0="2022-12-21",
        ends_at_1="16:00:00",
    )

    assert response.status_code == 302
    event = Event.objects.get(title="Gala concert")
    assert (event.city, event.country, event.time_zone, event.sequence, event.starts_at) == (
        "Almaty",
        theatre.country,
        "Asia/Almaty",
        0,
        datetime.datetime(2022, 12, 21, 8, 0, tzinfo=UTC),
    )
    assert event.history.get().history_user == admin_user


def test_adding_an_event_hosted_by_a_stranger_is_refused_with_a_reason(
    admin_client, abay_programme
):
    stranger = InstitutionFactory(name="Central Asian Film Archive")

    response = add_event(
        admin_client,
        abay_programme,
        stranger,
        title="Short film Tea",
        starts_at_0="2023-05-01",
        starts_at_1="18:00:00",
        ends_at_0="2023-05-01",
        ends_at_1="19:00:00",
    )

    assert response.context["adminform"].form.errors == {
        "host_institution": [
            "Central Asian Film Archive is not a partner of the programme “Days of culture, "
            "2022”. Choose one of its partners as host, or add Central Asian Film Archive to the "
            "programme first."
        ]
    }
    assert Event.objects.filter(title="Short film Tea").exists() is False


def test_event_uid_and_sequence_are_not_editable(admin_client, abay_exhibition):
    data = form_data(admin_client.get(admin_url(Event, "change", abay_exhibition.pk)), Event)

    assert {"uid", "sequence"} & data.keys() == set()


# --- Local time at the event's place ----------------------------------------------------------


@pytest.mark.parametrize(
    ("host_name", "expected_start", "expected_end"),
    [
        ("theatre", datetime.datetime(2026, 5, 14, 9, 0, tzinfo=UTC), (11, 30)),
        ("philharmonic", datetime.datetime(2026, 5, 14, 8, 0, tzinfo=UTC), (10, 30)),
    ],
    ids=["Almaty", "Bishkek"],
)
def test_times_typed_for_an_event_are_its_local_time(
    request, admin_client, site_zone, abay_programme, host_name, expected_start, expected_end
):
    host = request.getfixturevalue(host_name)

    response = add_event(
        admin_client,
        abay_programme,
        host,
        starts_at_0="2026-05-14",
        starts_at_1="14:00",
        ends_at_0="2026-05-14",
        ends_at_1="16:30",
    )

    assert response.status_code == 302
    event = Event.objects.get(title="Gala concert")
    assert (event.starts_at, event.ends_at) == (
        expected_start,
        expected_start.replace(hour=expected_end[0], minute=expected_end[1]),
    )


@pytest.mark.parametrize("zone", [ALMATY, BISHKEK], ids=["Almaty", "Bishkek"])
def test_the_change_form_shows_the_event_local_time(
    admin_client, site_zone, abay_programme, theatre, philharmonic, zone
):
    host = theatre if zone is ALMATY else philharmonic
    event = hosted_event(
        programme=abay_programme,
        host=host,
        title="Gala concert",
        starts_at=datetime.datetime(2026, 5, 14, 14, 0, tzinfo=zone),
    )

    assert times_on_form(admin_client, event) == {
        "starts_at_0": ["2026-05-14"],
        "starts_at_1": ["14:00:00"],
        "ends_at_0": ["2026-05-14"],
        "ends_at_1": ["16:00:00"],
    }


def test_saving_an_event_unchanged_keeps_its_times_and_sequence(
    admin_client, site_zone, abay_programme, philharmonic
):
    event = hosted_event(
        programme=abay_programme,
        host=philharmonic,
        title="Gala concert",
        starts_at=datetime.datetime(2026, 5, 14, 14, 0, tzinfo=BISHKEK),
    )

    response = post_change(admin_client, event)

    assert response.status_code == 302
    stored = Event.objects.get(pk=event.pk)
    assert (stored.starts_at, stored.ends_at, stored.sequence) == (
        event.starts_at,
        event.ends_at,
        event.sequence,
    )


def test_a_new_time_zone_keeps_the_typed_clock(admin_client, abay_programme, theatre):
    event = hosted_event(
        programme=abay_programme,
        host=theatre,
        title="Gala concert",
        starts_at=datetime.datetime(2026, 5, 14, 14, 0, tzinfo=ALMATY),
    )

    response = post_change(admin_client, event, time_zone="Asia/Bishkek")

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.local_starts_at.time(), event.starts_at, event.sequence) == (
        datetime.time(14, 0),
        datetime.datetime(2026, 5, 14, 8, 0, tzinfo=UTC),
        1,
    )


def test_the_times_say_whose_clock_they_are_read_on(admin_client, abay_exhibition):
    form = (
        admin_client.get(admin_url(Event, "change", abay_exhibition.pk)).context["adminform"].form
    )

    assert (form.fields["starts_at"].help_text, form.fields["ends_at"].help_text) == (
        "Local time at the event's place.",
        "Local time at the event's place. For an all-day event, the last day.",
    )


def test_the_times_carry_no_note_to_type_server_time(admin_client, abay_exhibition):
    """The admin's script notes "enter times in the server's time zone" under a time input
    unless a note is already there; an empty one keeps it from misleading here."""
    page = admin_client.get(admin_url(Event, "change", abay_exhibition.pk)).content.decode()

    # One for the start, one for the end.
    assert page.count('<span class="timezonewarning" hidden></span>') == 2


def test_a_timed_event_needs_its_times(admin_client, abay_programme, theatre):
    response = add_event(
        admin_client,
        abay_programme,
        theatre,
        starts_at_0="2026-05-14",
        starts_at_1="",
        ends_at_0="2026-05-14",
        ends_at_1="16:00",
    )

    assert response.context["adminform"].form.errors == {
        "starts_at": ["Enter a time, or tick “all day”."]
    }
    assert Event.objects.filter(title="Gala concert").exists() is False


def test_an_unknown_time_zone_is_refused(admin_client, abay_exhibition):
    response = post_change(admin_client, abay_exhibition, time_zone="Asia/Atlantis")

    assert response.context["adminform"].form.errors == {
        "time_zone": ["Asia/Atlantis is not a known IANA time zone."]
    }


# --- All-day events ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_time", "end_time"), [("", ""), ("10:00", "18:00")], ids=["no times", "times ignored"]
)
def test_an_all_day_event_runs_from_local_midnight_to_midnight_after_its_last_day(
    admin_client, site_zone, abay_programme, theatre, start_time, end_time
):
    response = add_event(
        admin_client,
        abay_programme,
        theatre,
        title="Kazakhstan Education Days",
        all_day="on",
        starts_at_0="2026-05-01",
        starts_at_1=start_time,
        ends_at_0="2026-05-03",
        ends_at_1=end_time,
    )

    assert response.status_code == 302
    event = Event.objects.get(title="Kazakhstan Education Days")
    # Almaty midnight is 19:00 UTC of the day before.
    assert (event.all_day, event.starts_at, event.ends_at) == (
        True,
        datetime.datetime(2026, 4, 30, 19, 0, tzinfo=UTC),
        datetime.datetime(2026, 5, 3, 19, 0, tzinfo=UTC),
    )


def test_an_all_day_event_shows_its_last_day_and_saves_unchanged(
    admin_client, site_zone, abay_programme, theatre
):
    event = hosted_event(
        programme=abay_programme,
        host=theatre,
        title="Kazakhstan Education Days",
        starts_at=datetime.datetime(2026, 5, 1, tzinfo=ALMATY),
        all_day=True,
    )
    Event.objects.filter(pk=event.pk).update(ends_at=datetime.datetime(2026, 5, 4, tzinfo=ALMATY))
    event.refresh_from_db()

    shown = times_on_form(admin_client, event)
    response = post_change(admin_client, event)

    assert shown == {
        "starts_at_0": ["2026-05-01"],
        "starts_at_1": ["00:00:00"],
        "ends_at_0": ["2026-05-03"],
        "ends_at_1": ["00:00:00"],
    }
    assert response.status_code == 302
    stored = Event.objects.get(pk=event.pk)
    assert (stored.starts_at, stored.ends_at, stored.sequence) == (
        event.starts_at,
        event.ends_at,
        event.sequence,
    )


def test_an_all_day_event_cannot_end_before_its_first_day(admin_client, abay_programme, theatre):
    response = add_event(
        admin_client,
        abay_programme,
        theatre,
        all_day="on",
        starts_at_0="2026-05-03",
        ends_at_0="2026-05-01",
    )

    assert response.context["adminform"].form.errors == {
        "__all__": ["An event must end after it starts."]
    }
