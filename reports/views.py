"""The report pages and their downloads, for signed-in users; only GET and HEAD.

Every figure counts only what the reader may see (``reports.selectors``), read afresh on every
request: the events' figures come from their tallies, so a report reads as many rows as there
are combinations of programme, year, status, kind, country and host, whatever the number of
events. Filters that cannot be understood are answered with a message naming the wrong filter:
on a page, the page itself with the filter panel open and no figures (status 200, as the site's
lists do); on a download, a plain-text 400. A table or a file format that does not exist is a
404.

The decision register is for whoever reads on a state's behalf: national coordinators, viewers
and administrators; anyone else is refused (403).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import User
from programmes.permissions import can_read_decision_register
from reports import charts, selectors, tables
from reports.charts import Chart
from reports.exports import WRITERS, generated_at
from reports.forms import BalanceFilterForm, DecisionRegisterForm, ReportFilterForm
from reports.selectors import ReportFilters
from reports.tables import ReportTable


@dataclass(frozen=True)
class Section:
    """A table of the report with its charts, under one heading on the page."""

    table: ReportTable
    charts: list[Chart]
    icon: str
    empty_text: str = ""


def _year_sections(report: selectors.YearReport) -> list[Section]:
    filters = report.filters
    year = filters.year
    return [
        Section(
            tables.programmes_table(report.programmes, filters),
            [charts.programmes_chart(report.programmes)],
            "diagram-3",
            _("No programme you may see runs in %(year)s.") % {"year": year},
        ),
        Section(
            tables.events_table(report.events, filters),
            [charts.events_chart(report.events)],
            "calendar-check",
            _("No event you may see was held in %(year)s.") % {"year": year},
        ),
        Section(
            tables.attendance_table(report.attendance, filters),
            [charts.attendance_chart(report.attendance)],
            "people",
            _("No attendance was recorded for the events held in %(year)s.") % {"year": year},
        ),
        Section(
            tables.agreements_table(report.agreements, filters),
            [charts.agreements_chart(report.agreements)],
            "file-earmark-text",
            _("No agreement was in force on that day."),
        ),
        Section(
            tables.funding_table(report.funding, filters),
            charts.funding_charts(report.funding),
            "cash-coin",
            _("No funding was committed to the programmes running in %(year)s.") % {"year": year},
        ),
    ]


def _other_report_query(form: ReportFilterForm) -> str:
    """The filters both reports understand, for the link from one to the other."""
    query = form.query() if form.is_valid() else {}
    return urlencode({k: v for k, v in query.items() if k in BalanceFilterForm.shared_filters})


@require_safe
def year_report(request):
    form = ReportFilterForm(request.GET, user=request.user)
    context = {"form": form, "other_query": _other_report_query(form)}
    if form.is_valid():
        filters = form.filters()
        report = selectors.year_report(user=request.user, filters=filters)
        context.update(
            filters=filters,
            report=report,
            sections=_year_sections(report),
            export_query=urlencode(form.query()),
        )
    return render(request, "reports/year_report.html", context)


@require_safe
def balance_report(request):
    form = BalanceFilterForm(request.GET, user=request.user)
    context = {"form": form, "other_query": _other_report_query(form)}
    if form.is_valid():
        filters = form.filters()
        balance = selectors.balance(user=request.user, filters=filters)
        context.update(
            filters=filters,
            balance=balance,
            first_year=balance.years[0].year,
            table=tables.balance_table(balance, filters),
            events_chart=charts.balance_events_chart(balance),
            funding_charts=charts.balance_funding_charts(balance),
            export_query=urlencode(form.query()),
        )
    return render(request, "reports/balance.html", context)


# ---------- Downloads ----------


@dataclass(frozen=True)
class Export:
    form_class: type[ReportFilterForm]
    build: Callable[[User, ReportFilters], ReportTable]


EXPORTS = {
    "programmes": Export(
        ReportFilterForm,
        lambda user, f: tables.programmes_table(
            selectors.programmes_by_status(user=user, filters=f), f
        ),
    ),
    "events": Export(
        ReportFilterForm,
        lambda user, f: tables.events_table(selectors.events_held_by_kind(user=user, filters=f), f),
    ),
    "attendance": Export(
        ReportFilterForm,
        lambda user, f: tables.attendance_table(
            selectors.attendance_by_country(user=user, filters=f), f
        ),
    ),
    "agreements": Export(
        ReportFilterForm,
        lambda user, f: tables.agreements_table(
            selectors.agreements_by_country(user=user, filters=f), f
        ),
    ),
    "funding": Export(
        ReportFilterForm,
        lambda user, f: tables.funding_table(selectors.funding_by_country(user=user, filters=f), f),
    ),
    "balance": Export(
        BalanceFilterForm,
        lambda user, f: tables.balance_table(selectors.balance(user=user, filters=f), f),
    ),
}


def _filename(table: str, filters: ReportFilters, extension: str) -> str:
    if table == "balance":
        years = f"{filters.year - selectors.BALANCE_YEARS + 1}-{filters.year}"
    else:
        years = str(filters.year)
    country = f"-{filters.country.code.lower()}" if filters.country else ""
    return f"dostlik-{table}-{years}{country}.{extension}"


def _about(request, form: ReportFilterForm | DecisionRegisterForm) -> list[tuple[str, str]]:
    """What a downloaded file is, for its "About" sheet: the filters in words, who, when."""
    return [
        *form.described(),
        (_("Downloaded by"), request.user.get_username()),
        (_("Downloaded at"), generated_at()),
    ]


def _invalid_filters(form: ReportFilterForm | DecisionRegisterForm) -> HttpResponse:
    lines = [_("The table cannot be downloaded with these filters:"), *form.error_lines()]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def export(request, table: str, extension: str):
    """``/reports/export/<table>.<csv|xlsx>`` with the filters of the page it belongs to."""
    if table not in EXPORTS or extension not in WRITERS:
        raise Http404
    form = EXPORTS[table].form_class(request.GET, user=request.user)
    if not form.is_valid():
        return _invalid_filters(form)
    filters = form.filters()
    report_table = EXPORTS[table].build(request.user, filters)
    return WRITERS[extension](
        report_table,
        filename=_filename(table, filters, extension),
        about=_about(request, form),
    )


# ---------- The decision register ----------

REGISTER_PAGE_SIZE = 50


def _register_form(request) -> DecisionRegisterForm:
    if not can_read_decision_register.test(request.user):
        raise PermissionDenied
    return DecisionRegisterForm(request.GET, user=request.user)


@require_safe
def decision_register(request):
    """Every decision on the programmes the reader may see, a page of them at a time; for
    national coordinators, viewers and administrators."""
    form = _register_form(request)
    context = {"form": form}
    if form.is_valid():
        decisions = selectors.decision_register(user=request.user, filters=form.filters())
        page = Paginator(decisions, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
        query = urlencode(form.query())
        context.update(page=page, export_query=query)
    return render(request, "reports/decision_register.html", context)


@require_safe
def decision_register_export(request, extension: str):
    """``/reports/decisions.<csv|xlsx>``: every decision the register's filters select."""
    form = _register_form(request)
    if extension not in WRITERS:
        raise Http404
    if not form.is_valid():
        return _invalid_filters(form)
    filters = form.filters()
    decisions = selectors.decision_register(user=request.user, filters=filters)
    country = f"-{filters.country.code.lower()}" if filters.country else ""
    return WRITERS[extension](
        tables.decisions_table(list(decisions)),
        filename=f"dostlik-decisions{country}.{extension}",
        about=_about(request, form),
    )
