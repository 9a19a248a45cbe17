"""The bilateral workflow: submitting, each country's decision, changes after submission and the
other steps, asserted on the rows they leave behind and on the exact words a person reads."""

import dataclasses
import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import StaleVersion
from institutions.models import Country, Institution
from programmes.models import (
    Decision,
    Partnership,
    Programme,
    ProgrammeVersion,
    open_change_requests,
)
from programmes.services import (
    PaperLetter,
    PartnerRow,
    StaleDecision,
    programme_activate,
    programme_cancel,
    programme_complete,
    programme_create,
    programme_decide,
    programme_reopen,
    programme_resubmit,
    programme_submit,
    programme_update,
    programme_withdraw,
)
from programmes.versions import approved_content, fingerprint
from tests.factories import (
    CountryFactory,
    DecisionFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status
Kind = Decision.Kind
Role = Partnership.Role
Reason = ProgrammeVersion.Reason

RETURNED = "Changed after approval: the national coordinators decide again."
ONE_COUNTRY = "A joint programme needs partners from at least two countries before it is submitted."
STALE = (
    "Someone else changed this record while you were editing it. Your changes were not saved: "
    "reload the page to see the current version, then make them again."
)
SAY_WHY = "Say why, so that the coordinators know what to change."
TITLE = "Abay. Heritage of Fraternal Peoples"
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


# ---------- the world ----------


@pytest.fixture
def uzbekistan() -> Country:
    return CountryFactory(code="UZ")


@pytest.fixture
def kazakhstan() -> Country:
    return CountryFactory(code="KZ")


@pytest.fixture
def kyrgyzstan() -> Country:
    return CountryFactory(code="KG")


@pytest.fixture
def uwed(uzbekistan) -> Institution:
    return InstitutionFactory(name="University of World Economy and Diplomacy", country=uzbekistan)


@pytest.fixture
def gallery(uzbekistan) -> Institution:
    return InstitutionFactory(
        name="Fine Arts Gallery of Uzbekistan",
        kind=Institution.Kind.GALLERY,
        country=uzbekistan,
    )


@pytest.fixture
def kaznu(kazakhstan) -> Institution:
    return InstitutionFactory(name="Al-Farabi Kazakh National University", country=kazakhstan)


@pytest.fixture
def theatre(kazakhstan) -> Institution:
    return InstitutionFactory(
        name="Kalibek Kuanyshbayev Kazakh Music and Drama Theatre",
        kind=Institution.Kind.THEATRE,
        country=kazakhstan,
    )


@pytest.fixture
def coordinator(uwed):
    """A coordinator of the lead institution: who takes part and who leads is theirs to change."""
    return MembershipFactory(user__username="uz.coordinator", institution=uwed).user


@pytest.fixture
def uz_national():
    return UserFactory(username="uz.national")


@pytest.fixture
def kz_national():
    return UserFactory(username="kz.national")


@dataclasses.dataclass(frozen=True)
class Rows:
    """The partner rows the programme is created with, to build changes from."""

    lead: PartnerRow
    partner: PartnerRow
    gallery: PartnerRow
    theatre: PartnerRow  # not a partner at first

    @property
    def initial(self) -> list[PartnerRow]:
        return [self.lead, self.partner, self.gallery]


@pytest.fixture
def rows(uwed, kaznu, gallery, theatre) -> Rows:
    return Rows(
        lead=PartnerRow(institution=uwed, role=Role.LEAD, contribution="Curators"),
        partner=PartnerRow(
            institution=kaznu,
            contribution="Manuscripts of Abay",
            funding_amount=Decimal("10000.00"),
            funding_currency="KZT",
        ),
        gallery=PartnerRow(institution=gallery, contribution="Exhibition halls"),
        theatre=PartnerRow(institution=theatre, contribution="Gala concert"),
    )


@pytest.fixture
def draft(rows, coordinator) -> Programme:
    return programme_create(
        actor=coordinator,
        title=TITLE,
        kind=Programme.Kind.EXHIBITION,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 12, 19),
        budget_amount=Decimal("50000.00"),
        budget_currency="USD",
        partners=rows.initial,
    )


@pytest.fixture
def submitted(draft, coordinator) -> Programme:
    programme_submit(programme=draft, actor=coordinator, comment="Ready for the ministries.")
    return draft


@pytest.fixture
def approved(submitted, uzbekistan, kazakhstan, uz_national, kz_national) -> Programme:
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.APPROVED,
        actor=kz_national,
        version=1,
    )
    return submitted


def advance(programme: Programme, status: str) -> Programme:
    """Take a draft to ``status`` through the services, the way people would."""
    national = UserFactory()
    if status == Status.CANCELLED:
        programme_submit(programme=programme, actor=None)
        programme_cancel(programme=programme, actor=None, comment="The venue closed.")
    elif status != Status.DRAFT:
        programme_submit(programme=programme, actor=None)
        countries = Country.objects.filter(
            institutions__partnerships__programme=programme
        ).distinct()
        shown = stored(programme).current_version.number
        if status == Status.REJECTED:
            programme_decide(
                programme=programme,
                country=countries.get(code="KZ"),
                decision=Kind.REJECTED,
                actor=national,
                version=shown,
                comment="Out of budget.",
            )
        if status in (Status.APPROVED, Status.ACTIVE, Status.COMPLETED):
            for country in countries.order_by("code"):
                programme_decide(
                    programme=programme,
                    country=country,
                    decision=Kind.APPROVED,
                    actor=national,
                    version=shown,
                )
        if status in (Status.ACTIVE, Status.COMPLETED):
            programme_activate(programme=programme, actor=None)
        if status == Status.COMPLETED:
            programme_complete(programme=programme, actor=None)
    programme.refresh_from_db()
    assert programme.status == status
    return programme


# ---------- reading the rows back ----------


def stored(programme: Programme) -> Programme:
    return Programme.objects.select_related("current_version").get(pk=programme.pk)


def transitions_of(programme: Programme) -> list[tuple]:
    return list(
        programme.transitions.order_by("pk").values_list(
            "from_status", "to_status", "actor", "comment"
        )
    )


