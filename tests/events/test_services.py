import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from events.models import Event, Venue, all_day_bounds
from events.selectors import event_local_days
from events.services import event_bulk_create, event_create, event_update, venue_create
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    VenueFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

TASHKENT = datetime.timezone(datetime.timedelta(hours=5))
STARTS_AT = datetime.datetime(2026, 10, 5, 10, 0, tzinfo=TASHKENT)
ENDS_AT = datetime.datetime(2026, 10, 5, 18, 0, tzinfo=TASHKENT)


@pytest.fixture
def uz_university():
    return InstitutionFactory(
        name="University of World Economy and Diplomacy",
        country=CountryFactory(code="UZ"),
        city="Tashkent",
    )


@pytest.fixture
def kz_university():
    return InstitutionFactory(
        name="Al-Farabi Kazakh National University",
        country=CountryFactory(code="KZ"),
        city="Almaty",
    )


@pytest.fixture
def programme(uz_university, kz_university):
    return joint_programme(uz=uz_university, kz=kz_university)


@pytest.fixture
def actor(uz_university):
    """A coordinator of the lead."""
    return MembershipFactory(user__username="uz.coordinator", institution=uz_university).user


def create_fair(**overrides):
    arguments = {
        "title": "Education Days of Kazakhstan",
        "kind": Event.Kind.FAIR,
        "starts_at": STARTS_AT,
        "ends_at": ENDS_AT,
        **overrides,
    }
    return event_create(**arguments)


# venue_create


def test_venue_create_saves_every_field(uz_university):
    venue = venue_create(
        name="Great Hall",
        city="Tashkent",
        country=uz_university.country,
        institution=uz_university,
        address="54 Mustaqillik Avenue",
    )

    stored = Venue.objects.get(pk=venue.pk)
    assert (stored.name, stored.city, stored.country, stored.institution, stored.address) == (
        "Great Hall",
        "Tashkent",
        uz_university.country,
        uz_university,
        "54 Mustaqillik Avenue",
    )


def test_venue_create_refuses_a_second_venue_of_the_same_name_in_a_city():
    uzbekistan = CountryFactory(code="UZ")
    venue_create(name="Great Hall", city="Tashkent", country=uzbekistan)

    with pytest.raises(ValidationError) as refused:
        venue_create(name="Great Hall", city="Tashkent", country=uzbekistan)

    assert refused.value.message_dict == {
        "__all__": ["A venue of that name already exists in this city."]
    }
    venue_create(name="Great Hall", city="Samarkand", country=uzbekistan)
    assert sorted(Venue.objects.values_list("city", flat=True)) == ["Samarkand", "Tashkent"]


# event_create


def test_event_create_takes_the_place_from_the_venue(programme, uz_university, actor):
    venue = VenueFactory(
        name="Palace of the Republic", city="Almaty", country=CountryFactory(code="KZ")
    )

    event = create_fair(
        actor=actor, programme=programme, host_institution=uz_university, venue=venue
    )

    event.refresh_from_db()
    assert (event.venue, event.city, event.country.code, event.time_zone) == (
        venue,
        "Almaty",
        "KZ",
        "Asia/Almaty",
    )


def test_event_create_takes_the_place_from_the_host_without_a_venue(programme, kz_university):
    event = create_fair(actor=None, programme=programme, host_institution=kz_university)

    event.refresh_from_db()
    assert (event.venue, event.city, event.country, event.time_zone) == (
        None,
        "Almaty",
        kz_university.country,
        "Asia/Almaty",
    )


def test_event_create_keeps_a_place_given_explicitly(programme, uz_university):
    event = create_fair(
        actor=None,
        programme=programme,
        host_institution=uz_university,
        city="Samarkand",
        time_zone="Asia/Samarkand",
    )

    event.refresh_from_db()
    assert (event.city, event.country, event.time_zone) == (
        "Samarkand",
        uz_university.country,
        "Asia/Samarkand",
    )


