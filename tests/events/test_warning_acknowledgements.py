"""Who saved an event despite which warning, and when: recorded once, shown on the event's page,
and never asked about again by an edit that brings no new warning (a changed audience, title or
description); a change that brings another warning asks about that one."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, WarningAcknowledgement
from events.warnings import EventWarning
from tests.events import test_warnings
from tests.events.test_warnings import (
    OCTOBER_5,
    REPUBLIC_DAY,
    acknowledged,
    add_url,
    almaty_event,
    at,
    clash,
    edit_form_data,
    messages_of,
    new_event_data,
    shown_warnings,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The programme, venue and people of the warnings' tests.
world = test_warnings.world


def acknowledgement_rows(event: Event) -> list[tuple]:
    return list(
        WarningAcknowledgement.objects.filter(event=event)
        .order_by("pk")
        .values_list("kind", "key", "message", "acknowledged_by")
    )


@pytest.fixture
def lecture_acknowledged(client, world):
    """The lecture added at the Palace of the Republic while the Dombra concert is on there,
    the clash acknowledged by the Almaty coordinator."""
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)
    client.post(
        add_url(world.programme),
        {**new_event_data(world, expected_attendance="120"), **acknowledged([clash(concert)])},
    )
    return Event.objects.get(title="Lecture on Abai"), concert


def test_saving_despite_a_clash_records_who_acknowledged_which_warning_and_when(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)
    before = timezone.now()

    client.post(
        add_url(world.programme), {**new_event_data(world), **acknowledged([clash(concert)])}
    )

    lecture = Event.objects.get(title="Lecture on Abai")
    (row,) = WarningAcknowledgement.objects.filter(event=lecture)
    assert acknowledgement_rows(lecture) == [
        (
            "overlap",
            str(concert.pk),
            "“Dombra concert” is at the same venue at the same time.",
            world.kaznu_coordinator.pk,
        )
    ]
    assert before <= row.acknowledged_at <= timezone.now()


def test_an_audience_edit_after_an_acknowledged_clash_saves_without_asking(
    client, world, lecture_acknowledged
):
    lecture, _concert = lecture_acknowledged

    response = client.post(
        reverse("events:edit", args=[lecture.pk]),
        edit_form_data(client, lecture, expected_attendance="300"),
    )

    stored = Event.objects.get(pk=lecture.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[lecture.pk])
    assert (stored.expected_attendance, stored.version) == (300, 2)
    assert messages_of(response) == ["The event “Lecture on Abai” was saved."]
    assert len(acknowledgement_rows(lecture)) == 1


def test_a_title_and_description_edit_after_an_acknowledged_clash_saves_without_asking(
    client, world, lecture_acknowledged
):
    lecture, _concert = lecture_acknowledged

    response = client.post(
        reverse("events:edit", args=[lecture.pk]),
        edit_form_data(
            client, lecture, title="Lecture on Abai Qunanbayuly", description="With readings."
        ),
    )

    stored = Event.objects.get(pk=lecture.pk)
    assert response.status_code == 302
    assert (stored.title, stored.description) == ("Lecture on Abai Qunanbayuly", "With readings.")


def test_another_clash_asks_about_that_one_only(client, world, lecture_acknowledged):
    lecture, concert = lecture_acknowledged
    recital = almaty_event(world, OCTOBER_5, 16, 17, title="Kobyz recital")
    url = reverse("events:edit", args=[lecture.pk])
    data = edit_form_data(client, lecture, expected_attendance="300")

    asked = client.post(url, data)
    saved = client.post(url, {**data, **acknowledged([clash(recital)])})

    assert (asked.status_code, shown_warnings(asked)) == (200, [clash(recital)])
    assert Event.objects.get(pk=lecture.pk).expected_attendance == 300
    assert saved.status_code == 302
    assert [key for _kind, key, _text, _by in acknowledgement_rows(lecture)] == [
        str(concert.pk),
        str(recital.pk),
    ]


def test_a_new_date_on_a_holiday_asks_again(client, world, lecture_acknowledged):
    lecture, _concert = lecture_acknowledged

    response = client.post(
        reverse("events:edit", args=[lecture.pk]),
        edit_form_data(client, lecture, start_date="2026-10-25", end_date="2026-10-25"),
    )

    assert response.status_code == 200
    assert shown_warnings(response) == [REPUBLIC_DAY]
    assert Event.objects.get(pk=lecture.pk).starts_at == at(OCTOBER_5, 15)


def test_an_event_outside_its_programmes_dates_is_warned_of(client, world):
    """An event in 2031 of a programme of 2027 and 2028 was accepted silently."""
    world.programme.starts_on = datetime.date(2027, 1, 1)
    world.programme.ends_on = datetime.date(2028, 12, 31)
    world.programme.save(update_fields=["starts_on", "ends_on"])
    client.force_login(world.kaznu_coordinator)
    data = new_event_data(world, venue="", start_date="2031-06-03", end_date="2031-06-03")

    response = client.post(add_url(world.programme), data)

    period = EventWarning(
        "period",
        "The event falls outside the programme's period, 1 January 2027 to 31 December 2028.",
        key="2031-06-03/2031-06-03 2027-01-01/2028-12-31",
    )
    assert response.status_code == 200
    assert shown_warnings(response) == [period]
    assert Event.objects.filter(title="Lecture on Abai").count() == 0


# ---------- the event's page ----------


def warnings_on_page(page: str) -> list[tuple[str, str]]:
    """(warning, what is said of its acknowledgement) on the event's page."""
    return [
        (html.unescape(text.strip()), html.unescape(said.strip()))
        for text, said in re.findall(
            r'<div data-warning-kind="[a-z_]+">(.*?)</div>\s*<div class="dl-meta">(.*?)</div>',
            page,
            re.S,
        )
    ]