def approvals_of(programme: Programme) -> list[tuple]:
    return list(
        Decision.objects.filter(programme=programme)
        .order_by("country__code")
        .values_list("country__code", "decision", "decided_by", "comment")
    )


def register_of(programme: Programme) -> list[tuple]:
    """(country, decision, version decided on, version that superseded it) of every decision
    the register holds on ``programme``, in the order they were taken."""
    return [
        (
            row.country.code,
            row.decision,
            row.version.number,
            row.superseded_by.number if row.superseded_by else None,
        )
        for row in Decision.objects.filter(programme=programme)
        .select_related("country", "version", "superseded_by")
        .order_by("decided_at", "pk")
    ]


def versions_of(programme: Programme) -> list[tuple]:
    """(number, how it was made, its note, by whom) of every version of ``programme``."""
    return [
        (version.number, version.made, version.reason, version.created_by_id)
        for version in ProgrammeVersion.objects.filter(programme=programme).order_by("number")
    ]


def current_number(programme: Programme) -> int | None:
    version = stored(programme).current_version
    return version.number if version else None


def partners_of(programme: Programme) -> list[tuple]:
    return sorted(
        (
            partnership.institution.name,
            partnership.role,
            partnership.contribution,
            partnership.funding_amount,
            partnership.funding_currency,
        )
        for partnership in Partnership.objects.filter(programme=programme).select_related(
            "institution"
        )
    )


def as_partners(partner_rows: list[PartnerRow]) -> list[tuple]:
    return sorted(
        (
            row.institution.name,
            row.role,
            row.contribution,
            row.funding_amount,
            row.funding_currency,
        )
        for row in partner_rows
    )


def fields_of(programme: Programme) -> dict:
    programme = stored(programme)
    return {
        "title": programme.title,
        "summary": programme.summary,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "budget_amount": programme.budget_amount,
        "budget_currency": programme.budget_currency,
        "status": programme.status,
        "version": programme.version,
    }


# The changes to a programme's approved content (``programmes.versions``): its dates, its budget
# and its partners (each with its role, contribution and funding). Each with the note its new
# version is given.
SCOPE_CHANGES = {
    "starts later": "Programme: starts on",
    "ends later": "Programme: ends on",
    "budget raised": "Programme: budget",
    "budget in another currency": "Programme: budget currency",
    "partner added": "Partner Kalibek Kuanyshbayev Kazakh Music and Drama Theatre: added",
    "partner removed": "Partner Fine Arts Gallery of Uzbekistan: removed",
    "lead handed over": (
        "Partner Al-Farabi Kazakh National University: role; "
        "Partner University of World Economy and Diplomacy: role"
    ),
    "funding changed": "Partner Al-Farabi Kazakh National University: funding",
    "contribution changed": "Partner Al-Farabi Kazakh National University: contribution",
}


def scope_change(name: str, rows: Rows) -> dict:
    partners_after = {
        "partner added": [*rows.initial, rows.theatre],
        "partner removed": [rows.lead, rows.partner],
        "lead handed over": [
            dataclasses.replace(rows.lead, role=Role.PARTNER),
            dataclasses.replace(rows.partner, role=Role.LEAD),
            rows.gallery,
        ],
        "funding changed": [
            rows.lead,
            dataclasses.replace(rows.partner, funding_amount=Decimal("12500.00")),
            rows.gallery,
        ],
        "contribution changed": [
            rows.lead,
            dataclasses.replace(rows.partner, contribution="Manuscripts and letters"),
            rows.gallery,
        ],
    }
    fields_after = {
        "starts later": {"starts_on": datetime.date(2026, 4, 1)},
        "ends later": {"ends_on": datetime.date(2027, 3, 22)},
        "budget raised": {"budget_amount": Decimal("65000.00")},
        "budget in another currency": {"budget_currency": "EUR"},
    }
    if name in partners_after:
        return {"partners": partners_after[name]}
    return fields_after[name]


def assert_saved(programme: Programme, changes: dict) -> None:
    """What ``changes`` asked for is what is stored."""
    changes = dict(changes)
    partners = changes.pop("partners", None)
    if partners is not None:
        assert partners_of(programme) == as_partners(partners)
    current = fields_of(programme)
    assert {name: current[name] for name in changes} == changes


# ---------- programme_submit ----------


def test_submit_refuses_partners_of_one_country(rows, coordinator):
    programme = programme_create(
        actor=coordinator,
        title=TITLE,
        kind=Programme.Kind.EXHIBITION,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 12, 19),
        partners=[rows.lead, rows.gallery],
    )

    with pytest.raises(ValidationError) as refused:
        programme_submit(programme=programme, actor=coordinator, comment="Ready.")

    assert refused.value.messages == [ONE_COUNTRY]
    assert (stored(programme).status, stored(programme).version) == (Status.DRAFT, 1)
    assert transitions_of(programme) == [("", Status.DRAFT, coordinator.pk, "")]
    assert (current_number(programme), versions_of(programme)) == (None, [])


def test_submit_sends_a_joint_draft_on_as_a_new_version(draft, coordinator):
    transition = programme_submit(
        programme=draft, actor=coordinator, comment="Ready for the ministries."
    )

    assert (stored(draft).status, stored(draft).version, draft.version) == (
        Status.SUBMITTED,
        3,
        3,
    )
    assert transitions_of(draft) == [
        ("", Status.DRAFT, coordinator.pk, ""),
        (Status.DRAFT, Status.SUBMITTED, coordinator.pk, "Ready for the ministries."),
    ]
    assert transition.pk == draft.transitions.order_by("pk").last().pk
    assert versions_of(draft) == [
        (1, Reason.SUBMITTED, "Ready for the ministries.", coordinator.pk)
    ]
    assert (current_number(draft), draft.current_version.number) == (1, 1)
    version = stored(draft).current_version
    assert (version.content, version.fingerprint) == (
        approved_content(draft),
        fingerprint(approved_content(draft)),
    )
    assert register_of(draft) == []