def test_event_create_starts_a_calendar_history(programme, uz_university, actor):
    event = create_fair(actor=actor, programme=programme, host_institution=uz_university)

    event.refresh_from_db()
    assert event.sequence == 0
    # A random UUID under the site's domain: unique across every calendar that imports it.
    assert event.uid == f"{uuid.UUID(event.uid.removesuffix('@dostlik'))}@dostlik"
    record = event.history.get()
    assert (record.history_type, record.history_user) == ("+", actor)


def test_event_create_keeps_a_given_uid(programme, uz_university):
    event = create_fair(
        actor=None, programme=programme, host_institution=uz_university, uid="fair-2026@dostlik"
    )

    assert Event.objects.values_list("uid", flat=True).get(pk=event.pk) == "fair-2026@dostlik"


def test_event_create_refuses_a_host_that_is_not_a_partner(programme):
    outsider = InstitutionFactory(country=CountryFactory(code="KG"))

    with pytest.raises(ValidationError) as refused:
        create_fair(actor=None, programme=programme, host_institution=outsider)

    assert refused.value.message_dict == {
        "host_institution": [
            f"{outsider} is not a partner of the programme “{programme}”. Choose one of its "
            f"partners as host, or add {outsider} to the programme first."
        ]
    }
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    "ends_at", [STARTS_AT, STARTS_AT - datetime.timedelta(hours=1)], ids=["same", "before"]
)
def test_event_create_refuses_an_end_not_after_the_start(ends_at, programme, uz_university):
    # A ValidationError, which a form shows, not the database's IntegrityError.
    with pytest.raises(ValidationError) as refused:
        create_fair(
            actor=None, programme=programme, host_institution=uz_university, ends_at=ends_at
        )

    assert refused.value.message_dict == {"__all__": ["An event must end after it starts."]}
    assert Event.objects.count() == 0


def test_event_create_refuses_youth_above_actual_attendance(programme, uz_university):
    with pytest.raises(ValidationError) as refused:
        create_fair(
            actor=None,
            programme=programme,
            host_institution=uz_university,
            actual_attendance=100,
            youth_attendance=101,
        )

    assert refused.value.message_dict == {
        "__all__": ["Youth attendance cannot exceed the actual attendance."]
    }
    assert Event.objects.count() == 0


# event_update


@pytest.fixture
def event(programme, uz_university):
    return create_fair(actor=None, programme=programme, host_institution=uz_university)


CALENDAR_CHANGES = {
    "title": lambda event: "Education Days, second edition",
    "description": lambda event: "Forty universities.",
    "kind": lambda event: Event.Kind.CONFERENCE,
    "starts_at": lambda event: event.starts_at - datetime.timedelta(hours=1),
    "ends_at": lambda event: event.ends_at + datetime.timedelta(hours=1),
    "status": lambda event: Event.Status.CONFIRMED,
    "visibility": lambda event: Event.Visibility.PUBLIC,
    "city": lambda event: "Samarkand",
    "time_zone": lambda event: "Asia/Samarkand",
    "venue": lambda event: VenueFactory(country=event.country),
}


@pytest.mark.parametrize("field", CALENDAR_CHANGES)
def test_event_update_raises_the_sequence_when_a_calendar_would_show_it(field, event):
    uid = event.uid
    new_value = CALENDAR_CHANGES[field](event)

    event_update(event=event, actor=None, **{field: new_value})

    event.refresh_from_db()
    assert (getattr(event, field), event.sequence, event.uid) == (new_value, 1, uid)


def test_event_update_makes_an_all_day_event_from_midnight_to_midnight(event):
    starts_at, ends_at = all_day_bounds(
        datetime.date(2026, 4, 12), datetime.date(2026, 4, 13), "Asia/Tashkent"
    )

    event_update(event=event, actor=None, all_day=True, starts_at=starts_at, ends_at=ends_at)

    event.refresh_from_db()
    assert (event.all_day, event.local_starts_at.isoformat(), event.sequence) == (
        True,
        "2026-04-12T00:00:00+05:00",
        1,
    )
    assert event.local_ends_at.isoformat() == "2026-04-14T00:00:00+05:00"


