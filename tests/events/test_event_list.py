"""The event list starts with what is coming: today onwards, earliest first; the past on request,
latest first; a link that names a filter gets what it names, at any time."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.selectors import start_of_today
from programmes.models import Programme
from tests.factories import EventFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(days: int, hours: int = 10) -> datetime.datetime:
    return start_of_today() + datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def events():
    programme = ProgrammeFactory(status=Programme.Status.ACTIVE)
    made = {}
    for title, starts, ends in [
        ("Opening in 2017", _at(-3000), _at(-3000, 12)),
        ("Concert last week", _at(-7), _at(-7, 12)),
        ("Reading yesterday", _at(-1), _at(-1, 12)),
        # Opened last month, closes next month: under way, so coming up.
        ("Exhibition running", _at(-30), _at(30)),
        ("Fair this morning", _at(0, 1), _at(0, 2)),
        ("Screening tomorrow", _at(1), _at(1, 12)),
        ("Festival next year", _at(365), _at(366)),
    ]:
        made[title] = EventFactory(programme=programme, title=title, starts_at=starts, ends_at=ends)
    return made


@pytest.fixture
def reader(client):
    client.force_login(UserFactory())
    return client


def titles(response) -> list[str]:
    return [event.title for event in response.context["page_obj"]]


def test_the_list_starts_with_what_is_coming_earliest_first(reader, events):
    response = reader.get(reverse("events:list"))

    assert titles(response) == [
        "Exhibition running",
        "Fair this morning",
        "Screening tomorrow",
        "Festival next year",
    ]
    assert response.context["filter"].form["when"].value() == "upcoming"


def test_past_events_come_on_request_latest_first(reader, events):
    response = reader.get(reverse("events:list"), {"when": "past"})

    assert titles(response) == ["Reading yesterday", "Concert last week", "Opening in 2017"]


def test_any_time_lists_every_event_earliest_first(reader, events):
    assert titles(reader.get(reverse("events:list"), {"when": ""})) == [
        "Opening in 2017",
        "Exhibition running",
        "Concert last week",
        "Reading yesterday",
        "Fair this morning",
        "Screening tomorrow",
        "Festival next year",
    ]


def test_the_toggle_keeps_the_other_filters_and_marks_where_it_stands(reader, events):
    response = reader.get(reverse("events:list"), {"when": "past", "kind": "exhibition"})

    content = response.content.decode()
    assert 'href="?when=upcoming&amp;kind=exhibition"><i class="bi bi-calendar-event"' in content
    assert 'class="nav-link active" aria-current="page" href="?when=past&amp;kind=exhibition"' in (
        content
    )


def test_a_link_naming_a_filter_gets_every_date(reader, events):
    """A programme's "All 28 events", or the dates of a figure: what the link names, past
    included."""
    programme = events["Opening in 2017"].programme

    everything = titles(reader.get(reverse("events:list"), {"programme": programme.pk}))
    last_week = titles(
        reader.get(
            reverse("events:list"),
            {"from": (timezone.localdate() - datetime.timedelta(days=7)).isoformat(), "to": ""},
        )
    )

    assert len(everything) == 7
    assert last_week == [
        "Concert last week",
        "Reading yesterday",
        "Fair this morning",
        "Screening tomorrow",
        "Festival next year",
    ]


def test_filters_apply_within_the_past_too(reader, events):
    response = reader.get(reverse("events:list"), {"when": "past", "q": "concert"})

    assert titles(response) == ["Concert last week"]


def test_an_unknown_when_is_reported_not_a_server_error(reader, events):
    response = reader.get(reverse("events:list"), {"when": "yesteryear"})

    assert (response.status_code, titles(response)) == (200, [])
    assert list(response.context["filter"].form.errors) == ["when"]


def test_the_calendar_export_is_not_narrowed_to_what_is_coming(reader, events):
    response = reader.get(reverse("calendars:export"))

    body = b"".join(response.streaming_content if response.streaming else [response.content])
    assert body.count(b"BEGIN:VEVENT") == 7