def test_submit_supersedes_the_decisions_on_an_earlier_version(draft, coordinator, uzbekistan):
    # A decision left on a draft (entered through the admin, say) on a version of its own.
    DecisionFactory(programme=draft, country=uzbekistan, decision=Kind.APPROVED)

    programme_submit(programme=draft, actor=coordinator, comment="Ready for the ministries.")

    assert register_of(draft) == [("UZ", Kind.APPROVED, 1, 2)]
    assert (current_number(draft), versions_of(draft)[-1]) == (
        2,
        (2, Reason.SUBMITTED, "Ready for the ministries.", coordinator.pk),
    )


@pytest.mark.parametrize(
    "status",
    [Status.SUBMITTED, Status.APPROVED, Status.ACTIVE, Status.REJECTED, Status.CANCELLED],
)
def test_submit_refuses_a_programme_that_is_not_a_draft(status, draft, coordinator):
    advance(draft, status)
    before = (fields_of(draft), transitions_of(draft), register_of(draft), versions_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_submit(programme=draft, actor=coordinator)

    assert refused.value.messages == ["Only a draft can be submitted."]
    assert (fields_of(draft), transitions_of(draft), register_of(draft), versions_of(draft)) == (
        before
    )


# ---------- programme_decide ----------


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.APPROVED, Status.ACTIVE, Status.REJECTED, Status.CANCELLED]
)
def test_decide_only_on_a_submitted_programme(status, draft, uzbekistan, uz_national):
    advance(draft, status)
    before = (fields_of(draft), transitions_of(draft), approvals_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=draft,
            country=uzbekistan,
            decision=Kind.APPROVED,
            actor=uz_national,
            version=1,
        )

    assert refused.value.messages == ["Only a submitted programme can be decided on."]
    assert (fields_of(draft), transitions_of(draft), approvals_of(draft)) == before


def test_decide_refuses_an_unknown_decision(submitted, uzbekistan, uz_national):
    before = (fields_of(submitted), transitions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=submitted,
            country=uzbekistan,
            decision="postponed",
            actor=uz_national,
            version=1,
        )

    assert refused.value.message_dict == {
        "decision": ["Choose approve, reject or request changes."]
    }
    assert (fields_of(submitted), transitions_of(submitted), approvals_of(submitted)) == (
        *before,
        [],
    )


@pytest.mark.parametrize("decision", [Kind.REJECTED, Kind.CHANGES_REQUESTED])
@pytest.mark.parametrize("comment", ["", "  \n "], ids=["empty", "blank"])
def test_decide_wants_a_reason_for_anything_but_approval(
    decision, comment, submitted, kazakhstan, kz_national
):
    before = (fields_of(submitted), transitions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=submitted,
            country=kazakhstan,
            decision=decision,
            actor=kz_national,
            version=1,
            comment=comment,
        )

    assert refused.value.message_dict == {"comment": [SAY_WHY]}
    assert (fields_of(submitted), transitions_of(submitted), approvals_of(submitted)) == (
        *before,
        [],
    )


@pytest.mark.parametrize("shown", [0, 2], ids=["no such version", "a version not yet made"])
def test_decide_refuses_a_version_that_is_not_the_current_one(
    shown, submitted, uzbekistan, uz_national
):
    before = (fields_of(submitted), transitions_of(submitted))

    with pytest.raises(StaleDecision) as refused:
        programme_decide(
            programme=submitted,
            country=uzbekistan,
            decision=Kind.APPROVED,
            actor=uz_national,
            version=shown,
        )

    # No version of that number: nothing to tell of what changed since (a version shown and
    # since changed is told in tests/programmes/test_register.py).
    assert refused.value.differences == []
    assert (fields_of(submitted), transitions_of(submitted), approvals_of(submitted)) == (
        *before,
        [],
    )


def test_a_first_approval_keeps_the_programme_submitted(submitted, uzbekistan, uz_national):
    before = transitions_of(submitted)

    approval = programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
        comment="Fits the plan for 2026.",
    )

    assert stored(submitted).status == Status.SUBMITTED
    assert approvals_of(submitted) == [
        ("UZ", Kind.APPROVED, uz_national.pk, "Fits the plan for 2026.")
    ]
    assert register_of(submitted) == [("UZ", Kind.APPROVED, 1, None)]
    assert approval.pk == Decision.objects.get(programme=submitted).pk
    assert (approval.on_paper, approval.recorded_by, approval.registry_number) == (False, None, "")
    assert transitions_of(submitted) == before


def test_the_last_approval_approves_naming_the_version_and_every_country(
    submitted, uzbekistan, kazakhstan, uz_national, kz_national
):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.APPROVED,
        actor=kz_national,
        version=1,
    )

    assert (stored(submitted).status, submitted.status) == (Status.APPROVED, Status.APPROVED)
    assert approvals_of(submitted) == [
        ("KZ", Kind.APPROVED, kz_national.pk, ""),
        ("UZ", Kind.APPROVED, uz_national.pk, ""),
    ]
    assert transitions_of(submitted)[-1] == (
        Status.SUBMITTED,
        Status.APPROVED,
        kz_national.pk,
        "Version 1 approved by every participating country: Kazakhstan, Uzbekistan.",
    )


def test_an_approval_of_an_older_version_does_not_count(
    submitted, rows, coordinator, uzbekistan, kazakhstan, uz_national, kz_national
):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    programme_update(
        programme=submitted,
        actor=coordinator,
        version=stored(submitted).version,
        **scope_change("budget raised", rows),
    )

    programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.APPROVED,
        actor=kz_national,
        version=2,
    )

    assert stored(submitted).status == Status.SUBMITTED
    assert register_of(submitted) == [("UZ", Kind.APPROVED, 1, 2), ("KZ", Kind.APPROVED, 2, None)]