def test_the_event_page_shows_its_warnings_with_their_acknowledgement(
    client, world, lecture_acknowledged
):
    lecture, concert = lecture_acknowledged
    WarningAcknowledgement.objects.filter(event=lecture).update(
        acknowledged_at=datetime.datetime(2026, 9, 15, 8, tzinfo=datetime.UTC)
    )
    person = str(world.kaznu_coordinator)

    lecture_page = client.get(reverse("events:detail", args=[lecture.pk])).content.decode()
    concert_page = client.get(reverse("events:detail", args=[concert.pk])).content.decode()

    assert warnings_on_page(lecture_page) == [
        (
            "“Dombra concert” is at the same venue at the same time.",
            f"Acknowledged by {person} on 15 September 2026.",
        )
    ]
    assert warnings_on_page(concert_page) == [
        ("“Lecture on Abai” is at the same venue at the same time.", "Not acknowledged yet.")
    ]


def test_an_event_without_warnings_shows_no_warnings_card(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)

    page = client.get(reverse("events:detail", args=[concert.pk])).content.decode()

    assert (warnings_on_page(page), 'id="event-warnings"' in page) == ([], False)


def test_calendar_fields_are_shown_to_staff_only(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    url = reverse("events:detail", args=[concert.pk])

    client.force_login(world.kaznu_coordinator)
    as_coordinator = client.get(url).content.decode()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    as_staff = client.get(url).content.decode()

    shown = [
        (page.count("Calendar revision"), page.count(concert.uid))
        for page in (as_coordinator, as_staff)
    ]
    assert shown == [(0, 0), (1, 1)]


def test_the_add_to_calendar_links_look_like_the_other_buttons(client, world):
    concert = almaty_event(world, OCTOBER_5, 14, 18, title="Dombra concert")
    client.force_login(world.kaznu_coordinator)

    page = client.get(reverse("events:detail", args=[concert.pk])).content.decode()

    classes = re.findall(r'<a class="([^"]*)" href="[^"]*" target="_blank"', page)
    assert classes == ["btn btn-outline-primary btn-sm text-start"] * 2
    assert "btn-outline-secondary" not in page
