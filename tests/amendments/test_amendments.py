"""Amendments: the approved content of an approved or active programme changes only when every
participating country approves the change. Until then the programme stays as approved — on the
calendars, public — and a rejected or withdrawn amendment leaves it byte for byte as it was."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from amendments.models import Amendment
from amendments.services import amendment_decide
from events.models import Event
from events.services import event_create, event_delete, event_update
from programmes.models import Decision, Programme
from programmes.services import ContentClosed, programme_cancel, programme_update
from programmes.versions import approved_content, fingerprint
from tests.bilateral import decide
from tests.events.test_workspace import edit_form_data, new_event_data
from tests.factories import MembershipFactory
from tests.programmes.test_workspace import edit_data

pytestmark = pytest.mark.django_db

Status = Programme.Status
Kind = Decision.Kind
State = Amendment.State


def stored(programme: Programme) -> Programme:
    return Programme.objects.select_related("current_version").get(pk=programme.pk)


def snapshot(programme: Programme) -> tuple[str, dict, int, str]:
    """The approved content as stored, with its version: what an amendment must not touch."""
    programme = stored(programme)
    return (
        programme.status,
        approved_content(programme),
        programme.current_version.number,
        programme.current_version.fingerprint,
    )


@pytest.fixture
def approved(world):
    """The world's programme, approved by both countries on version 1."""
    decide(world, "uz", Kind.APPROVED)
    decide(world, "kz", Kind.APPROVED)
    assert stored(world.programme).status == Status.APPROVED
    return world


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def propose_budget(client, world, amount: str, note: str = "The ministry doubled the grant."):
    client.force_login(world.coordinator)
    data = edit_data(world.programme, budget_amount=amount) | {"note": note}
    return client.post(reverse("amendments:programme", args=[world.programme.pk]), data)


def decide_amendment(world, amendment: Amendment, who: str, decision: str, comment: str = ""):
    return amendment_decide(
        amendment=amendment,
        country=getattr(world, who),
        decision=decision,
        actor=getattr(world, f"{who}_national"),
        version=amendment.version.number,
        comment=comment,
    )


# ---------- the approved content is closed to direct changes ----------


def test_the_services_refuse_a_direct_change_to_the_approved_content(approved):
    world = approved
    before = snapshot(world.programme)
    programme = stored(world.programme)
    later = world.event.starts_at + datetime.timedelta(days=7)

    attempts = {
        "budget": lambda: programme_update(
            programme=programme,
            actor=world.coordinator,
            version=programme.version,
            budget_amount=Decimal("9999999.00"),
        ),
        "event date": lambda: event_update(
            event=world.event,
            actor=world.coordinator,
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=3),
        ),
        "new event": lambda: event_create(
            actor=world.coordinator,
            programme=programme,
            title="A second evening",
            kind=Event.Kind.CONCERT,
            host_institution=world.uwed,
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=2),
        ),
        "event removed": lambda: event_delete(event=world.event, actor=world.coordinator),
    }
    refused = {}
    for name, attempt in attempts.items():
        with pytest.raises(ContentClosed) as caught:
            attempt()
        refused[name] = "only through an amendment" in caught.value.messages[0]

    assert refused == {"budget": True, "event date": True, "new event": True, "event removed": True}
    assert snapshot(world.programme) == before


def test_a_change_outside_the_approved_content_is_saved_at_once(client, approved):
    world = approved
    before = snapshot(world.programme)
    client.force_login(world.coordinator)

    response = client.post(
        reverse("amendments:programme", args=[world.programme.pk]),
        edit_data(world.programme, title="Abay Days in Tashkent and Almaty"),
    )

    assert response.status_code == 302
    assert stored(world.programme).title == "Abay Days in Tashkent and Almaty"
    assert snapshot(world.programme) == before
    assert Amendment.objects.count() == 0
    assert messages_of(response) == [
        "The programme “Abay Days in Tashkent and Almaty” was saved. Nothing the countries "
        "approved changed: it stays approved as it was."
    ]


def test_the_edit_page_of_an_approved_programme_asks_why_and_posts_to_the_amendments(
    client, approved
):
    client.force_login(approved.coordinator)

    page = client.get(reverse("programmes:edit", args=[approved.programme.pk])).content.decode()

    form = re.search(r'<form method="post" novalidate action="([^"]+)">', page)
    assert form[1] == reverse("amendments:programme", args=[approved.programme.pk])
    assert 'name="note"' in page


# ---------- proposing ----------