def test_a_rejection_rejects_naming_the_country_and_the_reason(
    submitted, uzbekistan, kazakhstan, uz_national, kz_national
):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )

    programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.REJECTED,
        actor=kz_national,
        version=1,
        comment="  The budget for 2026 is spent.  ",
    )

    assert stored(submitted).status == Status.REJECTED
    assert approvals_of(submitted) == [
        ("KZ", Kind.REJECTED, kz_national.pk, "The budget for 2026 is spent."),
        ("UZ", Kind.APPROVED, uz_national.pk, ""),
    ]
    assert transitions_of(submitted)[-1] == (
        Status.SUBMITTED,
        Status.REJECTED,
        kz_national.pk,
        "Rejected by Kazakhstan: The budget for 2026 is spent.",
    )


def test_a_request_for_changes_keeps_the_programme_submitted(submitted, kazakhstan, kz_national):
    before = transitions_of(submitted)

    request = programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.CHANGES_REQUESTED,
        actor=kz_national,
        version=1,
        comment="Add the dates of the fair.",
    )

    assert stored(submitted).status == Status.SUBMITTED
    assert approvals_of(submitted) == [
        ("KZ", Kind.CHANGES_REQUESTED, kz_national.pk, "Add the dates of the fair.")
    ]
    assert transitions_of(submitted) == before
    assert open_change_requests(stored(submitted)) == [request]


def test_a_country_not_taking_part_cannot_decide(submitted, kyrgyzstan):
    before = (fields_of(submitted), transitions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=submitted,
            country=kyrgyzstan,
            decision=Kind.APPROVED,
            actor=UserFactory(username="kg.national"),
            version=1,
        )

    assert refused.value.messages == ["Kyrgyzstan is not a participant of this programme."]
    assert (fields_of(submitted), transitions_of(submitted), approvals_of(submitted)) == (
        *before,
        [],
    )


def test_a_coordinator_of_a_partner_does_not_decide_on_its_programme(
    submitted, uzbekistan, coordinator
):
    before = (fields_of(submitted), transitions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=submitted,
            country=uzbekistan,
            decision=Kind.APPROVED,
            actor=coordinator,
            version=1,
        )

    assert refused.value.messages == [
        "You coordinate an institution taking part in this programme: another national "
        "coordinator of your country decides on it."
    ]
    assert (fields_of(submitted), transitions_of(submitted), approvals_of(submitted)) == (
        *before,
        [],
    )


def test_a_second_decision_on_the_same_version_is_refused_and_the_first_stands(
    submitted, uzbekistan, uz_national
):
    """A country decides once on a version: a second decision, by another of its national
    coordinators, neither replaces the first nor is added beside it."""
    first = programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.CHANGES_REQUESTED,
        actor=uz_national,
        version=1,
        comment="Add the dates of the fair.",
    )
    second_national = UserFactory(username="uz.deputy")
    before = (fields_of(submitted), transitions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=submitted,
            country=uzbekistan,
            decision=Kind.APPROVED,
            actor=second_national,
            version=1,
            comment="Dates added.",
        )

    assert refused.value.messages == ["Uzbekistan has already decided on version 1."]
    assert list(Decision.objects.filter(programme=submitted).values_list("pk", flat=True)) == [
        first.pk
    ]
    assert approvals_of(submitted) == [
        ("UZ", Kind.CHANGES_REQUESTED, uz_national.pk, "Add the dates of the fair.")
    ]
    assert (fields_of(submitted), transitions_of(submitted)) == before


def test_a_decision_on_a_newer_version_adds_a_row_beside_the_superseded_one(
    submitted, coordinator, uzbekistan, uz_national
):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.CHANGES_REQUESTED,
        actor=uz_national,
        version=1,
        comment="Add the dates of the fair.",
    )
    programme_resubmit(programme=submitted, actor=coordinator, comment="Dates of the fair added.")
    second_national = UserFactory(username="uz.deputy")

    second = programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=second_national,
        version=2,
        comment="Dates added.",
    )

    assert register_of(submitted) == [
        ("UZ", Kind.CHANGES_REQUESTED, 1, 2),
        ("UZ", Kind.APPROVED, 2, None),
    ]
    assert approvals_of(submitted) == [
        ("UZ", Kind.CHANGES_REQUESTED, uz_national.pk, "Add the dates of the fair."),
        ("UZ", Kind.APPROVED, second_national.pk, "Dates added."),
    ]
    assert second.pk == Decision.objects.filter(programme=submitted).latest("pk").pk
    assert stored(submitted).status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("last_decision", "comment", "status"),
    [
        (Kind.APPROVED, "", Status.APPROVED),
        (Kind.REJECTED, "Out of budget.", Status.REJECTED),
    ],
)
def test_a_decision_taken_earlier_dates_the_approval_and_the_transition(
    last_decision, comment, status, submitted, uzbekistan, kazakhstan, uz_national, kz_national
):
    uz_day = datetime.datetime(2022, 12, 20, 9, 30, tzinfo=datetime.UTC)
    kz_day = datetime.datetime(2022, 12, 22, 11, 0, tzinfo=datetime.UTC)

    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
        at=uz_day,
    )
    programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=last_decision,
        actor=kz_national,
        version=1,
        comment=comment,
        at=kz_day,
    )

    assert list(
        submitted.decisions.order_by("country__code").values_list("country__code", "decided_at")
    ) == [("KZ", kz_day), ("UZ", uz_day)]
    last = submitted.transitions.order_by("pk").last()
    assert (last.to_status, last.at) == (status, kz_day)


def test_every_decision_raises_the_version(
    submitted, coordinator, uzbekistan, kazakhstan, uz_national, kz_national
):
    assert stored(submitted).version == 3
    versions = []

    def decide(country, decision, actor, comment=""):
        programme_decide(
            programme=submitted,
            country=country,
            decision=decision,
            actor=actor,
            version=stored(submitted).current_version.number,
            comment=comment,
        )
        versions.append((stored(submitted).version, submitted.version))

    decide(uzbekistan, Kind.CHANGES_REQUESTED, uz_national, "Add the dates.")
    decide(kazakhstan, Kind.APPROVED, kz_national)
    programme_resubmit(programme=submitted, actor=coordinator, comment="Dates added.")
    decide(uzbekistan, Kind.APPROVED, uz_national)
    decide(kazakhstan, Kind.APPROVED, kz_national)

    assert versions == [(4, 4), (5, 5), (7, 7), (8, 8)]
    assert stored(submitted).status == Status.APPROVED


