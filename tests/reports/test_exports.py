"""Downloads: every table of the pages as CSV and XLSX, read back and compared cell by cell
with the table the page shows; formula injection; unknown tables and formats; bad filters."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from reports.exports import neutralised
from tests.factories import CountryFactory, InstitutionFactory
from tests.reports.conftest import agreement
from tests.reports.test_pages import table_cells, table_header

pytestmark = pytest.mark.django_db

YEAR_TABLES = ["programmes", "events", "attendance", "agreements", "funding"]
SHEET_TITLES = {
    "programmes": "Programmes",
    "events": "Events held",
    "attendance": "Attendance",
    "agreements": "Agreements",
    "funding": "Funding",
    "balance": "Balance",
}
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


def export_url(table: str, extension: str) -> str:
    return reverse("reports:export", kwargs={"table": table, "extension": extension})


def page_value(text: str) -> object:
    """A page cell as the value it shows: "1,500,000.00" is 1500000, "—" and "" are nothing."""
    if text in ("", "—"):
        return None
    if NUMBER.match(text):
        return Decimal(text.replace(",", ""))
    return text


def file_value(value: object) -> object:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str) and NUMBER.match(value):
        return Decimal(value)
    return value


def page_of(client, table: str, query: dict) -> str:
    url = reverse("reports:balance") if table == "balance" else reverse("reports:index")
    return client.get(url, query).content.decode()


@pytest.mark.parametrize("table", [*YEAR_TABLES, "balance"])
def test_xlsx_holds_the_pages_table_with_numbers_as_numbers(client, world, table):
    client.force_login(world.outsider)
    query = {"year": "2025"}
    html = page_of(client, table, query)

    response = client.get(export_url(table, "xlsx"), query)

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet.title == SHEET_TITLES[table]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == table_header(html, table)
    assert [[file_value(v) for v in row] for row in rows[1:]] == [
        [page_value(text) for text in row] for row in table_cells(html, table)
    ]
    numbers = [v for row in rows[1:] for v in row if isinstance(v, int | float)]
    assert numbers, "a table of figures holds numbers"
    assert not [v for row in rows[1:] for v in row if isinstance(v, str) and NUMBER.match(v)]


@pytest.mark.parametrize("table", [*YEAR_TABLES, "balance"])
def test_csv_holds_the_pages_table_in_utf8_with_a_bom(client, world, table):
    client.force_login(world.partner)
    query = {"year": "2025"}
    html = page_of(client, table, query)

    response = client.get(export_url(table, "csv"), query)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == table_header(html, table)
    assert [[file_value(v) for v in row] for row in rows[1:]] == [
        [page_value(text) for text in row] for row in table_cells(html, table)
    ]


def test_the_files_are_named_after_the_table_year_and_country(client, world):
    client.force_login(world.outsider)

    funding = client.get(export_url("funding", "csv"), {"year": "2025", "country": "kz"})
    balance = client.get(export_url("balance", "xlsx"), {"year": "2025"})

    assert funding["Content-Disposition"] == 'attachment; filename="dostlik-funding-2025-kz.csv"'
    assert balance["Content-Disposition"] == (
        'attachment; filename="dostlik-balance-2021-2025.xlsx"'
    )
    assert funding["Cache-Control"] == "private, no-store"


def test_xlsx_formats_and_explains_its_figures(client, world):
    client.force_login(world.outsider)

    response = client.get(export_url("funding", "xlsx"), {"year": "2025", "country": "UZ"})

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    table, about = workbook.worksheets
    assert [cell.value for cell in table[2]] == ["Uzbekistan", "UZ", 1500000, 0, 2500, 0]
    assert [cell.number_format for cell in table[2]][2:] == ["#,##0.00"] * 4
    assert table.freeze_panes == "A2"
    assert about.title == "About"
    assert [row[:2] for row in about.iter_rows(values_only=True)][:8] == [
        ("Funding committed", None),
        ("Year", "2025"),
        ("Country", "Uzbekistan"),
        ("Institution", "All institutions"),
        ("Programme", "All programmes"),
        ("Programme kind", "Any kind"),
        ("Programme status", "Any status"),
        ("Downloaded by", world.outsider.username),
    ]


def test_a_draft_counts_in_the_partners_file_only(client, world):
    query = {"year": "2025"}
    client.force_login(world.outsider)
    outsider = client.get(export_url("programmes", "csv"), query).content.decode("utf-8-sig")
    client.force_login(world.partner)
    partner = client.get(export_url("programmes", "csv"), query).content.decode("utf-8-sig")

    assert outsider.splitlines()[-1] == '"All countries, each programme once",,0,1,0,1,1,1,0,4'
    assert partner.splitlines()[-1] == '"All countries, each programme once",,1,1,0,1,1,1,0,5'


def test_text_that_a_spreadsheet_would_run_as_a_formula_stays_text(client, world):
    country = CountryFactory(code="XX", name='=HYPERLINK("http://example.org","click")')
    party = InstitutionFactory(country=country)
    agreement(world.uz_uni, party, valid_from=datetime.date(2020, 1, 1))
    client.force_login(world.outsider)

    as_csv = client.get(export_url("agreements", "csv"), {"year": "2025", "country": "XX"})
    as_xlsx = client.get(export_url("agreements", "xlsx"), {"year": "2025", "country": "XX"})

    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://example.org","click")', "XX", "1", "0", "1"]
    cell = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org","click")', "s")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+7 701 000 00 00", "'+7 701 000 00 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        # Tab starts a cell for a reader splitting on tabs: a quote after it as well.
        ("\t=1", "'\t'=1"),
        ("x;=1+1;", "x;'=1+1;"),
        ("Kazakhstan", "Kazakhstan"),
        (-5, -5),
        (Decimal("12.5"), Decimal("12.5")),
    ],
)
def test_cells_starting_like_a_formula_get_an_apostrophe(value, expected):
    assert neutralised(value) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/reports/export/budget.csv",
        "/reports/export/funding.pdf",
        "/reports/export/funding.CSV",
        "/reports/export/funding",
    ],
)
def test_an_unknown_table_or_format_is_not_found(client, world, url):
    client.force_login(world.outsider)

    assert client.get(url).status_code == 404


def test_filters_that_cannot_be_understood_are_a_clear_bad_request(client, world):
    client.force_login(world.outsider)

    response = client.get(
        export_url("funding", "xlsx"), {"year": "2025x", "country": "XX", "institution": "abc"}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "The table cannot be downloaded with these filters:",
        "Year: Enter a whole number.",
        "Country: Select a valid choice. That choice is not one of the available choices.",
        "Institution: Select a valid choice. That choice is not one of the available choices.",
    ]


def test_the_balance_file_ignores_a_country(client, world):
    client.force_login(world.outsider)

    response = client.get(export_url("balance", "csv"), {"year": "2025", "country": "KZ"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:3]] == ["KZ", "UZ"]


def test_every_amount_of_the_funding_file_has_two_places(client, world):
    """47300000 beside 0.00 read as two formats: a sum keeps the places of an amount."""
    client.force_login(world.outsider)

    response = client.get(export_url("funding", "csv"), {"year": "2025"})

    assert response.content.decode("utf-8-sig").splitlines() == [
        "Country,Code,UZS,KZT,USD,EUR",
        "Kazakhstan,KZ,0.00,3000000.00,6000.00,0.00",
        "Uzbekistan,UZ,1500000.00,0.00,2500.00,0.00",
        "All countries,,1500000.00,3000000.00,8500.00,0.00",
    ]


def test_every_share_of_the_balance_file_has_one_place(client, world):
    client.force_login(world.outsider)

    response = client.get(export_url("balance", "csv"), {"year": "2025"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1:3] == [
        "2025,Kazakhstan,KZ,2,40.0,0.0,100.0,70.6,",
        "2025,Uzbekistan,UZ,3,60.0,100.0,0.0,29.4,",
    ]


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("ru", ["Казахстан", "Узбекистан"]),
        ("uz", ["Qozogʻiston", "Oʻzbekiston"]),
        ("kk", ["Қазақстан", "Өзбекстан"]),
    ],
)
def test_the_files_name_the_countries_in_the_readers_language(client, world, language, names):
    world.outsider.language = language
    world.outsider.save(update_fields=["language"])
    client.force_login(world.outsider)

    as_csv = client.get(export_url("funding", "csv"), {"year": "2025"})
    as_xlsx = client.get(export_url("attendance", "xlsx"), {"year": "2025"})

    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:-1]] == names
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)][:-1] == names
