"""The addresses the calendar had under the events' and programmes' paths, before every one of
its addresses moved under /calendar/: a permanent redirect to the new address, query string
included, so a bookmark or a saved "Add to calendar" link still ends where it did. Who gets what
at each (sign-in first, the same for everyone) is the permission matrix's."""

import pytest
from django.urls import reverse

from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "name", "record"),
    [
        ("/events/{event}/calendar.ics", "calendars:event_ics", "event"),
        ("/programmes/{programme}/calendar.ics", "calendars:programme_ics", "programme"),
        ("/programmes/{programme}/import/", "calendars:import", "programme"),
    ],
)
def test_an_old_address_leads_to_the_new_one(client, old, name, record):
    lead = InstitutionFactory(country=CountryFactory(code="UZ"))
    kz_partner = InstitutionFactory(country=CountryFactory(code="KZ"))
    programme = joint_programme(uz=lead, kz=kz_partner, status=Programme.Status.ACTIVE)
    event = EventFactory(programme=programme, host_institution=lead)
    client.force_login(MembershipFactory(institution=lead).user)

    moved = client.get(old.format(event=event.pk, programme=programme.pk) + "?from=2027-01-01")
    new = reverse(name, args=[{"event": event, "programme": programme}[record].pk])

    assert (moved.status_code, moved["Location"]) == (301, f"{new}?from=2027-01-01")
    assert client.get(moved["Location"]).status_code == 200