# ---------- programme_update ----------


def test_an_update_from_a_stale_version_saves_nothing(submitted, rows, coordinator):
    before = (fields_of(submitted), partners_of(submitted), transitions_of(submitted))

    with pytest.raises(StaleVersion) as refused:
        programme_update(
            programme=submitted,
            actor=coordinator,
            version=1,
            title="Abay and his time",
            budget_amount=Decimal("1.00"),
            partners=[*rows.initial, rows.theatre],
        )

    assert refused.value.messages == [STALE]
    assert (fields_of(submitted), partners_of(submitted), transitions_of(submitted)) == before


@pytest.mark.parametrize("field", ["status", "id", "created_by", "titel"])
def test_an_update_of_a_field_no_one_may_change_is_a_programming_error(field, draft, coordinator):
    before = fields_of(draft)

    with pytest.raises(TypeError) as refused:
        programme_update(
            programme=draft, actor=coordinator, version=1, title="New title", **{field: None}
        )

    assert str(refused.value) == f"programme_update cannot change ['{field}']"
    assert fields_of(draft) == before


def test_a_new_title_keeps_an_approved_programme_approved(approved, coordinator):
    fields = fields_of(approved)
    before = (transitions_of(approved), approvals_of(approved), register_of(approved))

    saved = programme_update(
        programme=approved,
        actor=coordinator,
        version=fields["version"],
        title="Abay: Heritage of Fraternal Peoples",
        summary="Manuscripts and paintings.",
    )

    assert saved.returned_for_decision is False
    assert saved.programme.pk == approved.pk
    assert fields_of(approved) == {
        **fields,
        "title": "Abay: Heritage of Fraternal Peoples",
        "summary": "Manuscripts and paintings.",
        "status": Status.APPROVED,
        "version": fields["version"] + 1,
    }
    assert (transitions_of(approved), approvals_of(approved), register_of(approved)) == before
    assert current_number(approved) == 1


@pytest.mark.parametrize("change", SCOPE_CHANGES)
def test_a_change_of_scope_supersedes_a_decision_already_taken(
    change, submitted, rows, coordinator, uzbekistan, uz_national
):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    changes = scope_change(change, rows)
    before = transitions_of(submitted)

    saved = programme_update(
        programme=submitted, actor=coordinator, version=stored(submitted).version, **changes
    )

    assert saved.returned_for_decision is True
    assert stored(submitted).status == Status.SUBMITTED
    assert register_of(submitted) == [("UZ", Kind.APPROVED, 1, 2)]
    assert approvals_of(submitted) == [("UZ", Kind.APPROVED, uz_national.pk, "")]
    assert (current_number(submitted), versions_of(submitted)[-1]) == (
        2,
        (2, Reason.CHANGED, SCOPE_CHANGES[change], coordinator.pk),
    )
    # The programme stays submitted: its new version is the record of the change.
    assert transitions_of(submitted) == before
    assert_saved(submitted, changes)


@pytest.mark.parametrize("change", SCOPE_CHANGES)
def test_a_change_of_scope_before_any_decision_is_a_new_version(
    change, submitted, rows, coordinator
):
    changes = scope_change(change, rows)
    version = stored(submitted).version
    before = transitions_of(submitted)

    saved = programme_update(programme=submitted, actor=coordinator, version=version, **changes)

    assert saved.returned_for_decision is True
    assert stored(submitted).status == Status.SUBMITTED
    assert stored(submitted).version == saved.programme.version > version
    assert [number for number, *_ in versions_of(submitted)] == [1, 2]
    assert (current_number(submitted), versions_of(submitted)[-1]) == (
        2,
        (2, Reason.CHANGED, SCOPE_CHANGES[change], coordinator.pk),
    )
    assert register_of(submitted) == []
    assert transitions_of(submitted) == before
    assert_saved(submitted, changes)


def test_a_change_beside_the_scope_keeps_the_decisions_taken(
    submitted, coordinator, uzbekistan, uz_national
):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    changes = {
        "title": "Abay and his time",
        "summary": "Manuscripts, letters and paintings.",
        "kind": Programme.Kind.FESTIVAL,
    }
    before = (transitions_of(submitted), versions_of(submitted))

    saved = programme_update(
        programme=submitted, actor=coordinator, version=stored(submitted).version, **changes
    )

    assert saved.returned_for_decision is False
    assert approvals_of(submitted) == [("UZ", Kind.APPROVED, uz_national.pk, "")]
    assert register_of(submitted) == [("UZ", Kind.APPROVED, 1, None)]
    assert (transitions_of(submitted), versions_of(submitted)) == before
    assert current_number(submitted) == 1
    assert stored(submitted).kind == Programme.Kind.FESTIVAL
    assert_saved(submitted, {"title": changes["title"], "summary": changes["summary"]})


@pytest.mark.parametrize(
    "change",
    ["title", "summary", *SCOPE_CHANGES],
)
def test_an_edit_alone_does_not_answer_a_request_for_changes(
    change, submitted, rows, coordinator, uzbekistan, kazakhstan, uz_national, kz_national
):
    """Editing the programme, whatever it changes, leaves the request waiting for its
    coordinators to resubmit; a change of the approved content supersedes the decisions on
    the way."""
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    request = programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.CHANGES_REQUESTED,
        actor=kz_national,
        version=1,
        comment="Add the dates of the fair.",
    )
    changes = {
        "title": {"title": "Abay and his time"},
        "summary": {"summary": "With the dates of the fair."},
    }.get(change) or scope_change(change, rows)
    in_content = change in SCOPE_CHANGES
    before = transitions_of(submitted)

    saved = programme_update(
        programme=submitted, actor=coordinator, version=stored(submitted).version, **changes
    )

    superseded_by = 2 if in_content else None
    assert saved.returned_for_decision is in_content
    assert stored(submitted).status == Status.SUBMITTED
    assert open_change_requests(stored(submitted)) == [request]
    assert register_of(submitted) == [
        ("UZ", Kind.APPROVED, 1, superseded_by),
        ("KZ", Kind.CHANGES_REQUESTED, 1, superseded_by),
    ]
    assert current_number(submitted) == (2 if in_content else 1)
    assert transitions_of(submitted) == before
    assert_saved(submitted, changes)


