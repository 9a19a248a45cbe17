"""The decision register: every decision a row that stays, taken on a numbered version of the
programme's approved content, superseded — not deleted — by a newer version; a decision sent
from a stale page refused; no national coordinator deciding on their own institution's
programme; paper decisions dated by their letter."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.services import event_update
from programmes.models import Decision, Partnership, Programme, ProgrammeVersion
from programmes.services import (
    PaperLetter,
    PartnerRow,
    StaleDecision,
    programme_decide,
    programme_resubmit,
    programme_update,
)
from programmes.versions import approved_content, fingerprint
from tests.bilateral import decide
from tests.factories import (
    MembershipFactory,
    NationalCoordinatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status
Kind = Decision.Kind
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def register(programme: Programme) -> list[tuple]:
    """(country, decision, version decided on, version that superseded it) of every row."""
    return [
        (
            row.country.code,
            row.decision,
            row.version.number,
            row.superseded_by.number if row.superseded_by else None,
        )
        for row in Decision.objects.filter(programme=programme).order_by("decided_at", "pk")
    ]


def stored(programme: Programme) -> Programme:
    return Programme.objects.select_related("current_version").get(pk=programme.pk)


def test_a_request_for_changes_answered_by_an_event_edit_and_a_resubmission_is_kept(world):
    decide(world, "uz", Kind.CHANGES_REQUESTED, "Open the exhibition a week later.")
    later = world.event.starts_at + datetime.timedelta(days=7)
    event_update(
        event=world.event,
        actor=world.coordinator,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=3),
    )
    programme_resubmit(
        programme=world.programme, actor=world.coordinator, comment="Opens on 17 April now."
    )
    decide(world, "uz", Kind.APPROVED)
    decide(world, "kz", Kind.APPROVED)

    programme = stored(world.programme)
    assert (programme.status, programme.current_version.number) == (Status.APPROVED, 3)
    assert register(programme) == [
        ("UZ", Kind.CHANGES_REQUESTED, 1, 2),
        ("UZ", Kind.APPROVED, 3, None),
        ("KZ", Kind.APPROVED, 3, None),
    ]
    assert list(programme.versions.values_list("number", "made")) == [
        (1, ProgrammeVersion.Reason.SUBMITTED),
        (2, ProgrammeVersion.Reason.CHANGED),
        (3, ProgrammeVersion.Reason.RESUBMITTED),
    ]


def test_reordering_the_partners_keeps_the_fingerprint_and_the_decisions(world):
    decide(world, "uz", Kind.APPROVED)
    programme = stored(world.programme)
    before = programme.current_version.fingerprint
    rows = [
        PartnerRow(institution=world.kaznu, contribution="Poets of the steppe"),
        PartnerRow(institution=world.uwed, role=Partnership.Role.LEAD),
    ]

    saved = programme_update(
        programme=programme, actor=world.coordinator, version=programme.version, partners=rows
    )

    assert (saved.returned_for_decision, fingerprint(approved_content(programme))) == (
        False,
        before,
    )
    assert register(programme) == [("UZ", Kind.APPROVED, 1, None)]


def test_a_summary_edit_supersedes_nothing(world):
    decide(world, "uz", Kind.APPROVED)
    programme = stored(world.programme)

    saved = programme_update(
        programme=programme,
        actor=world.coordinator,
        version=programme.version,
        summary="Poems, letters and drawings of Abay Kunanbayev.",
    )

    assert (saved.returned_for_decision, stored(programme).current_version.number) == (False, 1)
    assert register(programme) == [("UZ", Kind.APPROVED, 1, None)]


def test_a_budget_change_supersedes_every_decision_and_names_the_change(world):
    decide(world, "uz", Kind.APPROVED)
    programme = stored(world.programme)

    saved = programme_update(
        programme=programme,
        actor=world.coordinator,
        version=programme.version,
        budget_amount=Decimal("9999999.00"),
    )

    version = stored(programme).current_version
    assert (saved.returned_for_decision, version.number, version.made) == (
        True,
        2,
        ProgrammeVersion.Reason.CHANGED,
    )
    assert version.reason == "Programme: budget"
    assert register(programme) == [("UZ", Kind.APPROVED, 1, 2)]


def test_an_event_title_or_its_attendance_is_not_decided_on(world):
    event_update(event=world.event, actor=world.coordinator, title="Abay and the steppe")
    event_update(event=world.event, actor=world.coordinator, status=Event.Status.CONFIRMED)

    assert stored(world.programme).current_version.number == 1


def test_a_postponed_event_is_a_new_version(world):
    event_update(event=world.event, actor=world.coordinator, status=Event.Status.POSTPONED)

    assert stored(world.programme).current_version.number == 2


def test_a_decision_on_a_version_no_longer_current_is_refused_with_what_changed(world):
    programme = stored(world.programme)
    programme_update(
        programme=programme,
        actor=world.coordinator,
        version=programme.version,
        budget_amount=Decimal("9999999.00"),
    )

    with pytest.raises(StaleDecision) as refused:
        programme_decide(
            programme=programme,
            country=world.kz,
            decision=Kind.APPROVED,
            actor=world.kz_national,
            version=1,
        )

    assert [
        (change.subject, change.field, change.before, change.after)
        for change in refused.value.differences
    ] == [("Programme", "budget", "1,000.00", "9,999,999.00")]
    assert register(programme) == []


def test_the_stale_decision_attack_answers_409_and_changes_nothing(client, world):
    """Kazakhstan's national coordinator opens the programme at 1,000 USD; the lead raises the
    budget and Uzbekistan approves the new version; Kazakhstan then sends the form it loaded
    before the change."""
    client.force_login(world.kz_national)
    page = client.get(reverse("programmes:detail", args=[world.programme.pk]))
    shown = page.context["decision_form"]["version"].value()
    programme = stored(world.programme)
    programme_update(
        programme=programme,
        actor=world.coordinator,
        version=programme.version,
        budget_amount=Decimal("9999999.00"),
    )
    decide(world, "uz", Kind.APPROVED)

    response = client.post(
        reverse("programmes:decide", args=[world.programme.pk]),
        {"decision": Kind.APPROVED, "comment": "", "version": shown},
    )

    assert (shown, response.status_code) == (1, 409)
    assert stored(world.programme).status == Status.SUBMITTED
    assert register(world.programme) == [("UZ", Kind.APPROVED, 2, None)]
    differences = [
        (change.field, change.before, change.after)
        for change in response.context["stale_decision"].differences
    ]
    assert differences == [("budget", "1,000.00", "9,999,999.00")]
    assert response.context["decision_form"]["version"].value() == 2


def test_a_country_decides_once_on_a_version(world):
    decide(world, "uz", Kind.APPROVED)

    with pytest.raises(ValidationError) as refused:
        decide(world, "uz", Kind.REJECTED, "Second thoughts.")

    assert refused.value.messages == ["Uzbekistan has already decided on version 1."]
    assert register(world.programme) == [("UZ", Kind.APPROVED, 1, None)]


def test_a_national_coordinator_does_not_decide_on_their_own_institutions_programme(client, world):
    MembershipFactory(user=world.uz_national, institution=world.uwed)

    with pytest.raises(ValidationError) as refused:
        decide(world, "uz", Kind.APPROVED)
    client.force_login(world.uz_national)
    page = client.get(reverse("programmes:detail", args=[world.programme.pk]))
    posted = client.post(
        reverse("programmes:decide", args=[world.programme.pk]),
        {"decision": Kind.APPROVED, "comment": "", "version": 1},
    )

    assert refused.value.messages == [
        "You coordinate an institution taking part in this programme: another national "
        "coordinator of your country decides on it."
    ]
    assert (page.context["decision_form"], posted.status_code) == (None, 403)
    assert register(world.programme) == []
    # The country's other national coordinator decides.
    other = NationalCoordinatorFactory(country=world.uz).user
    programme_decide(
        programme=stored(world.programme),
        country=world.uz,
        decision=Kind.APPROVED,
        actor=other,
        version=1,
    )
    assert register(world.programme) == [("UZ", Kind.APPROVED, 1, None)]


def paper(world, day: datetime.date, **letter) -> Decision:
    return programme_decide(
        programme=stored(world.programme),
        country=world.kz,
        decision=Kind.APPROVED,
        actor=UserFactory(is_superuser=True, is_staff=True),
        version=1,
        paper=PaperLetter(registry_number="02-14/3187", letter_date=day, **letter),
    )


@pytest.mark.parametrize("days", [-1, 1], ids=["before the submission", "in the future"])
def test_a_paper_decision_outside_submission_to_today_is_refused(world, days):
    submitted = timezone.localdate(
        stored(world.programme).current_version.created_at,
        timezone=zoneinfo.ZoneInfo("Asia/Almaty"),
    )
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Almaty"))
    day = submitted + datetime.timedelta(days=days) if days < 0 else today + datetime.timedelta(1)

    with pytest.raises(ValidationError) as refused:
        paper(world, day)

    assert list(refused.value.message_dict) == ["letter_date"]
    assert register(world.programme) == []


def test_a_paper_decision_keeps_its_letter_and_is_shown_as_one(client, world):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Almaty"))
    scan = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")

    decision = paper(world, today, scan=scan)

    assert (decision.on_paper, decision.decided_by, decision.registry_number) == (
        True,
        None,
        "02-14/3187",
    )
    assert decision.letter.name.startswith(f"decisions/{world.programme.pk}/")
    client.force_login(world.uz_national)
    page = client.get(reverse("programmes:detail", args=[world.programme.pk])).content.decode()
    assert "on paper: letter No. 02-14/3187" in page


def waiting(client, user) -> tuple[list[str], list[str], str]:
    """What the home page lists as waiting for ``user``, and the menu's badge."""
    client.force_login(user)
    response = client.get(reverse("desk:home"))
    listed = response.context["waiting"]
    badge = re.search(r"data-waiting>(\d+)<", response.content.decode())
    return (
        [programme.title for programme in listed.decisions],
        [programme.title for programme in listed.change_requests],
        badge[1] if badge else "",
    )


def test_what_waits_for_whom_is_on_the_home_page_and_counted_in_the_menu(client, world):
    before = {
        "uz": waiting(client, world.uz_national),
        "kz": waiting(client, world.kz_national),
        "lead": waiting(client, world.coordinator),
    }
    decide(world, "uz", Kind.CHANGES_REQUESTED, "Open the exhibition a week later.")

    after = {
        "uz": waiting(client, world.uz_national),
        "kz": waiting(client, world.kz_national),
        "lead": waiting(client, world.coordinator),
    }

    assert before == {
        "uz": (["Abay Days"], [], "1"),
        "kz": (["Abay Days"], [], "1"),
        "lead": ([], [], ""),
    }
    assert after == {
        "uz": ([], [], ""),
        "kz": (["Abay Days"], [], "1"),
        "lead": ([], ["Abay Days"], "1"),
    }
