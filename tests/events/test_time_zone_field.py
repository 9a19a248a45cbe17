"""The event form's time zone: real places only, Central Asia first, the host's zone chosen
for a new event, an old zone kept on edit, and a warning when the zone is not the country's."""

import datetime
import zoneinfo
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse

from events.forms import EventForm
from events.models import Event
from events.warnings import warnings_digest
from programmes.models import Programme
from tests.events.test_workspace import World, add_url, edit_form_data, new_event_data
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    VenueFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

CENTRAL_ASIA = [
    "Asia/Tashkent",
    "Asia/Samarkand",
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Atyrau",
    "Asia/Oral",
    "Asia/Qyzylorda",
    "Asia/Bishkek",
    "Asia/Dushanbe",
    "Asia/Ashgabat",
]
# Names of the zone database that are no place: links kept for old software, zones named after
# rules, this computer's clock.
NOT_PLACES = {
    "localtime",
    "Factory",
    "W-SU",
    "CST6CDT",
    "UTC",
    "Etc/GMT+5",
    "Asia/Calcutta",
    "US/Eastern",
}
BERLIN_IN_UZBEKISTAN = (
    "The time zone Europe/Berlin is not one of the zones of Uzbekistan (Asia/Samarkand, "
    "Asia/Tashkent): check that the times are those of the place's clock."
)


@pytest.fixture
def world() -> World:
    """A submitted programme of a Tashkent and an Almaty university, a coordinator of each."""
    uz, kz = CountryFactory(code="UZ"), CountryFactory(code="KZ")
    uwed = InstitutionFactory(name="University of World Economy and Diplomacy", country=uz)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country=kz)
    return World(
        uwed=uwed,
        kaznu=kaznu,
        programme=joint_programme(uz=uwed, kz=kaznu, status=Programme.Status.SUBMITTED),
        lead_coordinator=MembershipFactory(institution=uwed).user,
        kaznu_coordinator=MembershipFactory(institution=kaznu).user,
        stranger=MembershipFactory(institution=InstitutionFactory(country=uz)).user,
    )


def offered(form: EventForm) -> list[str]:
    """The zones the select offers, in its order, groups flattened."""
    names = []
    for value, label in form.fields["time_zone"].choices:
        if isinstance(label, list | tuple):
            names += [name for name, _label in label]
        else:
            names.append(value)
    return names


def test_the_list_starts_with_the_central_asian_zones_in_their_own_group(world):
    form = EventForm(user=world.lead_coordinator, programme=world.programme)

    choices = form.fields["time_zone"].choices
    assert choices[0] == ("", "The place's time zone")
    group, zones = choices[1]
    assert (group, [name for name, _label in zones]) == ("Central Asia", CENTRAL_ASIA)
    assert offered(form)[1:13] == CENTRAL_ASIA


def test_labels_name_the_place_and_its_offset(world):
    form = EventForm(user=world.lead_coordinator, programme=world.programme)

    labels = dict(form.fields["time_zone"].choices[1][1])
    assert labels["Asia/Tashkent"] == "Tashkent (UTC+05:00)"
    assert labels["Asia/Bishkek"] == "Bishkek (UTC+06:00)"
    areas = [str(group) for group, _zones in form.fields["time_zone"].choices[2:]]
    assert areas == [
        "Africa",
        "Americas",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic Ocean",
        "Australia",
        "Europe",
        "Indian Ocean",
        "Pacific Ocean",
    ]


def test_only_places_are_offered_each_once(world):
    names = offered(EventForm(user=world.lead_coordinator, programme=world.programme))

    assert NOT_PLACES & set(names) == set()
    assert len(names) == len(set(names))
    assert [name for name in names[1:] if "/" not in name] == []
    assert {"Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"} <= set(names)


@pytest.mark.parametrize("zone", ["localtime", "W-SU", "CST6CDT", "Factory"])
def test_a_zone_not_offered_is_refused_and_nothing_is_saved(client, world, zone):
    client.force_login(world.lead_coordinator)

    response = client.post(add_url(world.programme), new_event_data(world.uwed, time_zone=zone))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time_zone": ["Choose the time zone of a place from the list."]
    }
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("coordinator", "zone"),
    [("lead_coordinator", "Asia/Tashkent"), ("kaznu_coordinator", "Asia/Almaty")],
)
def test_the_hosts_zone_is_chosen_for_a_new_event(client, world, coordinator, zone):
    client.force_login(getattr(world, coordinator))

    response = client.get(add_url(world.programme))

    assert response.context["form"]["time_zone"].value() == zone
    assert f'<option value="{zone}" selected>' in response.content.decode()


def test_a_stored_zone_that_is_no_place_is_kept_on_edit(client, world):
    """An event saved with an old name (here ``W-SU``, Moscow's clock) before only places were
    offered: its edit offers that name, keeps it and the stored times, and warns that it is not
    Uzbekistan's."""
    event = EventFactory(
        programme=world.programme,
        host_institution=world.uwed,
        time_zone="W-SU",
        starts_at=datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 10, 5, 11, tzinfo=datetime.UTC),
    )
    client.force_login(world.lead_coordinator)

    shown = client.get(reverse("events:edit", args=[event.pk])).context["form"]
    assert shown["time_zone"].value() == "W-SU"
    assert offered(shown)[:3] == ["", "W-SU", "Asia/Tashkent"]
    assert shown.fields["time_zone"].choices[1] == ("W-SU", "W-SU (as saved)")

    form = EventForm(
        QueryDict(urlencode(edit_form_data(client, event, title="Renamed"), doseq=True)),
        user=world.lead_coordinator,
        programme=world.programme,
        event=event,
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["time_zone"], form.cleaned_data["starts_at"]) == (
        "W-SU",
        datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC),
    )
    assert [warning.message for warning in form.warnings()] == [
        "The time zone W-SU is not one of the zones of Uzbekistan (Asia/Samarkand, "
        "Asia/Tashkent): check that the times are those of the place's clock."
    ]


def test_a_zone_that_is_not_the_venues_countrys_is_a_warning_not_a_refusal(client, world):
    """A Tashkent venue with Berlin's clock: shown, and saved once acknowledged."""
    venue = VenueFactory(name="Palace of Forums", country=world.uwed.country)
    client.force_login(world.lead_coordinator)
    typed = new_event_data(world.uwed, venue=venue.pk, time_zone="Europe/Berlin")

    response = client.post(add_url(world.programme), typed)

    assert response.status_code == 200
    warnings = response.context["acknowledgement"].warnings
    assert [(warning.kind, warning.message) for warning in warnings] == [
        ("time_zone", BERLIN_IN_UZBEKISTAN)
    ]
    assert BERLIN_IN_UZBEKISTAN.replace("'", "&#x27;") in response.content.decode()
    assert Event.objects.count() == 0

    response = client.post(
        add_url(world.programme),
        {**typed, "acknowledge": "on", "warnings_digest": warnings_digest(warnings)},
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.time_zone, event.starts_at) == (
        "Europe/Berlin",
        datetime.datetime(2026, 10, 5, 14, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
    )


@pytest.mark.parametrize("zone", ["", "Asia/Tashkent", "Asia/Samarkand"])
def test_a_zone_of_the_country_brings_no_warning(world, zone):
    form = EventForm(
        new_event_data(world.uwed, time_zone=zone),
        user=world.lead_coordinator,
        programme=world.programme,
    )

    assert form.is_valid(), form.errors
    assert form.warnings() == []
