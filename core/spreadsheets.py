"""Text written to a CSV file so that no spreadsheet runs it as a formula (OWASP "CSV
injection").

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (tab and
carriage return are listed too: some strip them first). Excel set to Russian, Uzbek or Kazakh —
and other languages whose decimal mark is a comma — splits a CSV line on semicolons, not commas,
so ``x;=1+1`` there is two cells, the second a formula; and a comma-separated reader splits on
commas. So every part of a text that such a reader could take for a cell of its own is
neutralised: a quote before the formula sign, after the start and after every comma, semicolon
or tab (spaces before the sign included). The text stays readable; a number stays a number, as
the writers pass numbers through untouched.
"""

import re

_FORMULA_AT_A_CELL_START = re.compile(r"(^|[,;\t])([ \r\n]*)(?=[=+\-@\t\r])")


def neutralise_formula(text: str) -> str:
    """``text`` with a quote wherever a spreadsheet in any locale would start a formula."""
    return _FORMULA_AT_A_CELL_START.sub(r"\1\2'", text)
