"""The database refuses programme rows that break the rules, and an agreement's derived status
is the same whether it is computed on one row or filtered for in a query."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from programmes.models import Agreement, Decision, Partnership, Programme, ProgrammeVersion
from tests.factories import (
    AgreementFactory,
    CountryFactory,
    DecisionFactory,
    InstitutionFactory,
    PartnershipFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(write):
    """``write`` fails on a database constraint; the savepoint keeps the test's transaction."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_agreement_cannot_end_before_it_starts():
    agreement = AgreementFactory(valid_from=datetime.date(2022, 12, 22))
    rows = Agreement.objects.filter(pk=agreement.pk)

    assert_refused(lambda: rows.update(valid_until=datetime.date(2022, 12, 21)))
    rows.update(valid_until=datetime.date(2022, 12, 22))
    agreement.refresh_from_db()
    assert agreement.valid_until == datetime.date(2022, 12, 22)


def test_agreement_cannot_be_terminated_before_it_is_signed():
    agreement = AgreementFactory(signed_on=datetime.date(2022, 12, 22))
    rows = Agreement.objects.filter(pk=agreement.pk)

    assert_refused(lambda: rows.update(terminated_on=datetime.date(2022, 12, 21)))
    rows.update(terminated_on=datetime.date(2022, 12, 22))
    agreement.refresh_from_db()
    assert agreement.terminated_on == datetime.date(2022, 12, 22)


def test_programme_cannot_end_before_it_starts():
    programme = ProgrammeFactory(starts_on=datetime.date(2026, 5, 1))
    rows = Programme.objects.filter(pk=programme.pk)

    assert_refused(lambda: rows.update(ends_on=datetime.date(2026, 4, 30)))
    rows.update(ends_on=datetime.date(2026, 5, 1))
    programme.refresh_from_db()
    assert programme.ends_on == datetime.date(2026, 5, 1)


MONEY = [
    pytest.param(None, "", True, id="none"),
    pytest.param(Decimal("250000.00"), "USD", True, id="amount-and-currency"),
    pytest.param(Decimal("0.00"), "KZT", True, id="zero"),
    pytest.param(Decimal("250000.00"), "", False, id="amount-without-currency"),
    pytest.param(None, "UZS", False, id="currency-without-amount"),
    pytest.param(Decimal("-0.01"), "EUR", False, id="negative"),
]


@pytest.mark.parametrize(("amount", "currency", "accepted"), MONEY)
def test_programme_budget_is_whole(amount, currency, accepted):
    programme = ProgrammeFactory()
    rows = Programme.objects.filter(pk=programme.pk)

    def write():
        rows.update(budget_amount=amount, budget_currency=currency)

    if accepted:
        write()
        programme.refresh_from_db()
        assert (programme.budget_amount, programme.budget_currency) == (amount, currency)
    else:
        assert_refused(write)
        # The row is as it was, and the same row with whole money is accepted.
        programme.refresh_from_db()
        assert (programme.budget_amount, programme.budget_currency) == (None, "")
        rows.update(budget_amount=Decimal("1.00"), budget_currency="USD")
        programme.refresh_from_db()
        assert (programme.budget_amount, programme.budget_currency) == (Decimal("1.00"), "USD")


@pytest.mark.parametrize(("amount", "currency", "accepted"), MONEY)
def test_partnership_funding_is_whole(amount, currency, accepted):
    partnership = PartnershipFactory()
    rows = Partnership.objects.filter(pk=partnership.pk)

    def write():
        rows.update(funding_amount=amount, funding_currency=currency)

    if accepted:
        write()
        partnership.refresh_from_db()
        assert (partnership.funding_amount, partnership.funding_currency) == (amount, currency)
    else:
        assert_refused(write)
        # The row is as it was, and the same row with whole money is accepted.
        partnership.refresh_from_db()
        assert (partnership.funding_amount, partnership.funding_currency) == (None, "")
        rows.update(funding_amount=Decimal("1.00"), funding_currency="USD")
        partnership.refresh_from_db()
        assert (partnership.funding_amount, partnership.funding_currency) == (
            Decimal("1.00"),
            "USD",
        )


def test_an_institution_is_in_a_programme_once():
    partnership = PartnershipFactory()

    assert_refused(
        lambda: Partnership.objects.create(
            programme=partnership.programme, institution=partnership.institution
        )
    )
    Partnership.objects.create(programme=partnership.programme, institution=InstitutionFactory())
    assert partnership.programme.partnerships.count() == 2


def test_a_programme_has_one_lead():
    lead = PartnershipFactory(role=Partnership.Role.LEAD)
    programme = lead.programme

    assert_refused(
        lambda: Partnership.objects.create(
            programme=programme, institution=InstitutionFactory(), role=Partnership.Role.LEAD
        )
    )
    Partnership.objects.create(
        programme=programme, institution=InstitutionFactory(), role=Partnership.Role.PARTNER
    )
    # Another programme has its own lead, which may be the same institution.
    PartnershipFactory(institution=lead.institution, role=Partnership.Role.LEAD)
    assert list(programme.partnerships.values_list("role", flat=True)) == ["lead", "partner"]
    assert Partnership.objects.filter(role=Partnership.Role.LEAD).count() == 2