def test_a_change_to_the_approved_content_without_a_note_asks_for_one(client, approved):
    before = snapshot(approved.programme)

    response = propose_budget(client, approved, "2000.00", note="")

    assert response.status_code == 200
    assert response.context["note_form"].errors == {
        "note": [
            "This changes what the countries approved: say why, and it is proposed to them as "
            "an amendment."
        ]
    }
    assert snapshot(approved.programme) == before
    assert Amendment.objects.count() == 0


def test_a_proposed_amendment_leaves_the_programme_as_approved(
    client, approved, mailoutbox, django_capture_on_commit_callbacks
):
    world = approved
    before = snapshot(world.programme)

    with django_capture_on_commit_callbacks(execute=True):
        response = propose_budget(client, world, "2000.00")

    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("amendments:detail", args=[amendment.pk])
    assert snapshot(world.programme) == before
    assert (amendment.state, amendment.base_version.number, amendment.version.number) == (
        State.OPEN,
        1,
        2,
    )
    assert amendment.version.content["programme"]["budget_amount"] == "2000.00"
    assert amendment.changes["fields"] == {"budget_amount": "2000.00"}
    # One message, to the national coordinators; the try-out of the change sent nothing.
    assert [(mail.subject, mail.to) for mail in mailoutbox] == [
        (
            "Dostlik: an amendment of “Abay Days” waits for your decision",
            sorted([world.kz_national.email, world.uz_national.email]),
        )
    ]
    page = client.get(response["Location"])
    assert [(d.subject, d.field, d.before, d.after) for d in page.context["differences"]] == [
        ("Programme", "budget", "1,000.00", "2,000.00")
    ]


def test_one_amendment_waits_at_a_time(client, approved):
    propose_budget(client, approved, "2000.00")

    response = propose_budget(client, approved, "3000.00")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "An amendment of this programme already waits for a decision."
    ]
    assert Amendment.objects.count() == 1


# ---------- deciding ----------


def test_an_amendment_rejected_leaves_the_approved_content_byte_for_byte(client, approved):
    world = approved
    before = snapshot(world.programme)
    propose_budget(client, world, "2000.00")
    amendment = Amendment.objects.get()

    decide_amendment(world, amendment, "uz", Kind.APPROVED)
    decide_amendment(world, amendment, "kz", Kind.REJECTED, "Not this year.")

    amendment.refresh_from_db()
    assert amendment.state == State.REJECTED
    assert snapshot(world.programme) == before
    assert stored(world.programme).budget_amount == Decimal("1000.00")


def test_an_amendment_approved_by_every_country_applies_as_the_new_version(client, approved):
    world = approved
    propose_budget(client, world, "2000.00")
    amendment = Amendment.objects.get()

    decide_amendment(world, amendment, "uz", Kind.APPROVED)
    assert stored(world.programme).budget_amount == Decimal("1000.00")
    decide_amendment(world, amendment, "kz", Kind.APPROVED)

    programme = stored(world.programme)
    amendment.refresh_from_db()
    assert amendment.state == State.APPROVED
    assert (programme.status, programme.budget_amount) == (Status.APPROVED, Decimal("2000.00"))
    assert programme.current_version == amendment.version
    assert fingerprint(approved_content(programme)) == amendment.version.fingerprint
    # The decisions on version 1 are superseded by the amendment's version 2.
    assert sorted(
        programme.decisions.values_list(
            "country__code", "version__number", "decision", "superseded_by__number"
        )
    ) == [
        ("KZ", 1, "approved", 2),
        ("KZ", 2, "approved", None),
        ("UZ", 1, "approved", 2),
        ("UZ", 2, "approved", None),
    ]
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert page.count("approved version 2 on") == 2


def test_an_amendment_that_no_longer_applies_as_proposed_changes_nothing(client, approved):
    """Applying is one transaction: when the content it makes is not the one the countries
    approved, the last decision, the change and the new version are all refused."""
    world = approved
    before = snapshot(world.programme)
    propose_budget(client, world, "2000.00")
    amendment = Amendment.objects.get()
    decide_amendment(world, amendment, "uz", Kind.APPROVED)
    Amendment.objects.filter(pk=amendment.pk).update(
        changes={**amendment.changes, "fields": {"budget_amount": "2500.00"}}
    )
    amendment.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        decide_amendment(world, amendment, "kz", Kind.APPROVED)

    assert refused.value.messages == [
        "The programme no longer matches the amendment: it cannot be applied."
    ]
    amendment.refresh_from_db()
    assert amendment.state == State.OPEN
    assert list(amendment.version.decisions.values_list("country__code", flat=True)) == ["UZ"]
    assert snapshot(world.programme) == before


