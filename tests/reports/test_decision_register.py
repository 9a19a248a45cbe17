"""The register page of every decision, per country, and its CSV and XLSX files."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.services import event_update
from programmes.models import Decision, Programme
from programmes.services import PaperLetter, programme_decide, programme_resubmit
from tests.bilateral import decide, world  # noqa: F401 (a fixture)
from tests.factories import MembershipFactory, UserFactory, ViewerFactory

pytestmark = pytest.mark.django_db

Kind = Decision.Kind
COLUMNS = [
    "Decided at",
    "Country",
    "Code",
    "Programme",
    "Version",
    "Fingerprint",
    "Decision",
    "Comment",
    "Decided by",
    "Letter date",
    "Recorded by",
    "Superseded by version",
]


@pytest.fixture
def decided(world):  # noqa: F811 (the fixture above)
    """Uzbekistan asks for changes on version 1; the coordinator moves the event (version 2)
    and resubmits (version 3); both countries approve version 3, Kazakhstan on paper."""
    decide(world, "uz", Kind.CHANGES_REQUESTED, "Open a week later.")
    later = world.event.starts_at + datetime.timedelta(days=7)
    event_update(
        event=world.event,
        actor=world.coordinator,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=3),
    )
    programme_resubmit(programme=world.programme, actor=world.coordinator, comment="Moved.")
    decide(world, "uz", Kind.APPROVED)
    programme_decide(
        programme=Programme.objects.get(pk=world.programme.pk),
        country=world.kz,
        decision=Kind.APPROVED,
        actor=UserFactory(username="records", is_superuser=True, is_staff=True),
        version=3,
        paper=PaperLetter(registry_number="02-14/3187", letter_date=timezone.localdate()),
    )
    return world


def csv_rows(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(reverse("reports:decisions_export", args=["csv"]) + query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def summary(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [
        (
            row["Code"],
            row["Decision"],
            row["Version"],
            row["Superseded by version"],
            row["Decided by"],
        )
        for row in rows
    ]


def test_a_national_coordinator_reads_their_countrys_register_by_default(client, decided):
    decided.uz_national.first_name, decided.uz_national.last_name = "Sherzod", "Rakhimov"
    decided.uz_national.save()
    client.force_login(decided.uz_national)

    page = client.get(reverse("reports:decisions"))

    assert [
        (row.country.code, row.decision, row.version.number) for row in page.context["page"]
    ] == [
        ("UZ", Kind.APPROVED, 3),
        ("UZ", Kind.CHANGES_REQUESTED, 1),
    ]
    assert page.context["export_query"] == "country=UZ"
    assert summary(csv_rows(client, "?country=UZ")) == [
        ("UZ", "Approved", "3", "", "Sherzod Rakhimov"),
        ("UZ", "Changes requested", "1", "2", "Sherzod Rakhimov"),
    ]


def test_every_country_and_each_filter(client, decided):
    client.force_login(ViewerFactory().user)

    # A paper decision is dated by its letter, so where it falls among today's depends on the
    # hour: the rows are compared as a set here, their order below.
    assert sorted(summary(csv_rows(client))) == [
        ("KZ", "Approved", "3", "", "On paper: letter No. 02-14/3187"),
        ("UZ", "Approved", "3", "", decided.uz_national.get_full_name()),
        ("UZ", "Changes requested", "1", "2", decided.uz_national.get_full_name()),
    ]
    moments = [row["Decided at"] for row in csv_rows(client)]
    assert moments == sorted(moments, reverse=True)
    assert [row["Code"] for row in csv_rows(client, "?standing=superseded")] == ["UZ"]
    assert sorted(row["Code"] for row in csv_rows(client, "?standing=standing")) == ["KZ", "UZ"]
    assert [row["Recorded by"] for row in csv_rows(client, "?taken=paper")] == ["records"]
    assert [row["Decision"] for row in csv_rows(client, "?decision=changes_requested")] == [
        "Changes requested"
    ]
    assert csv_rows(client, "?since=2000-01-01&until=2000-12-31") == []
    assert len(csv_rows(client, f"?programme={decided.programme.pk}")) == 3


def test_the_csv_and_the_xlsx_hold_the_same_rows(client, decided):
    client.force_login(ViewerFactory().user)
    rows = csv_rows(client)

    response = client.get(reverse("reports:decisions_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert response["Content-Disposition"] == 'attachment; filename="dostlik-decisions.xlsx"'
    assert values[0] == COLUMNS
    assert list(rows[0]) == COLUMNS
    decided_at = timezone.localtime(Decision.objects.get(on_paper=True).decided_at)
    (paper,) = [row for row in values[1:] if row[8].startswith("On paper")]
    assert paper[0] == decided_at.replace(tzinfo=None, second=0, microsecond=0)
    assert paper[9] == datetime.datetime.combine(timezone.localdate(), datetime.time())
    assert [row[1:9] for row in values[1:]] == [_typed(row) for row in rows]


def _typed(row: dict[str, str]) -> list[object]:
    """A CSV row's columns from Country to Decided by, as the XLSX types them."""
    return [
        row["Country"],
        row["Code"],
        row["Programme"],
        int(row["Version"]),
        row["Fingerprint"],
        row["Decision"],
        row["Comment"] or None,
        row["Decided by"],
    ]


def test_filters_that_cannot_be_understood_change_nothing_and_say_which(client, decided):
    client.force_login(decided.kz_national)

    page = client.get(reverse("reports:decisions"), {"since": "2026-12-31", "until": "2026-01-01"})
    download = client.get(reverse("reports:decisions_export", args=["csv"]), {"country": "XX"})

    assert (page.status_code, "page" in page.context) == (200, False)
    assert page.context["form"].error_lines() == ["To: The last day comes before the first."]
    assert download.status_code == 400
    assert download.content.decode().splitlines()[1].startswith("Country: Select a valid choice.")
    assert client.get(reverse("reports:decisions_export", args=["pdf"])).status_code == 404


def test_a_coordinator_may_not_read_the_register(client, decided):
    client.force_login(MembershipFactory(institution=decided.uwed).user)

    assert client.get(reverse("reports:decisions")).status_code == 403
    assert client.get(reverse("reports:decisions_export", args=["csv"])).status_code == 403


def test_the_page_reads_as_many_queries_whatever_the_number_of_decisions(client, world):  # noqa: F811
    # A viewer: no decision waits for them, so nothing else on the page changes with the data.
    client.force_login(ViewerFactory().user)
    decide(world, "uz", Kind.APPROVED)
    one = queries_of(client)
    decide(world, "kz", Kind.APPROVED)
    two = queries_of(client)

    assert len(two) == len(one)
    assert len(client.get(reverse("reports:decisions"), {"country": ""}).context["page"]) == 2


def queries_of(client) -> list[dict]:
    """The queries of the register page of every country, once its session is warm."""
    client.get(reverse("reports:decisions"), {"country": ""})
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("reports:decisions"), {"country": ""})
    return queries.captured_queries
