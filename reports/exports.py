"""A report table as a file: CSV (the ``csv`` module) or XLSX (openpyxl).

Both hold the header row and then exactly the rows the page shows, totals last. Numbers stay
numbers: counts and years as integers, amounts as decimals with two places, shares in per cent
with one; a share that has no base (nothing counted) is an empty cell, never a zero.

CSV is written in UTF-8 with a byte-order mark, which is how Excel recognises UTF-8 (Cyrillic
and the Uzbek ʻ survive). Text that a spreadsheet in any language would run as a formula is
neutralised (``core.spreadsheets``). In XLSX every text cell is stored as text, so it cannot be a
formula whatever it holds.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.spreadsheets import neutralise_formula
from reports.tables import CellKind, ReportTable

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {
    CellKind.YEAR: "0",
    CellKind.COUNT: "#,##0",
    CellKind.AMOUNT: "#,##0.00",
    CellKind.PERCENT: "0.0",
    CellKind.DATE: "yyyy-mm-dd",
    CellKind.MOMENT: "yyyy-mm-dd hh:mm",
}
# Places written in a CSV file: every amount with two, whatever the currency (each column is
# one currency, and the smallest unit of each is a hundredth), every share with one.
CSV_DECIMALS = {CellKind.AMOUNT: 2, CellKind.PERCENT: 1}
# Excel's limits on a sheet's name: 31 characters, none of these.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")


def neutralised(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula, made plain text."""
    return neutralise_formula(value) if isinstance(value, str) else value


def csv_value(value: object, kind: CellKind | None = None) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if kind in CSV_DECIMALS and isinstance(value, (int, Decimal)):
        # A sum the database returns may have lost its places (47300000 beside 0.00).
        return f"{Decimal(value):.{CSV_DECIMALS[kind]}f}"
    return neutralised(value)


def csv_bytes(table: ReportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralised(label) for label in table.header()])
    kinds = [column.kind for column in table.columns]
    for record in table.records():
        writer.writerow([csv_value(value, kind) for value, kind in zip(record, kinds, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def sheet_name(title: str) -> str:
    return SHEET_NAME_FORBIDDEN.sub(" ", title).strip()[:SHEET_NAME_LENGTH] or "Report"


def xlsx_bytes(table: ReportTable, *, about: list[tuple[str, str]]) -> bytes:
    """The table on its first sheet (header row frozen, numbers formatted), and on a second
    sheet what it is: its title, the filters it was made with, when, and its notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(table.sheet_title)
    sheet.append([str(label) for label in table.header()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.data_type = "s"
    for record in table.records():
        sheet.append(record)
        for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            elif isinstance(cell.value, str):
                # openpyxl takes text starting with "=" for a formula: store it as text.
                cell.data_type = "s"
    for index, column in enumerate(table.columns, start=1):
        longest = max(
            [
                len(str(column.label)) // 2,
                *(len(str(row[index - 1] or "")) for row in table.records()),
            ]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), 48)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(sheet_name(_("About")))
    notes.append([str(table.title)])
    notes["A1"].font = Font(bold=True, size=13)
    for label, value in about:
        notes.append([label, value])
    for note in table.notes:
        notes.append([str(note)])
    for row in notes.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 60

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Figures scoped to one reader: no shared cache keeps them.
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(table: ReportTable, *, filename: str, about: list[tuple[str, str]]):
    return file_response(csv_bytes(table), content_type=CSV_CONTENT_TYPE, filename=filename)


def xlsx_response(table: ReportTable, *, filename: str, about: list[tuple[str, str]]):
    return file_response(
        xlsx_bytes(table, about=about), content_type=XLSX_CONTENT_TYPE, filename=filename
    )


def generated_at() -> str:
    """Now, in the site's time zone with its offset: an XLSX cell cannot hold a time zone."""
    return timezone.localtime().isoformat(timespec="minutes")


# The file formats by their extension in ``/reports/export/<table>.<extension>``.
WRITERS = {"csv": csv_response, "xlsx": xlsx_response}