def test_a_country_decides_once_per_version():
    approval = DecisionFactory(country=CountryFactory(code="UZ"))
    programme, version = approval.programme, approval.version

    assert_refused(
        lambda: Decision.objects.create(
            programme=programme,
            version=version,
            country=approval.country,
            decision=Decision.Kind.REJECTED,
        )
    )
    Decision.objects.create(
        programme=programme,
        version=version,
        country=CountryFactory(code="KZ"),
        decision=Decision.Kind.REJECTED,
    )
    # On a newer version, the country decides again: a row of its own.
    newer = ProgrammeVersion.objects.create(
        programme=programme,
        number=2,
        made=ProgrammeVersion.Reason.CHANGED,
        fingerprint=version.fingerprint,
        content=version.content,
    )
    Decision.objects.create(
        programme=programme,
        version=newer,
        country=approval.country,
        decision=Decision.Kind.REJECTED,
    )
    assert list(
        programme.decisions.order_by("version__number", "country__code").values_list(
            "country__code", "version__number", "decision"
        )
    ) == [
        ("KZ", 1, "rejected"),
        ("UZ", 1, "approved"),
        ("UZ", 2, "rejected"),
    ]


def test_a_programme_numbers_each_version_once():
    version = DecisionFactory().version

    assert_refused(
        lambda: ProgrammeVersion.objects.create(
            programme=version.programme,
            number=version.number,
            made=ProgrammeVersion.Reason.CHANGED,
            fingerprint=version.fingerprint,
            content=version.content,
        )
    )


@pytest.mark.parametrize(
    "letter",
    [
        {"on_paper": True, "registry_number": "02-14/3187"},
        {"on_paper": True, "letter_date": datetime.date(2026, 3, 2)},
        {"on_paper": False, "registry_number": "02-14/3187"},
        {"on_paper": False, "letter_date": datetime.date(2026, 3, 2)},
    ],
    ids=["paper without date", "paper without number", "number on site", "date on site"],
)
def test_a_decision_on_paper_names_its_letter_and_one_on_the_site_none(letter):
    approval = DecisionFactory(country=CountryFactory(code="UZ"))
    rows = Decision.objects.filter(pk=approval.pk)

    assert_refused(lambda: rows.update(**letter))
    rows.update(on_paper=True, registry_number="02-14/3187", letter_date=datetime.date(2026, 3, 2))
    assert rows.values_list("on_paper", "registry_number", "letter_date").get() == (
        True,
        "02-14/3187",
        datetime.date(2026, 3, 2),
    )


TODAY = datetime.date(2026, 3, 15)
DAY = datetime.timedelta(days=1)
Status = Agreement.Status


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "terminated_on", "expected"),
    [
        pytest.param(TODAY + DAY, None, None, Status.PENDING, id="starts-tomorrow"),
        pytest.param(
            TODAY + DAY, TODAY + 30 * DAY, None, Status.PENDING, id="starts-tomorrow-ends-soon"
        ),
        pytest.param(TODAY, None, None, Status.IN_FORCE, id="starts-today-open-ended"),
        pytest.param(TODAY - 900 * DAY, None, None, Status.IN_FORCE, id="open-ended"),
        pytest.param(TODAY - DAY, TODAY + 91 * DAY, None, Status.IN_FORCE, id="ends-in-91-days"),
        pytest.param(TODAY - DAY, TODAY + 90 * DAY, None, Status.EXPIRING, id="ends-in-90-days"),
        pytest.param(TODAY - DAY, TODAY + DAY, None, Status.EXPIRING, id="ends-tomorrow"),
        pytest.param(TODAY - DAY, TODAY, None, Status.EXPIRING, id="ends-today"),
        pytest.param(TODAY, TODAY, None, Status.EXPIRING, id="one-day-agreement-today"),
        pytest.param(TODAY - 9 * DAY, TODAY - DAY, None, Status.EXPIRED, id="ended-yesterday"),
        pytest.param(TODAY - 9 * DAY, None, TODAY, Status.TERMINATED, id="terminated-today"),
        pytest.param(TODAY - 9 * DAY, None, TODAY + DAY, Status.IN_FORCE, id="terminated-tomorrow"),
        pytest.param(
            TODAY - 9 * DAY, TODAY - DAY, TODAY - 2 * DAY, Status.TERMINATED, id="terminated-first"
        ),
        pytest.param(
            TODAY + 5 * DAY, None, TODAY, Status.TERMINATED, id="terminated-before-in-force"
        ),
    ],
)
def test_agreement_status_is_the_same_on_the_row_and_in_queries(
    valid_from, valid_until, terminated_on, expected
):
    agreement = AgreementFactory(
        signed_on=min(valid_from, TODAY),
        valid_from=valid_from,
        valid_until=valid_until,
        terminated_on=terminated_on,
    )
    AgreementFactory(valid_from=TODAY - 9 * DAY)  # in force; must not leak into other statuses

    assert agreement.status_on(TODAY) == expected
    statuses_found_in = [
        status
        for status in Status
        if Agreement.objects.with_status(status, today=TODAY).filter(pk=agreement.pk).exists()
    ]
    assert statuses_found_in == [expected]


def test_agreement_status_defaults_to_today():
    today = timezone.localdate()
    agreement = AgreementFactory(
        signed_on=today - 10 * DAY, valid_from=today - 10 * DAY, valid_until=today + 10 * DAY
    )

    assert agreement.status == Status.EXPIRING
    assert agreement.get_status_display() == "Expiring within 90 days"
    assert list(Agreement.objects.with_status(Status.EXPIRING)) == [agreement]
    assert list(Agreement.objects.with_status(Status.IN_FORCE)) == []
