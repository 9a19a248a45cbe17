"""What a request may answer, in the table's abbreviations.

``OK`` 200 and no form refused · ``INVALID`` 200 with a form's errors (an empty POST to a form the
person may use) · ``LOGIN`` to the site's sign-in page, ``next`` the requested URL ·
``ADMIN_LOGIN`` the same to the admin's sign-in page · ``NF`` 404 (not visible: its existence must
not leak) · ``FORBID`` 403 (visible, not allowed) · ``NA`` 405 (method not allowed) ·
``REDIRECT(to)`` 302 to ``to`` (after a POST that did its work) · ``MOVED(to)`` 301 to ``to``
(an address that moved, kept for old links) · ``BAD`` 400 (a request the page cannot
understand) · ``CSV`` a CSV download of the one selected row · ``CSV_FILE`` and ``XLSX`` a
report's table downloaded as CSV or as an Excel workbook · ``ICS`` an iCalendar file · ``PDF`` an
agreement's document downloaded.
"""

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.template.context import Context
from django.test.utils import ContextList

from tests.permission_matrix.world import ROLES, World

Target = str | Callable[[World], str]

SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def refused_forms(response) -> list[str]:
    """The names, in the page's context, of the bound forms and formsets that have errors."""
    context = response.context
    if context is None:
        return []
    contexts = context if isinstance(context, ContextList) else [context]
    found = set()
    for each in contexts:
        values = each.flatten() if isinstance(each, Context) else each
        for name, value in values.items():
            form_like = isinstance(value, BaseForm | BaseFormSet)
            if form_like and value.is_bound and not value.is_valid():
                found.add(name)
    return sorted(found)


@dataclass(frozen=True)
class Expect:
    """One cell of the table."""

    abbreviation: str
    status: int
    redirect_to: Target | None = None
    next_param: bool = False  # the redirect carries ``?next=`` the requested URL
    form_errors: bool = False
    csv_records: int | None = None  # a CSV body of this many records, its header included
    calendar: bool = False  # an iCalendar body, served as ``text/calendar``
    download: str | None = None  # a file of this content type, served as an attachment

    def __repr__(self) -> str:
        return self.abbreviation

    def problems(self, response, *, url: str, world: World) -> list[str]:
        """What in ``response`` differs from this cell; empty when it answers as expected."""
        status = response.status_code
        if status != self.status:
            where = f" to {response['Location']}" if status in (301, 302) else ""
            return [f"expected {self.abbreviation} ({self.status}), got {status}{where}"]
        if self.redirect_to is not None:
            expected = self.redirect_to(world) if callable(self.redirect_to) else self.redirect_to
            location = urlsplit(response["Location"])
            if location.path != expected:
                return [f"expected a redirect to {expected}, got {response['Location']}"]
            query = parse_qs(location.query)
            if self.next_param and query != {"next": [url]}:
                return [f"expected ?next={url}, got {response['Location']}"]
            if not self.next_param and query:
                return [f"expected no query, got {response['Location']}"]
        if status == 200:
            refused = refused_forms(response)
            if self.form_errors and not refused:
                return ["expected a form with errors, every form was accepted"]
            if not self.form_errors and refused:
                return [f"expected no refused form, got errors on {refused}"]
        if self.csv_records is not None:
            return self.csv_problems(response)
        if self.calendar:
            return self.calendar_problems(response)
        if self.download is not None:
            return self.download_problems(response)
        return []

    def csv_problems(self, response) -> list[str]:
        content_type = response["Content-Type"]
        if not content_type.startswith("text/csv"):
            return [f"expected text/csv, got {content_type}"]
        if not response["Content-Disposition"].startswith("attachment;"):
            return [f"expected an attachment, got {response['Content-Disposition']}"]
        records = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        if len(records) != self.csv_records:
            return [f"expected {self.csv_records} CSV records, got {len(records)}"]
        return []

    def calendar_problems(self, response) -> list[str]:
        content_type = response["Content-Type"]
        if not content_type.startswith("text/calendar"):
            return [f"expected text/calendar, got {content_type}"]
        first_line = response.content.split(b"\r\n", 1)[0]
        if first_line != b"BEGIN:VCALENDAR":
            return [f"expected a calendar, the body starts {first_line[:40]!r}"]
        return []

    def download_problems(self, response) -> list[str]:
        """A file the browser saves, of the promised type, whose body is such a file: a
        workbook is a ZIP archive; a CSV file opens with its header row."""
        content_type = response["Content-Type"]
        if not content_type.startswith(self.download):
            return [f"expected {self.download}, got {content_type}"]
        disposition = response.get("Content-Disposition", "")
        if not disposition.startswith("attachment;"):
            return [f"expected an attachment, got {disposition!r}"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if self.download == "application/pdf" and not body.startswith(b"%PDF-"):
            return [f"expected a PDF, the body starts {body[:40]!r}"]
        if self.download == SPREADSHEET and not zipfile.is_zipfile(io.BytesIO(body)):
            return [f"expected a workbook, the body starts {body[:40]!r}"]
        if self.download == "text/csv":
            header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))), [])
            if not any(header):
                return ["expected a CSV header row, the file is empty"]
        return []


OK = Expect("OK", 200)
INVALID = Expect("INVALID", 200, form_errors=True)
NF = Expect("NF", 404)
FORBID = Expect("FORBID", 403)
NA = Expect("NA", 405)
BAD = Expect("BAD", 400)
LOGIN = Expect("LOGIN", 302, "/accounts/login/", next_param=True)
ADMIN_LOGIN = Expect("ADMIN_LOGIN", 302, "/admin/login/", next_param=True)
CSV = Expect("CSV", 200, csv_records=2)
ICS = Expect("ICS", 200, calendar=True)
CSV_FILE = Expect("CSV_FILE", 200, download="text/csv")
XLSX = Expect("XLSX", 200, download=SPREADSHEET)
PDF = Expect("PDF", 200, download="application/pdf")


def REDIRECT(to: Target, abbreviation: str = "") -> Expect:
    return Expect(abbreviation or f"REDIRECT({to})", 302, to)


def MOVED(to: Target, abbreviation: str = "") -> Expect:
    return Expect(abbreviation or f"MOVED({to})", 301, to)


def roles(
    *,
    anon: Expect,
    viewer: Expect,
    own: Expect,
    uz: Expect,
    kz: Expect,
    nc_uz: Expect,
    nc_kz: Expect,
    admin: Expect,
) -> dict[str, Expect]:
    """One line of the table: every role named, none defaulted, so a row cannot forget one."""
    line = {
        "anon": anon,
        "viewer": viewer,
        "own": own,
        "uz": uz,
        "kz": kz,
        "nc_uz": nc_uz,
        "nc_kz": nc_kz,
        "admin": admin,
    }
    assert tuple(line) == ROLES
    return line


@dataclass(frozen=True)
class Row:
    """One URL with its sample arguments, and what each role gets there by GET and by POST.

    ``None`` for a method: not requested by this row (the row says why)."""

    key: str  # the URL pattern's name, or its full pattern when it has none
    label: str
    url: Callable[[World], str]
    get: dict[str, Expect] | None
    post: dict[str, Expect] | None
    post_data: Callable[[World], dict] | None = None

    @property
    def id(self) -> str:
        return f"{self.key} [{self.label}]" if self.label else self.key
