"""Report figures against totals worked out by hand from the world in ``conftest.py``.

Each expected value is written out in full; the comments say which records make it up."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from reports import selectors, tables
from reports.selectors import Attendance, ReportFilters, share
from tests.factories import CountryFactory, InstitutionFactory, ViewerFactory, joint_programme
from tests.reports.conftest import event

pytestmark = pytest.mark.django_db

D = Decimal


def by_code(rows) -> dict[str, object]:
    return {country.code: figure for country, figure in rows}


# ---------- Programmes by status ----------


def test_programmes_by_status_for_an_outsider(world):
    figure = selectors.programmes_by_status(user=world.outsider, filters=ReportFilters(2025))

    # P1 active, P2 completed, P3 submitted, P5 rejected: each with partners of both countries.
    # The draft P4 is not the outsider's to see.
    expected = {"active": 1, "completed": 1, "submitted": 1, "rejected": 1}
    assert {code: counts.counts for code, counts in by_code(figure.rows).items()} == {
        "KZ": expected,
        "UZ": expected,
    }
    assert figure.overall.counts == expected
    assert figure.overall.total == 4


def test_a_draft_counts_for_its_partner(world):
    figure = selectors.programmes_by_status(user=world.partner, filters=ReportFilters(2025))

    expected = {"draft": 1, "active": 1, "completed": 1, "submitted": 1, "rejected": 1}
    assert by_code(figure.rows)["UZ"].counts == expected
    assert by_code(figure.rows)["KZ"].counts == expected
    assert figure.overall.total == 5


def test_a_programme_counts_once_for_each_country_however_many_partners_it_has_there(world):
    # P3 has two Uzbek partners (uz_uni, uz_museum): Uzbekistan counts it once.
    filters = ReportFilters(2025, status="submitted")

    figure = selectors.programmes_by_status(user=world.outsider, filters=filters)

    assert by_code(figure.rows)["UZ"].counts == {"submitted": 1}


def test_programmes_of_another_year(world):
    figure = selectors.programmes_by_status(user=world.outsider, filters=ReportFilters(2024))

    # Only P1 runs in 2024.
    assert {code: counts.counts for code, counts in by_code(figure.rows).items()} == {
        "KZ": {"active": 1},
        "UZ": {"active": 1},
    }


def test_the_country_filter_keeps_one_row_and_the_institution_filter_its_programmes(world):
    filters = ReportFilters(2025, country=world.kz, institution=world.uz_museum)

    figure = selectors.programmes_by_status(user=world.outsider, filters=filters)

    # uz_museum partners in P2 (completed) and P3 (submitted); both have a Kazakh partner.
    assert [(country.code, counts.counts) for country, counts in figure.rows] == [
        ("KZ", {"completed": 1, "submitted": 1})
    ]
    assert figure.overall.counts == {"completed": 1, "submitted": 1}


def test_the_programmes_table_has_a_row_per_country_and_one_for_all(world):
    filters = ReportFilters(2025)
    figure = selectors.programmes_by_status(user=world.outsider, filters=filters)

    table = tables.programmes_table(figure, filters)

    assert table.header() == [
        "Country",
        "Code",
        "Draft",
        "Submitted",
        "Approved",
        "Active",
        "Completed",
        "Rejected",
        "Cancelled",
        "All programmes",
    ]
    assert table.records() == [
        ["Kazakhstan", "KZ", 0, 1, 0, 1, 1, 1, 0, 4],
        ["Uzbekistan", "UZ", 0, 1, 0, 1, 1, 1, 0, 4],
        ["All countries, each programme once", None, 0, 1, 0, 1, 1, 1, 0, 4],
    ]


# ---------- Events held and attendance ----------


def test_events_held_by_kind_where_they_took_place(world):
    figure = selectors.events_held_by_kind(user=world.outsider, filters=ReportFilters(2025))

    # Held in Uzbekistan: E1 exhibition, E3 concert (a Kazakh host in Tashkent), E5 lecture.
    # Held in Kazakhstan: E2 concert. E4 is planned, E6 cancelled, E7 the draft's.
    assert by_code(figure.rows) == {
        "KZ": {"concert": 1},
        "UZ": {"exhibition": 1, "concert": 1, "lecture": 1},
    }
    assert figure.kinds == ["exhibition", "concert", "lecture"]
    assert figure.overall == {"exhibition": 1, "concert": 2, "lecture": 1}


def test_the_drafts_event_counts_for_its_partner(world):
    figure = selectors.events_held_by_kind(user=world.partner, filters=ReportFilters(2025))

    assert by_code(figure.rows)["UZ"] == {"exhibition": 2, "concert": 1, "lecture": 1}


def test_the_institution_filter_keeps_the_events_it_hosted(world):
    filters = ReportFilters(2025, institution=world.kz_uni)

    figure = selectors.events_held_by_kind(user=world.outsider, filters=filters)

    assert by_code(figure.rows) == {"KZ": {"concert": 1}, "UZ": {"concert": 1}}


def test_attendance_and_the_youth_share_over_events_with_both_counts(world):
    figure = selectors.attendance_by_country(user=world.outsider, filters=ReportFilters(2025))

    rows = by_code(figure.rows)
    # UZ: E1 200/120, E3 150/30, E5 without counts → 150 of 350 = 42.857… → 42.9 %.
    assert rows["UZ"] == Attendance(
        held=3, audience=350, with_both=2, audience_with_both=350, youth=150
    )
    assert rows["UZ"].youth_share == D("42.9")
    # KZ: E2 300 without an under-30 count: an audience, but no share.
    assert rows["KZ"] == Attendance(held=1, audience=300)
    assert rows["KZ"].youth_share is None
    assert "KG" not in rows
    assert figure.nothing == [world.kg]
    assert figure.overall == Attendance(
        held=4, audience=650, with_both=2, audience_with_both=350, youth=150
    )
    assert figure.overall.youth_share == D("42.9")


def test_attendance_for_the_partner_counts_the_drafts_event(world):
    figure = selectors.attendance_by_country(user=world.partner, filters=ReportFilters(2025))

    # UZ adds E7 100/50: 200 of 450 = 44.44… → 44.4 %.
    assert by_code(figure.rows)["UZ"] == Attendance(
        held=4, audience=450, with_both=3, audience_with_both=450, youth=200
    )
    assert figure.overall.youth_share == D("44.4")


def test_the_youth_share_rounds_halves_up(db):
    kg = CountryFactory(code="KG")
    host = InstitutionFactory(country=kg)
    record = joint_programme(
        uz=host,
        kz=InstitutionFactory(country=CountryFactory(code="KZ")),
        status="active",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    # 1 of 16 is 6.25 %: rounded half up it is 6.3 (rounding half to even would say 6.2).
    event(record, host, datetime.date(2025, 5, 5), kind="concert", actual=16, youth=1)

    figure = selectors.attendance_by_country(
        user=ViewerFactory().user, filters=ReportFilters(2025, country=kg)
    )

    assert figure.rows == [(kg, Attendance(1, 16, 1, 16, 1))]
    assert figure.rows[0][1].youth_share == D("6.3")


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 8, D("12.5")),
        (1, 16, D("6.3")),
        (3, 16, D("18.8")),
        (2, 3, D("66.7")),
        (0, 5, D("0.0")),
        (5, 5, D("100.0")),
        (0, 0, None),
        (D("2500.00"), D("8500.00"), D("29.4")),
    ],
)
def test_share_is_a_percentage_to_one_decimal_rounded_half_up(part, whole, expected):
    assert share(part, whole) == expected


# ---------- Agreements ----------


def test_agreements_in_force_and_expiring_per_country_of_their_parties(world):
    figure = selectors.agreements_by_country(user=world.outsider, filters=ReportFilters(2025))

    # Counted on 31 December 2025: "in_force" (open-ended) and "expiring" (until 15 February
    # 2026, within 90 days). Expired, terminated and not-yet-valid ones do not count.
    assert figure.day == datetime.date(2025, 12, 31)
    assert {
        code: (c.in_force, c.expiring, c.total) for code, c in by_code(figure.rows).items()
    } == {
        "KZ": (1, 1, 2),
        "UZ": (1, 1, 2),
    }
    assert (figure.overall.in_force, figure.overall.expiring) == (1, 1)


def test_agreements_of_one_institution(world):
    filters = ReportFilters(2025, institution=world.uz_museum)

    figure = selectors.agreements_by_country(user=world.outsider, filters=filters)

    # uz_museum is party to "expiring" and to "terminated" (which no longer counts).
    assert {code: (c.in_force, c.expiring) for code, c in by_code(figure.rows).items()} == {
        "KZ": (0, 1),
        "UZ": (0, 1),
    }


def test_agreements_are_counted_today_in_the_current_year_and_at_the_ends_of_others():
    today = timezone.localdate()

    assert selectors.agreement_reference_day(today.year) == today
    assert selectors.agreement_reference_day(today.year - 1) == datetime.date(
        today.year - 1, 12, 31
    )
    assert selectors.agreement_reference_day(today.year + 1) == datetime.date(today.year + 1, 1, 1)


# ---------- Funding ----------


def test_funding_per_country_and_currency_never_adds_currencies(world):
    figure = selectors.funding_by_country(user=world.outsider, filters=ReportFilters(2025))

    # P1, P2 and P3 run in 2025 and are past their draft; P4 (draft) and P5 (rejected) commit
    # nothing. UZ: 1,000,000 + 500,000 UZS and 2,500 USD. KZ: 5,000 + 1,000 USD, 3,000,000 KZT.
    assert by_code(figure.rows) == {
        "KZ": {"USD": D("6000.00"), "KZT": D("3000000.00")},
        "UZ": {"UZS": D("1500000.00"), "USD": D("2500.00")},
    }
    assert figure.overall == {
        "UZS": D("1500000.00"),
        "KZT": D("3000000.00"),
        "USD": D("8500.00"),
        "EUR": D("0"),
    }


def test_a_drafts_funding_is_not_committed_even_for_its_partner(world):
    outsider = selectors.funding_by_country(user=world.outsider, filters=ReportFilters(2025))
    partner = selectors.funding_by_country(user=world.partner, filters=ReportFilters(2025))

    assert partner.rows == outsider.rows


def test_funding_of_another_year_and_of_one_institution(world):
    in_2024 = selectors.funding_by_country(user=world.outsider, filters=ReportFilters(2024))
    of_kz_uni = selectors.funding_by_country(
        user=world.outsider, filters=ReportFilters(2025, institution=world.kz_uni)
    )

    assert by_code(in_2024.rows) == {
        "KZ": {"USD": D("5000.00")},
        "UZ": {"UZS": D("1000000.00")},
    }
    assert by_code(of_kz_uni.rows) == {
        "KZ": {"USD": D("6000.00"), "KZT": D("3000000.00")},
    }
    assert of_kz_uni.nothing == [world.kg, world.uz]


def test_the_funding_table_has_a_column_per_currency(world):
    filters = ReportFilters(2025)
    figure = selectors.funding_by_country(user=world.outsider, filters=filters)

    table = tables.funding_table(figure, filters)

    assert table.header() == ["Country", "Code", "UZS", "KZT", "USD", "EUR"]
    assert table.records() == [
        ["Kazakhstan", "KZ", D("0.00"), D("3000000.00"), D("6000.00"), D("0.00")],
        ["Uzbekistan", "UZ", D("1500000.00"), D("0.00"), D("2500.00"), D("0.00")],
        ["All countries", None, D("1500000.00"), D("3000000.00"), D("8500.00"), D("0.00")],
    ]


# ---------- Balance ----------


def test_balance_shares_of_hosted_events_and_of_funding(world):
    figure = selectors.balance(user=world.outsider, filters=ReportFilters(2025))

    assert [year.year for year in figure.years] == [2021, 2022, 2023, 2024, 2025]
    in_2025, in_2024 = figure.years[-1], figure.years[-2]
    uz, kz, kg = world.uz, world.kz, world.kg
    # Hosted in 2025, cancelled E6 left out: uz_uni E1, uz_museum E4 and E5; kz_uni E2, E3.
    assert in_2025.hosted == {uz.pk: 3, kz.pk: 2}
    assert [in_2025.event_share(c) for c in (uz, kz, kg)] == [D("60.0"), D("40.0"), D("0.0")]
    # Funding in 2025: USD 2,500 (UZ) of 8,500 → 29.4 %, 6,000 (KZ) → 70.6 %.
    assert [in_2025.funding_share(c, "USD") for c in (uz, kz, kg)] == [
        D("29.4"),
        D("70.6"),
        D("0.0"),
    ]
    assert [in_2025.funding_share(c, "UZS") for c in (uz, kz)] == [D("100.0"), D("0.0")]
    assert [in_2025.funding_share(c, "KZT") for c in (uz, kz)] == [D("0.0"), D("100.0")]
    assert in_2025.funding_share(uz, "EUR") is None
    # 2024: E8 and P1 only.
    assert [in_2024.event_share(c) for c in (uz, kz)] == [D("0.0"), D("100.0")]
    assert [in_2024.funding_share(c, "UZS") for c in (uz, kz)] == [D("100.0"), D("0.0")]
    assert [in_2024.funding_share(c, "USD") for c in (uz, kz)] == [D("0.0"), D("100.0")]
    # Nothing before: no share rather than a share of zero.
    assert figure.years[0].event_share(uz) is None
    assert figure.years[0].funding_share(uz, "USD") is None


def test_balance_for_the_partner_counts_the_drafts_event(world):
    figure = selectors.balance(user=world.partner, filters=ReportFilters(2025))

    in_2025 = figure.years[-1]
    assert in_2025.hosted == {world.uz.pk: 4, world.kz.pk: 2}
    assert in_2025.event_share(world.uz) == D("66.7")
    assert in_2025.event_share(world.kz) == D("33.3")


def test_the_balance_table_lists_every_country_with_something_in_every_year_newest_first(world):
    filters = ReportFilters(2025)

    table = tables.balance_table(selectors.balance(user=world.outsider, filters=filters), filters)

    assert table.header() == [
        "Year",
        "Country",
        "Code",
        "Events hosted",
        "Share of events (%)",
        "Share of UZS funding (%)",
        "Share of KZT funding (%)",
        "Share of USD funding (%)",
        "Share of EUR funding (%)",
    ]
    assert table.records()[:4] == [
        [2025, "Kazakhstan", "KZ", 2, D("40.0"), D("0.0"), D("100.0"), D("70.6"), None],
        [2025, "Uzbekistan", "UZ", 3, D("60.0"), D("100.0"), D("0.0"), D("29.4"), None],
        [2024, "Kazakhstan", "KZ", 1, D("100.0"), D("0.0"), None, D("100.0"), None],
        [2024, "Uzbekistan", "UZ", 0, D("0.0"), D("100.0"), None, D("0.0"), None],
    ]
    assert len(table.records()) == 5 * 2
    # Kyrgyzstan hosted nothing and committed nothing in any of the years: said once.
    assert table.notes[-1] == "Countries with nothing to show, left out: Kyrgyzstan."
