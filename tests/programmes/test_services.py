import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmes.models import (
    Agreement,
    AgreementParty,
    Decision,
    Partnership,
    Programme,
    ProgrammeTransition,
)
from programmes.services import (
    agreement_create,
    partnership_add,
    programme_create,
    programme_decide,
    programme_resubmit,
    programme_transition,
)
from tests.factories import (
    CountryFactory,
    InstitutionFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    version_of,
)

pytestmark = pytest.mark.django_db

Status = Programme.Status
SIGNED_ON = datetime.date(2022, 12, 22)


@pytest.fixture
def uz_university():
    return InstitutionFactory(
        name="University of World Economy and Diplomacy", country=CountryFactory(code="UZ")
    )


@pytest.fixture
def kz_university():
    return InstitutionFactory(
        name="Al-Farabi Kazakh National University", country=CountryFactory(code="KZ")
    )


# agreement_create


@pytest.mark.parametrize("party_count", [0, 1, 2], ids=["none", "one", "one-twice"])
def test_agreement_create_refuses_fewer_than_two_distinct_parties(party_count, uz_university):
    parties = [uz_university] * party_count

    with pytest.raises(ValidationError) as refused:
        agreement_create(
            actor=UserFactory(),
            title="Memorandum",
            kind=Agreement.Kind.MEMORANDUM,
            signed_on=SIGNED_ON,
            parties=parties,
        )

    assert refused.value.messages == ["An agreement needs at least two different parties."]
    assert (Agreement.objects.count(), AgreementParty.objects.count()) == (0, 0)
    assert Agreement.history.count() == 0


def test_agreement_create_records_each_party_once(uz_university, kz_university):
    agreement = agreement_create(
        actor=None,
        title="Agreement on cooperation in higher education",
        kind=Agreement.Kind.INTERGOVERNMENTAL,
        signed_on=SIGNED_ON,
        parties=[uz_university, kz_university, uz_university],
    )

    # Parties are listed by country name: Kazakhstan before Uzbekistan.
    assert list(agreement.party_rows.values_list("institution", flat=True)) == [
        kz_university.pk,
        uz_university.pk,
    ]


def test_agreement_create_is_valid_from_signing_by_default(uz_university, kz_university):
    agreement = agreement_create(
        actor=None,
        title="Memorandum",
        kind=Agreement.Kind.MEMORANDUM,
        signed_on=SIGNED_ON,
        parties=[uz_university, kz_university],
    )

    agreement.refresh_from_db()
    assert (agreement.valid_from, agreement.valid_until) == (SIGNED_ON, None)


def test_agreement_create_keeps_an_explicit_validity(uz_university, kz_university):
    agreement = agreement_create(
        actor=None,
        title="Memorandum",
        kind=Agreement.Kind.MEMORANDUM,
        signed_on=SIGNED_ON,
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
        parties=[uz_university, kz_university],
    )

    agreement.refresh_from_db()
    assert (agreement.valid_from, agreement.valid_until) == (
        datetime.date(2023, 1, 1),
        datetime.date(2027, 12, 31),
    )


def test_agreement_create_refuses_an_end_before_the_start_and_writes_nothing(
    uz_university, kz_university
):
    with pytest.raises(ValidationError) as refused:
        agreement_create(
            actor=None,
            title="Memorandum",
            kind=Agreement.Kind.MEMORANDUM,
            signed_on=SIGNED_ON,
            valid_until=SIGNED_ON - datetime.timedelta(days=1),
            parties=[uz_university, kz_university],
        )

    assert refused.value.message_dict == {
        "__all__": ["An agreement cannot end before it takes effect."]
    }
    assert (Agreement.objects.count(), AgreementParty.objects.count()) == (0, 0)


def test_agreement_create_writes_history_by_the_actor(uz_university, kz_university):
    actor = UserFactory()

    agreement = agreement_create(
        actor=actor,
        title="Memorandum",
        kind=Agreement.Kind.MEMORANDUM,
        signed_on=SIGNED_ON,
        parties=[uz_university, kz_university],
    )

    record = agreement.history.get()
    assert (record.history_type, record.history_user, record.title) == ("+", actor, "Memorandum")


# programme_create


def test_programme_create_makes_a_draft_led_by_the_institution(uz_university):
    actor = UserFactory()

    programme = programme_create(
        actor=actor,
        lead=uz_university,
        title="Days of Kazakh culture in Tashkent",
        kind=Programme.Kind.FESTIVAL,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 9, 7),
        budget_amount=Decimal("50000.00"),
        budget_currency="USD",
    )

    programme.refresh_from_db()
    assert (programme.status, programme.created_by) == (Status.DRAFT, actor)
    assert (programme.budget_amount, programme.budget_currency) == (Decimal("50000.00"), "USD")
    assert list(programme.partnerships.values_list("institution", "role")) == [
        (uz_university.pk, Partnership.Role.LEAD)
    ]
    assert list(programme.transitions.values_list("from_status", "to_status", "actor")) == [
        ("", Status.DRAFT, actor.pk)
    ]
    assert programme.history.get().history_user == actor


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(Decimal("100.00"), ""), (None, "KZT"), (Decimal("-1.00"), "KZT")],
    ids=["amount-without-currency", "currency-without-amount", "negative"],
)
def test_programme_create_refuses_money_that_is_not_whole(amount, currency, uz_university):
    with pytest.raises(ValidationError) as refused:
        programme_create(
            actor=None,
            lead=uz_university,
            title="Festival",
            kind=Programme.Kind.FESTIVAL,
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2026, 9, 7),
            budget_amount=amount,
            budget_currency=currency,
        )

    assert refused.value.message_dict == {
        "__all__": ["Give the budget as an amount of zero or more together with its currency."]
    }
    assert (Programme.objects.count(), Partnership.objects.count()) == (0, 0)
    assert ProgrammeTransition.objects.count() == 0