def test_an_all_day_event_whose_midnight_clocks_skip_can_be_edited_again(event):
    """In Beirut clocks go from 00:00 to 01:00 on 28 March 2027: the day begins at 01:00, and
    an all-day event of the 27th ends then. Read back from the database (in UTC), it is still
    from midnight to midnight, and other edits are taken."""
    starts_at, ends_at = all_day_bounds(
        datetime.date(2027, 3, 27), datetime.date(2027, 3, 27), "Asia/Beirut"
    )
    event_update(
        event=event,
        actor=None,
        all_day=True,
        time_zone="Asia/Beirut",
        starts_at=starts_at,
        ends_at=ends_at,
    )

    stored = Event.objects.get(pk=event.pk)
    event_update(event=stored, actor=None, title="Education Days in Beirut")

    stored.refresh_from_db()
    assert (stored.title, stored.local_ends_at.isoformat(), event_local_days(stored)) == (
        "Education Days in Beirut",
        "2027-03-28T01:00:00+03:00",
        (datetime.date(2027, 3, 27), datetime.date(2027, 3, 27)),
    )


def test_event_update_refuses_an_all_day_event_with_times_of_day(event):
    with pytest.raises(ValidationError) as refused:
        event_update(event=event, actor=None, all_day=True)

    assert refused.value.message_dict == {
        "starts_at": ["An all-day event runs from midnight to midnight, local time."],
        "ends_at": ["An all-day event runs from midnight to midnight, local time."],
    }
    event.refresh_from_db()
    assert (event.all_day, event.sequence) == (False, 0)


def test_event_update_does_not_revert_what_another_edit_changed(event):
    stale_copy = Event.objects.get(pk=event.pk)
    event_update(event=event, actor=None, title="Renamed by the first editor")

    event_update(event=stale_copy, actor=None, status=Event.Status.CONFIRMED)

    event.refresh_from_db()
    assert (event.title, event.status, event.sequence) == (
        "Renamed by the first editor",
        Event.Status.CONFIRMED,
        2,
    )


def test_event_update_raises_the_sequence_by_one_per_change(event):
    event_update(event=event, actor=None, title="First change")
    event_update(event=event, actor=None, title="Second change", status=Event.Status.CONFIRMED)

    event.refresh_from_db()
    assert (event.title, event.status, event.sequence) == (
        "Second change",
        Event.Status.CONFIRMED,
        2,
    )


def test_event_update_keeps_the_sequence_for_attendance_only(event):
    event_update(
        event=event,
        actor=None,
        expected_attendance=500,
        actual_attendance=640,
        youth_attendance=410,
    )

    event.refresh_from_db()
    assert (
        event.expected_attendance,
        event.actual_attendance,
        event.youth_attendance,
        event.sequence,
    ) == (500, 640, 410, 0)


def test_event_update_of_attendance_and_title_raises_the_sequence_once(event):
    event_update(event=event, actor=None, actual_attendance=640, title="Education Days 2026")

    event.refresh_from_db()
    assert (event.actual_attendance, event.title, event.sequence) == (
        640,
        "Education Days 2026",
        1,
    )


def test_event_update_without_a_change_writes_nothing(event):
    event_update(event=event, actor=None, title=event.title, starts_at=event.starts_at)

    event.refresh_from_db()
    assert event.sequence == 0
    assert event.history.count() == 1


def test_event_update_writes_history_by_the_actor(event, actor):
    event_update(event=event, actor=actor, title="Education Days 2026")

    assert list(event.history.values_list("history_type", "history_user", "title")) == [
        ("~", actor.pk, "Education Days 2026"),
        ("+", None, "Education Days of Kazakhstan"),
    ]


