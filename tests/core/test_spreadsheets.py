"""No spreadsheet runs a cell of our CSV files as a formula, whichever separator it splits on:
a comma (English), a semicolon (Russian, Uzbek, Kazakh: languages whose decimal mark is a comma)
or a tab."""

import csv
import io

import pytest
from django.urls import reverse

from core.spreadsheets import neutralise_formula
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

# The separator Excel splits a CSV line on, by the language it is set to.
SEPARATORS = {"en": ",", "ru": ";", "uz": ";", "kk": ";"}
NASTY = [
    "x;=1+1;",
    'Almaty, =HYPERLINK("http://example.org","open")',
    "a\t@SUM(A1)",
    "one;  -2+3",
    "=cmd|' /C calc'!A0",
    "+7 701 000 00 00",
]


def cells_as_read(line: str, separator: str) -> list[str]:
    """The cells of ``line`` as the bluntest reader splits it: on every separator, quotes and
    all, with the spaces a spreadsheet ignores before a formula."""
    return [cell.strip(' "') for cell in line.split(separator)]


def starts_a_formula(cell: str) -> bool:
    return cell.startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize("text", NASTY)
@pytest.mark.parametrize("language", sorted(SEPARATORS))
def test_no_part_of_a_text_reads_as_a_formula(text, language):
    written = neutralise_formula(text)

    assert [c for c in cells_as_read(written, SEPARATORS[language]) if starts_a_formula(c)] == []


def test_plain_text_is_left_as_it_is():
    assert [neutralise_formula(text) for text in ("Kazakhstan", "2026-2027", "a-b; c")] == [
        "Kazakhstan",
        "2026-2027",
        "a-b; c",
    ]


@pytest.mark.parametrize("language", sorted(SEPARATORS))
def test_the_admins_csv_export_holds_no_formula_in_any_language(client, language):
    programme = ProgrammeFactory(title="x;=1+1;")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "export_as_csv", "_selected_action": [programme.pk]},
    )
    text = response.content.decode("utf-8-sig")

    assert list(csv.reader(io.StringIO(text)))[1][0] == "x;'=1+1;"
    assert [
        cell
        for line in text.splitlines()
        for cell in cells_as_read(line, SEPARATORS[language])
        if starts_a_formula(cell)
    ] == []