def test_moving_an_event_of_an_approved_programme_is_an_amendment(client, approved):
    world = approved
    before = snapshot(world.programme)
    client.force_login(world.coordinator)
    data = edit_form_data(client, world.event, start_date="2027-04-17", end_date="2027-04-17")

    response = client.post(
        reverse("amendments:event", args=[world.event.pk]),
        data | {"note": "The hall is taken on the 10th."},
    )

    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert snapshot(world.programme) == before
    decide_amendment(world, amendment, "uz", Kind.APPROVED)
    decide_amendment(world, amendment, "kz", Kind.APPROVED)
    world.event.refresh_from_db()
    assert world.event.local_starts_at.date() == datetime.date(2027, 4, 17)
    assert stored(world.programme).current_version.number == 2


def test_a_new_event_of_an_approved_programme_is_an_amendment(client, approved):
    world = approved
    client.force_login(world.coordinator)
    url = reverse("amendments:new_event") + f"?programme={world.programme.pk}"
    # Within the programme's period (March to June 2027): no warning to acknowledge first.
    data = new_event_data(
        world.uwed, title="Abay read aloud", start_date="2027-05-05", end_date="2027-05-05"
    ) | {"note": "A reading was asked for."}

    response = client.post(url, data)

    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert list(world.programme.events.values_list("title", flat=True)) == [world.event.title]
    decide_amendment(world, amendment, "uz", Kind.APPROVED)
    decide_amendment(world, amendment, "kz", Kind.APPROVED)
    assert sorted(world.programme.events.values_list("title", flat=True)) == sorted(
        [world.event.title, "Abay read aloud"]
    )


def test_a_withdrawn_amendment_changes_nothing_and_takes_no_decision(client, approved):
    world = approved
    before = snapshot(world.programme)
    propose_budget(client, world, "2000.00")
    amendment = Amendment.objects.get()

    response = client.post(reverse("amendments:withdraw", args=[amendment.pk]))

    amendment.refresh_from_db()
    assert (response.status_code, amendment.state) == (302, State.WITHDRAWN)
    assert snapshot(world.programme) == before
    with pytest.raises(ValidationError):
        decide_amendment(world, amendment, "uz", Kind.APPROVED)


def test_no_decision_on_an_amendment_of_a_cancelled_programme(client, approved):
    world = approved
    propose_budget(client, world, "2000.00")
    amendment = Amendment.objects.get()
    programme_cancel(programme=stored(world.programme), actor=world.coordinator, comment="No hall.")

    with pytest.raises(ValidationError) as refused:
        decide_amendment(world, amendment, "uz", Kind.APPROVED)

    assert refused.value.messages == [
        "The programme is no longer approved or active: withdraw the amendment."
    ]


def test_a_national_coordinator_does_not_decide_on_their_own_institutions_amendment(
    client, approved
):
    world = approved
    propose_budget(client, world, "2000.00")
    amendment = Amendment.objects.get()
    MembershipFactory(user=world.uz_national, institution=world.uwed)
    client.force_login(world.uz_national)

    page = client.get(reverse("amendments:detail", args=[amendment.pk]))
    response = client.post(
        reverse("amendments:decide", args=[amendment.pk]),
        {"decision": Kind.APPROVED, "version": amendment.version.number},
    )

    assert page.context["decision_form"] is None
    assert response.status_code == 403
    assert amendment.version.decisions.count() == 0


def test_the_amendment_waits_for_each_national_coordinator_until_they_decide(client, approved):
    world = approved
    propose_budget(client, world, "2000.00")
    amendment = Amendment.objects.get()

    def waiting(user) -> list[str]:
        client.force_login(user)
        listed = client.get(reverse("desk:home")).context["waiting"]
        return [a.programme.title for a in listed.amendments]

    assert (waiting(world.uz_national), waiting(world.kz_national)) == (
        ["Abay Days"],
        ["Abay Days"],
    )
    client.force_login(world.uz_national)
    response = client.post(
        reverse("amendments:decide", args=[amendment.pk]),
        {"decision": Kind.APPROVED, "version": amendment.version.number},
    )
    assert response.status_code == 302
    assert (waiting(world.uz_national), waiting(world.kz_national)) == ([], ["Abay Days"])