# ---------- programme_resubmit ----------


def test_resubmitting_answers_a_request_for_changes_with_a_new_version(
    submitted, rows, coordinator, uzbekistan, kazakhstan, uz_national, kz_national
):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.CHANGES_REQUESTED,
        actor=kz_national,
        version=1,
        comment="Add the dates of the fair.",
    )
    before = transitions_of(submitted)

    transition = programme_resubmit(
        programme=submitted, actor=coordinator, comment="  The fair is on 12–14 May.  "
    )

    assert stored(submitted).status == Status.SUBMITTED
    assert open_change_requests(stored(submitted)) == []
    assert register_of(submitted) == [
        ("UZ", Kind.APPROVED, 1, 2),
        ("KZ", Kind.CHANGES_REQUESTED, 1, 2),
    ]
    assert (current_number(submitted), versions_of(submitted)[-1]) == (
        2,
        (2, Reason.RESUBMITTED, "The fair is on 12–14 May.", coordinator.pk),
    )
    assert transitions_of(submitted) == [
        *before,
        (
            Status.SUBMITTED,
            Status.SUBMITTED,
            coordinator.pk,
            "Resubmitted: The fair is on 12–14 May.",
        ),
    ]
    assert transition.pk == submitted.transitions.order_by("pk").last().pk


def test_resubmitting_needs_a_request_for_changes(submitted, coordinator, uzbekistan, uz_national):
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    before = (fields_of(submitted), transitions_of(submitted), versions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_resubmit(programme=submitted, actor=coordinator, comment="Nothing asked.")

    assert refused.value.messages == ["No request for changes waits for an answer."]
    assert (fields_of(submitted), transitions_of(submitted), versions_of(submitted)) == before
    assert register_of(submitted) == [("UZ", Kind.APPROVED, 1, None)]


@pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
def test_resubmitting_says_what_was_changed(
    comment, submitted, coordinator, kazakhstan, kz_national
):
    programme_decide(
        programme=submitted,
        country=kazakhstan,
        decision=Kind.CHANGES_REQUESTED,
        actor=kz_national,
        version=1,
        comment="Add the dates of the fair.",
    )
    before = (fields_of(submitted), transitions_of(submitted), versions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_resubmit(programme=submitted, actor=coordinator, comment=comment)

    assert refused.value.message_dict == {
        "comment": ["Say what was changed, for the national coordinators."]
    }
    assert (fields_of(submitted), transitions_of(submitted), versions_of(submitted)) == before


def test_a_request_for_changes_on_paper_dated_the_day_of_the_submission_can_be_answered(
    submitted, coordinator, uzbekistan
):
    """Submitted at 18:00 in Tashkent yesterday; the ministry's letter asking for changes is
    dated yesterday, so the decision is dated noon of yesterday, before the submission. The
    request is still the one the coordinators answer by resubmitting."""
    yesterday = timezone.localdate(timezone=TASHKENT) - datetime.timedelta(days=1)
    ProgrammeVersion.objects.filter(pk=stored(submitted).current_version.pk).update(
        created_at=datetime.datetime.combine(yesterday, datetime.time(18), tzinfo=TASHKENT)
    )
    request = programme_decide(
        programme=stored(submitted),
        country=uzbekistan,
        decision=Kind.CHANGES_REQUESTED,
        actor=UserFactory(is_superuser=True, is_staff=True),
        version=1,
        comment="Add the dates of the fair.",
        paper=PaperLetter(registry_number="01/2-455", letter_date=yesterday),
    )

    assert request.decided_at == datetime.datetime.combine(
        yesterday, datetime.time(12), tzinfo=TASHKENT
    )
    assert open_change_requests(stored(submitted)) == [request]
    programme_resubmit(programme=submitted, actor=coordinator, comment="Dates added.")
    assert register_of(submitted) == [("UZ", Kind.CHANGES_REQUESTED, 1, 2)]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED, Status.REJECTED])
