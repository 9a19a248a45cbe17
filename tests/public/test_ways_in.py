"""The public portal is reached from the sign-in page and from the desk's page of a public event;
and it tells the public where a programme stands by its dates."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from programmes.models import Programme
from tests.factories import (
    CountryFactory,
    EventFactory,
    InstitutionFactory,
    UserFactory,
    joint_programme,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status


def programme(status: str, *, starts_in: int, ends_in: int) -> Programme:
    today = timezone.localdate()
    return joint_programme(
        uz=InstitutionFactory(country=CountryFactory(code="UZ")),
        kz=InstitutionFactory(country=CountryFactory(code="KZ")),
        status=status,
        starts_on=today + datetime.timedelta(days=starts_in),
        ends_on=today + datetime.timedelta(days=ends_in),
    )


def test_the_sign_in_page_links_to_the_public_portal(client):
    content = client.get(reverse("accounts:login")).content.decode()

    assert (
        f'<a href="{reverse("public:home")}"><i class="bi bi-globe2 me-1" aria-hidden="true"></i>'
        "The public portal: programmes and events open to everyone</a>"
    ) in content


@pytest.mark.parametrize(
    ("status", "visibility", "linked"),
    [
        (Status.ACTIVE, Event.Visibility.PUBLIC, True),
        (Status.COMPLETED, Event.Visibility.PUBLIC, True),
        (Status.ACTIVE, Event.Visibility.INTERNAL, False),
        (Status.SUBMITTED, Event.Visibility.PUBLIC, False),
        (Status.CANCELLED, Event.Visibility.PUBLIC, False),
    ],
)
def test_an_event_links_to_its_public_page_when_the_public_sees_it(
    client, status, visibility, linked
):
    event = EventFactory(
        programme=programme(status, starts_in=-10, ends_in=100), visibility=visibility
    )
    link = render_to_string("events/includes/public_link.html", {"event": event})

    public_page = client.get(reverse("public:event", args=[event.pk]))
    assert (public_page.status_code == 200) is linked
    if linked:
        assert f'href="{reverse("public:event", args=[event.pk])}"' in link
    else:
        assert link.strip() == ""


@pytest.mark.parametrize(
    ("status", "starts_in", "ends_in", "phase"),
    [
        (Status.APPROVED, 7, 300, "Coming up"),
        # Approved, started last week, not yet marked active by its coordinators.
        (Status.APPROVED, -7, 300, "Under way"),
        (Status.ACTIVE, -7, 300, "Under way"),
        (Status.ACTIVE, -300, -1, "Ended"),
        (Status.COMPLETED, -300, -1, "Completed"),
    ],
)
def test_the_public_reads_where_a_programme_stands_by_its_dates(
    client, status, starts_in, ends_in, phase
):
    shown = programme(status, starts_in=starts_in, ends_in=ends_in)

    content = client.get(reverse("public:programme", args=[shown.pk])).content.decode()

    badges = [
        label
        for label in ("Coming up", "Under way", "Ended", "Completed")
        if 'class="dl-status dl-status-' in content and f">{label}</span>" in content
    ]
    assert badges == [phase]


def test_the_event_page_of_the_desk_links_to_the_public_page(client):
    public = EventFactory(programme=programme(Status.ACTIVE, starts_in=-10, ends_in=100))
    public.visibility = Event.Visibility.PUBLIC
    public.save(update_fields=["visibility"])
    internal = EventFactory(programme=public.programme, visibility=Event.Visibility.INTERNAL)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    links = [
        client.get(reverse("events:detail", args=[event.pk]))
        .content.decode()
        .count(f'href="{reverse("public:event", args=[event.pk])}" data-public-link')
        for event in (public, internal)
    ]

    assert links == [1, 0]