def test_programme_create_refuses_an_end_before_the_start(uz_university):
    with pytest.raises(ValidationError) as refused:
        programme_create(
            actor=None,
            lead=uz_university,
            title="Festival",
            kind=Programme.Kind.FESTIVAL,
            starts_on=datetime.date(2026, 9, 7),
            ends_on=datetime.date(2026, 9, 1),
        )

    assert refused.value.message_dict == {"__all__": ["A programme cannot end before it starts."]}
    assert Programme.objects.count() == 0


# partnership_add


def test_partnership_add_adds_a_partner_with_its_funding(uz_university, kz_university):
    programme = programme_create(
        actor=None,
        lead=uz_university,
        title="Joint master's programme",
        kind=Programme.Kind.JOINT_DEGREE,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2028, 6, 30),
    )

    partnership_add(
        actor=None,
        programme=programme,
        institution=kz_university,
        contribution="Teaching staff",
        funding_amount=Decimal("12000000.00"),
        funding_currency="KZT",
    )

    assert list(
        programme.partnerships.values_list(
            "institution", "role", "contribution", "funding_amount", "funding_currency"
        )
    ) == [
        (uz_university.pk, "lead", "", None, ""),
        (kz_university.pk, "partner", "Teaching staff", Decimal("12000000.00"), "KZT"),
    ]


@pytest.mark.parametrize("role", [Partnership.Role.LEAD, Partnership.Role.PARTNER])
def test_partnership_add_refuses_a_second_row_for_the_same_institution(role, kz_university):
    existing = PartnershipFactory(institution=kz_university, role=role)

    with pytest.raises(ValidationError) as refused:
        partnership_add(actor=None, programme=existing.programme, institution=kz_university)

    assert refused.value.message_dict == {
        "__all__": ["This institution is already a partner of the programme."]
    }
    assert list(existing.programme.partnerships.all()) == [existing]


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(Decimal("100.00"), ""), (None, "KZT"), (Decimal("-1.00"), "KZT")],
    ids=["amount-without-currency", "currency-without-amount", "negative"],
)
def test_partnership_add_refuses_funding_that_is_not_whole(amount, currency, kz_university):
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError) as refused:
        partnership_add(
            actor=None,
            programme=programme,
            institution=kz_university,
            funding_amount=amount,
            funding_currency=currency,
        )

    assert refused.value.message_dict == {
        "__all__": ["Give the funding as an amount of zero or more together with its currency."]
    }
    assert programme.partnerships.count() == 0


# programme_transition

EVERY_PAIR = list(itertools.product(Status.values, repeat=2))
ALLOWED_PAIRS = [pair for pair in EVERY_PAIR if pair[1] in Status.transitions[pair[0]]]
REFUSED_PAIRS = [pair for pair in EVERY_PAIR if pair[1] not in Status.transitions[pair[0]]]
# The names a person reads in a refusal, written out so that a changed label is noticed.
LABELS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "approved": "Approved",
    "active": "Active",
    "completed": "Completed",
    "rejected": "Rejected",
    "cancelled": "Cancelled",
}


def test_the_workflow_has_the_designed_edges():
    assert set(Status.transitions) == set(Status.values)
    assert set(ALLOWED_PAIRS) == {
        ("draft", "submitted"),
        ("submitted", "draft"),
        ("submitted", "approved"),
        ("submitted", "rejected"),
        ("submitted", "cancelled"),
        ("approved", "submitted"),
        ("approved", "active"),
        ("approved", "cancelled"),
        ("active", "completed"),
        ("active", "cancelled"),
        ("rejected", "draft"),
    }


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED_PAIRS)
def test_programme_transition_takes_an_allowed_edge(from_status, to_status):
    programme = ProgrammeFactory(status=from_status)
    actor = UserFactory()

    transition = programme_transition(
        programme=programme, to_status=to_status, actor=actor, comment="Agreed at the meeting."
    )

    programme.refresh_from_db()
    assert programme.status == to_status
    assert list(
        programme.transitions.values_list("pk", "from_status", "to_status", "actor", "comment")
    ) == [(transition.pk, from_status, to_status, actor.pk, "Agreed at the meeting.")]
    assert programme.history.latest().history_user == actor


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED_PAIRS)
def test_programme_transition_refuses_any_other_edge(from_status, to_status):
    programme = ProgrammeFactory(status=from_status)

    with pytest.raises(ValidationError) as refused:
        programme_transition(programme=programme, to_status=to_status, actor=UserFactory())

    assert refused.value.messages == [
        f"A programme cannot go from {LABELS[from_status]} to {LABELS[to_status]}."
    ]
    assert programme.status == from_status
    programme.refresh_from_db()
    assert programme.status == from_status
    assert ProgrammeTransition.objects.count() == 0