def test_resubmitting_is_for_a_submitted_programme_only(status, draft, coordinator):
    advance(draft, status)
    before = (fields_of(draft), transitions_of(draft), versions_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_resubmit(programme=draft, actor=coordinator, comment="Changed.")

    assert refused.value.messages == ["Only a submitted programme is resubmitted."]
    assert (fields_of(draft), transitions_of(draft), versions_of(draft)) == before


# ---------- programme_update: active and closed programmes, partners ----------


CLOSED_CONTENT = (
    "This programme is %s: what the countries approved — its partners, dates and budget, its "
    "events' dates, places, hosts and whether they go ahead — changes only through an amendment "
    "that every participating country approves."
)


@pytest.mark.parametrize("status", [Status.APPROVED, Status.ACTIVE])
@pytest.mark.parametrize("change", SCOPE_CHANGES)
def test_the_scope_of_a_programme_under_way_changes_only_by_amendment(
    change, status, draft, rows, coordinator
):
    advance(draft, status)
    before = (
        fields_of(draft),
        partners_of(draft),
        transitions_of(draft),
        approvals_of(draft),
        versions_of(draft),
    )

    with pytest.raises(ValidationError) as refused:
        programme_update(
            programme=draft,
            actor=coordinator,
            version=stored(draft).version,
            title="Abay and his time",
            **scope_change(change, rows),
        )

    assert refused.value.messages == [CLOSED_CONTENT % status]
    assert (
        fields_of(draft),
        partners_of(draft),
        transitions_of(draft),
        approvals_of(draft),
        versions_of(draft),
    ) == before


def test_an_active_programme_still_takes_a_new_title(draft, coordinator):
    advance(draft, Status.ACTIVE)
    version = stored(draft).version

    saved = programme_update(
        programme=draft, actor=coordinator, version=version, title="Abay and his time"
    )

    assert saved.returned_for_decision is False
    assert (stored(draft).title, stored(draft).status, stored(draft).version) == (
        "Abay and his time",
        Status.ACTIVE,
        version + 1,
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.COMPLETED, "This programme is completed and can no longer be changed."),
        (Status.CANCELLED, "This programme is cancelled and can no longer be changed."),
        (Status.REJECTED, "This programme is rejected and can no longer be changed."),
    ],
)
@pytest.mark.parametrize("change", ["title", "partners"])
def test_a_closed_programme_refuses_any_change(status, message, change, draft, rows, coordinator):
    advance(draft, status)
    changes = {
        "title": {"title": "Abay and his time"},
        "partners": {"partners": [*rows.initial, rows.theatre]},
    }[change]
    before = (fields_of(draft), partners_of(draft), transitions_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_update(
            programme=draft, actor=coordinator, version=stored(draft).version, **changes
        )

    assert refused.value.messages == [message]
    assert (fields_of(draft), partners_of(draft), transitions_of(draft)) == before


def test_the_lead_is_handed_to_a_partner_in_one_step(draft, rows, coordinator):
    partners = [
        dataclasses.replace(rows.lead, role=Role.PARTNER),
        dataclasses.replace(rows.partner, role=Role.LEAD),
        rows.gallery,
    ]

    saved = programme_update(programme=draft, actor=coordinator, version=1, partners=partners)

    assert saved.returned_for_decision is False
    assert partners_of(draft) == [
        (
            "Al-Farabi Kazakh National University",
            Role.LEAD,
            "Manuscripts of Abay",
            Decimal("10000.00"),
            "KZT",
        ),
        ("Fine Arts Gallery of Uzbekistan", Role.PARTNER, "Exhibition halls", None, ""),
        ("University of World Economy and Diplomacy", Role.PARTNER, "Curators", None, ""),
    ]
    assert (stored(draft).status, stored(draft).version) == (Status.DRAFT, 2)


def test_a_new_institution_can_take_the_lead_from_one_that_stays(draft, rows, coordinator):
    partners = [
        dataclasses.replace(rows.lead, role=Role.PARTNER),
        rows.partner,
        rows.gallery,
        dataclasses.replace(rows.theatre, role=Role.LEAD),
    ]

    programme_update(programme=draft, actor=coordinator, version=1, partners=partners)

    assert partners_of(draft) == as_partners(partners)


@pytest.mark.parametrize(
    ("hosts", "message"),
    [
        (
            ["gallery"],
            "Fine Arts Gallery of Uzbekistan hosts events of this programme: move those events "
            "first.",
        ),
        (
            ["gallery", "partner"],
            "Al-Farabi Kazakh National University, Fine Arts Gallery of Uzbekistan host events "
            "of this programme: move those events first.",
        ),
    ],
)
def test_a_partner_hosting_events_cannot_be_removed(hosts, message, draft, rows, coordinator):
    for host in hosts:
        EventFactory(programme=draft, host_institution=getattr(rows, host).institution)
    # The theatre comes in, so that the programme keeps partners of both countries.
    partners = [rows.lead, dataclasses.replace(rows.theatre, role=Role.PARTNER)]
    before = (fields_of(draft), partners_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_update(
            programme=draft, actor=coordinator, version=1, title="Abay", partners=partners
        )

    assert refused.value.messages == [message]
    assert (fields_of(draft), partners_of(draft)) == before


@pytest.mark.parametrize(
    ("partner_rows", "message"),
    [
        ("no lead", "A programme has exactly one lead institution."),
        ("two leads", "A programme has exactly one lead institution."),
        ("twice the same", "Each institution takes part in a programme only once."),
    ],
)
def test_partners_are_one_lead_and_each_institution_once(
    partner_rows, message, draft, rows, coordinator
):
    partners = {
        "no lead": [dataclasses.replace(rows.lead, role=Role.PARTNER), rows.partner],
        "two leads": [rows.lead, dataclasses.replace(rows.partner, role=Role.LEAD)],
        "twice the same": [
            rows.lead,
            rows.partner,
            dataclasses.replace(rows.partner, contribution="Again"),
        ],
    }[partner_rows]
    before = (fields_of(draft), partners_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_update(programme=draft, actor=coordinator, version=1, partners=partners)

    assert refused.value.messages == [message]
    assert (fields_of(draft), partners_of(draft)) == before


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_submitted_programme_keeps_partners_of_two_countries(status, draft, rows, coordinator):
    advance(draft, status)
    before = (fields_of(draft), partners_of(draft), approvals_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_update(
            programme=draft,
            actor=coordinator,
            version=stored(draft).version,
            partners=[rows.lead, rows.gallery],
        )

    assert refused.value.messages == [
        "A submitted programme keeps partners from at least two countries: withdraw it to "
        "draft first."
    ]
    assert (fields_of(draft), partners_of(draft), approvals_of(draft)) == before


def test_a_draft_may_drop_to_one_country_while_it_is_worked_on(draft, rows, coordinator):
    programme_update(
        programme=draft, actor=coordinator, version=1, partners=[rows.lead, rows.gallery]
    )

    assert partners_of(draft) == as_partners([rows.lead, rows.gallery])


# ---------- withdraw, reopen, activate, complete, cancel ----------


def test_withdraw_takes_a_submitted_programme_back_to_draft_keeping_its_decisions(
    submitted, coordinator, uzbekistan, uz_national
):
    """The decisions stay in the register through the withdrawal; submitted again, the
    programme is a new version that supersedes them."""
    programme_decide(
        programme=submitted,
        country=uzbekistan,
        decision=Kind.APPROVED,
        actor=uz_national,
        version=1,
    )
    version = stored(submitted).version

    programme_withdraw(programme=submitted, actor=coordinator, comment="A partner changes.")

    assert (stored(submitted).status, stored(submitted).version) == (Status.DRAFT, version + 1)
    assert approvals_of(submitted) == [("UZ", Kind.APPROVED, uz_national.pk, "")]
    assert register_of(submitted) == [("UZ", Kind.APPROVED, 1, None)]
    assert transitions_of(submitted)[-1] == (
        Status.SUBMITTED,
        Status.DRAFT,
        coordinator.pk,
        "A partner changes.",
    )

    programme_submit(programme=submitted, actor=coordinator, comment="The partner stays.")

    assert register_of(submitted) == [("UZ", Kind.APPROVED, 1, 2)]
    assert (current_number(submitted), versions_of(submitted)[-1]) == (
        2,
        (2, Reason.SUBMITTED, "The partner stays.", coordinator.pk),
    )


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.APPROVED, Status.ACTIVE, Status.COMPLETED, Status.REJECTED],
)
def test_withdraw_takes_back_only_a_submitted_programme(status, draft, coordinator):
    advance(draft, status)
    before = (fields_of(draft), transitions_of(draft), approvals_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_withdraw(programme=draft, actor=coordinator)

    assert refused.value.messages == ["Only a submitted programme can be withdrawn."]
    assert (fields_of(draft), transitions_of(draft), approvals_of(draft)) == before


def test_reopen_takes_a_rejected_programme_back_to_draft_keeping_its_decisions(draft, coordinator):
    advance(draft, Status.REJECTED)
    assert register_of(draft) == [("KZ", Kind.REJECTED, 1, None)]

    programme_reopen(programme=draft, actor=coordinator, comment="Budget halved.")

    assert stored(draft).status == Status.DRAFT
    assert register_of(draft) == [("KZ", Kind.REJECTED, 1, None)]
    assert transitions_of(draft)[-1] == (
        Status.REJECTED,
        Status.DRAFT,
        coordinator.pk,
        "Budget halved.",
    )

    programme_submit(programme=draft, actor=coordinator, comment="Half the budget.")

    assert (stored(draft).status, current_number(draft)) == (Status.SUBMITTED, 2)
    assert register_of(draft) == [("KZ", Kind.REJECTED, 1, 2)]


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.COMPLETED, Status.CANCELLED],
)
def test_reopen_takes_back_only_a_rejected_programme(status, draft, coordinator):
    advance(draft, status)
    before = (fields_of(draft), transitions_of(draft), approvals_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_reopen(programme=draft, actor=coordinator)

    assert refused.value.messages == ["Only a rejected programme can be reopened."]
    assert (fields_of(draft), transitions_of(draft), approvals_of(draft)) == before


def test_activate_then_complete_keep_the_decisions(approved, coordinator):
    decisions = approvals_of(approved)

    programme_activate(programme=approved, actor=coordinator, comment="Opened in Tashkent.")
    programme_complete(programme=approved, actor=coordinator, comment="Closed in Almaty.")

    assert stored(approved).status == Status.COMPLETED
    assert transitions_of(approved)[-2:] == [
        (Status.APPROVED, Status.ACTIVE, coordinator.pk, "Opened in Tashkent."),
        (Status.ACTIVE, Status.COMPLETED, coordinator.pk, "Closed in Almaty."),
    ]
    assert approvals_of(approved) == decisions


@pytest.mark.parametrize(
    ("step", "status", "message"),
    [
        (programme_activate, Status.DRAFT, "A programme cannot go from Draft to Active."),
        (programme_activate, Status.SUBMITTED, "A programme cannot go from Submitted to Active."),
        (programme_activate, Status.ACTIVE, "A programme cannot go from Active to Active."),
        (programme_activate, Status.REJECTED, "A programme cannot go from Rejected to Active."),
        (programme_complete, Status.DRAFT, "A programme cannot go from Draft to Completed."),
        (
            programme_complete,
            Status.APPROVED,
            "A programme cannot go from Approved to Completed.",
        ),
        (
            programme_complete,
            Status.COMPLETED,
            "A programme cannot go from Completed to Completed.",
        ),
        (
            programme_complete,
            Status.CANCELLED,
            "A programme cannot go from Cancelled to Completed.",
        ),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_activate_and_complete_keep_to_the_workflow(step, status, message, draft, coordinator):
    advance(draft, status)
    before = (fields_of(draft), transitions_of(draft))

    with pytest.raises(ValidationError) as refused:
        step(programme=draft, actor=coordinator)

    assert refused.value.messages == [message]
    assert (fields_of(draft), transitions_of(draft)) == before


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.ACTIVE])
def test_cancel_stops_an_open_programme_with_its_reason(status, draft, coordinator):
    advance(draft, status)
    version = stored(draft).version

    programme_cancel(programme=draft, actor=coordinator, comment="  The venue closed.  ")

    assert (stored(draft).status, stored(draft).version) == (Status.CANCELLED, version + 1)
    assert transitions_of(draft)[-1] == (
        status,
        Status.CANCELLED,
        coordinator.pk,
        "The venue closed.",
    )


def test_a_draft_is_not_cancelled_but_stays_with_its_partners(draft, coordinator):
    before = (fields_of(draft), transitions_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_cancel(programme=draft, actor=coordinator, comment="No funding.")

    assert refused.value.messages == ["A programme cannot go from Draft to Cancelled."]
    assert (fields_of(draft), transitions_of(draft)) == before


@pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
def test_cancel_requires_a_reason(comment, submitted, coordinator):
    before = (fields_of(submitted), transitions_of(submitted))

    with pytest.raises(ValidationError) as refused:
        programme_cancel(programme=submitted, actor=coordinator, comment=comment)

    assert refused.value.message_dict == {"comment": ["Say why the programme is cancelled."]}
    assert (fields_of(submitted), transitions_of(submitted)) == before


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.COMPLETED, "A programme cannot go from Completed to Cancelled."),
        (Status.REJECTED, "A programme cannot go from Rejected to Cancelled."),
        (Status.CANCELLED, "A programme cannot go from Cancelled to Cancelled."),
    ],
)
def test_cancel_refuses_a_closed_programme(status, message, draft, coordinator):
    advance(draft, status)
    before = (fields_of(draft), transitions_of(draft))

    with pytest.raises(ValidationError) as refused:
        programme_cancel(programme=draft, actor=coordinator, comment="The venue closed.")

    assert refused.value.messages == [message]
    assert (fields_of(draft), transitions_of(draft)) == before