@pytest.mark.parametrize("field", ["uid", "sequence"])
def test_event_update_refuses_to_change_the_calendar_identity(field, event):
    uid = event.uid

    with pytest.raises(TypeError) as refused:
        event_update(event=event, actor=None, **{field: {"uid": "x@dostlik", "sequence": 9}[field]})

    assert str(refused.value) == f"event_update cannot change ['{field}']"
    event.refresh_from_db()
    assert (event.uid, event.sequence) == (uid, 0)


def test_event_update_refuses_an_end_before_the_start(event):
    ends_at = event.ends_at

    with pytest.raises(ValidationError) as refused:
        event_update(event=event, actor=None, ends_at=event.starts_at - datetime.timedelta(hours=1))

    assert refused.value.message_dict == {"__all__": ["An event must end after it starts."]}
    event.refresh_from_db()
    assert (event.ends_at, event.sequence) == (ends_at, 0)


def test_a_partners_coordinator_hosts_only_at_their_own_institution(
    programme, uz_university, kz_university
):
    partner = MembershipFactory(institution=kz_university).user
    theirs = create_fair(actor=None, programme=programme, host_institution=kz_university)

    with pytest.raises(ValidationError) as created:
        create_fair(actor=partner, programme=programme, host_institution=uz_university)
    with pytest.raises(ValidationError) as moved:
        event_update(event=theirs, actor=partner, host_institution=uz_university)

    refusal = {
        "host_institution": [
            f"You may name {uz_university} as host only if you coordinate it or the "
            "programme's lead."
        ]
    }
    assert (created.value.message_dict, moved.value.message_dict) == (refusal, refusal)
    theirs.refresh_from_db()
    assert (Event.objects.count(), theirs.host_institution) == (1, kz_university)


def test_event_update_refuses_a_host_that_is_not_a_partner(event):
    outsider = InstitutionFactory(country=CountryFactory(code="KG"))
    host = event.host_institution

    with pytest.raises(ValidationError) as refused:
        event_update(event=event, actor=None, host_institution=outsider)

    assert refused.value.message_dict == {
        "host_institution": [
            f"{outsider} is not a partner of the programme “{event.programme}”. Choose one of "
            f"its partners as host, or add {outsider} to the programme first."
        ]
    }
    event.refresh_from_db()
    assert (event.host_institution, event.sequence) == (host, 0)


def test_event_update_accepts_another_partner_as_host(event, kz_university):
    event_update(event=event, actor=None, host_institution=kz_university)

    event.refresh_from_db()
    assert (event.host_institution, event.sequence) == (kz_university, 1)


def test_event_update_never_lowers_the_sequence_from_a_stale_copy(event):
    """Two people edit the same event; calendars ignore a SEQUENCE that goes down."""
    stale_copy = Event.objects.get(pk=event.pk)
    event_update(event=event, actor=None, title="Education Days 2026")

    event_update(event=stale_copy, actor=None, status=Event.Status.CONFIRMED)

    event.refresh_from_db()
    assert (event.status, event.sequence) == (Event.Status.CONFIRMED, 2)


# event_bulk_create


def test_event_bulk_create_inserts_every_row(programme, kz_university):
    events = [
        Event(
            programme=programme,
            title=f"Film screening {number}",
            kind=Event.Kind.FILM_SCREENING,
            host_institution=kz_university,
            city="Almaty",
            country=kz_university.country,
            time_zone="Asia/Almaty",
            starts_at=STARTS_AT + datetime.timedelta(days=number),
            ends_at=ENDS_AT + datetime.timedelta(days=number),
        )
        for number in range(25)
    ]

    created = event_bulk_create(events=events, batch_size=10)

    assert created == 25
    assert Event.objects.filter(programme=programme).count() == 25
    assert len(set(Event.objects.values_list("uid", flat=True))) == 25


def test_event_bulk_create_of_nothing():
    assert event_bulk_create(events=[]) == 0
    assert Event.objects.count() == 0


def test_event_factory_and_services_agree_on_the_host_rule():
    """The factory's events are valid input for the services."""
    event = EventFactory()

    event_update(event=event, actor=None, title="Renamed")

    event.refresh_from_db()
    assert (event.title, event.sequence) == ("Renamed", 1)