def test_programme_transition_starts_from_the_stored_status_not_a_stale_copy():
    programme = ProgrammeFactory(status=Status.DRAFT)
    stale_copy = Programme.objects.get(pk=programme.pk)
    programme_transition(programme=programme, to_status=Status.SUBMITTED, actor=None)

    # Draft → approved is no edge, but the stored status is submitted.
    transition = programme_transition(programme=stale_copy, to_status=Status.APPROVED, actor=None)

    assert (transition.from_status, transition.to_status) == (Status.SUBMITTED, Status.APPROVED)
    programme.refresh_from_db()
    assert programme.status == Status.APPROVED


# programme_decide


def test_programme_decide_refuses_a_country_that_does_not_take_part():
    programme = ProgrammeFactory(status=Status.SUBMITTED)
    PartnershipFactory(programme=programme, institution=InstitutionFactory())
    version = version_of(programme)

    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=programme,
            country=CountryFactory(code="KG"),
            decision=Decision.Kind.APPROVED,
            actor=UserFactory(),
            version=version.number,
        )

    assert refused.value.messages == ["Kyrgyzstan is not a participant of this programme."]
    assert Decision.objects.count() == 0


def test_programme_transition_refuses_an_unknown_status():
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError) as refused:
        programme_transition(programme=programme, to_status="archived", actor=None)

    assert refused.value.messages == ["archived is not a programme status."]
    programme.refresh_from_db()
    assert programme.status == Status.DRAFT


def test_programme_decide_keeps_one_row_per_country_and_version():
    """A country decides once on a version; a decision on a newer version is a row of its own,
    and the older one stays, superseded."""
    programme = ProgrammeFactory(status=Status.SUBMITTED)
    uzbekistan = CountryFactory(code="UZ")
    kazakhstan = CountryFactory(code="KZ")
    for country in (uzbekistan, kazakhstan):
        PartnershipFactory(programme=programme, institution=InstitutionFactory(country=country))
    version_of(programme)
    uz_national = UserFactory()
    kz_national = UserFactory()

    first = programme_decide(
        programme=programme,
        country=uzbekistan,
        decision=Decision.Kind.CHANGES_REQUESTED,
        actor=uz_national,
        version=1,
        comment="Add the dates of the fair.",
    )
    with pytest.raises(ValidationError) as refused:
        programme_decide(
            programme=programme,
            country=uzbekistan,
            decision=Decision.Kind.APPROVED,
            actor=uz_national,
            version=1,
        )
    programme_resubmit(programme=programme, actor=None, comment="Dates added.")
    second = programme_decide(
        programme=programme,
        country=uzbekistan,
        decision=Decision.Kind.APPROVED,
        actor=uz_national,
        version=2,
    )
    programme_decide(
        programme=programme,
        country=kazakhstan,
        decision=Decision.Kind.REJECTED,
        actor=kz_national,
        version=2,
        comment="Out of budget.",
    )

    assert refused.value.messages == ["Uzbekistan has already decided on version 1."]
    assert second.pk != first.pk
    assert second.decided_at >= first.decided_at
    assert list(
        programme.decisions.order_by("pk").values_list(
            "country__code",
            "decision",
            "decided_by",
            "comment",
            "version__number",
            "superseded_by__number",
        )
    ) == [
        ("UZ", "changes_requested", uz_national.pk, "Add the dates of the fair.", 1, 2),
        ("UZ", "approved", uz_national.pk, "", 2, None),
        ("KZ", "rejected", kz_national.pk, "Out of budget.", 2, None),
    ]


def test_a_step_taken_on_paper_is_recorded_on_its_own_date():
    programme = ProgrammeFactory()
    PartnershipFactory(programme=programme, institution=InstitutionFactory())
    signed = datetime.datetime(2022, 12, 1, 10, 0, tzinfo=datetime.UTC)

    transition = programme_transition(
        programme=programme, to_status=Status.SUBMITTED, actor=None, at=signed
    )
    version = version_of(programme)
    approval = programme_decide(
        programme=programme,
        country=programme.partnerships.get().institution.country,
        decision=Decision.Kind.APPROVED,
        actor=UserFactory(),
        version=version.number,
        at=signed + datetime.timedelta(days=5),
    )

    assert (transition.at, approval.decided_at) == (signed, signed + datetime.timedelta(days=5))
    # The only country taking part approved: the programme is approved on the decision's date.
    assert list(programme.transitions.order_by("pk").values_list("to_status", "at")) == [
        (Status.SUBMITTED, signed),
        (Status.APPROVED, signed + datetime.timedelta(days=5)),
    ]
