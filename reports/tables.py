"""The shape every report table takes, on the page and in its CSV and XLSX files.

One ``ReportTable`` feeds the HTML table, the CSV and the XLSX writers, so a downloaded file
always holds exactly the cells the page shows. Each cell keeps its raw value (an ``int``, a
``Decimal`` or text) and its kind; how it looks is the template's or the writer's business.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event
from institutions.models import Country
from multilingual.content import localized
from programmes.models import Decision, Programme
from reports.selectors import (
    AgreementCounts,
    AgreementsByCountry,
    Attendance,
    AttendanceByCountry,
    Balance,
    EventsByKind,
    FundingByCountry,
    ProgrammesByStatus,
    ReportFilters,
    StatusCounts,
)


class CellKind(StrEnum):
    TEXT = "text"
    CODE = "code"  # an ISO country code, shown as a badge
    YEAR = "year"  # a calendar year, a number written without grouping
    COUNT = "count"  # a whole number of things
    AMOUNT = "amount"  # money in one currency, two decimals
    PERCENT = "percent"  # a share in per cent, one decimal; None when there is no base
    DATE = "date"  # a day
    MOMENT = "moment"  # a day and time in the site's time zone, to the minute


NUMERIC = frozenset({CellKind.YEAR, CellKind.COUNT, CellKind.AMOUNT, CellKind.PERCENT})


@dataclass(frozen=True)
class Column:
    label: str
    kind: CellKind

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Cell:
    value: object
    kind: CellKind

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    # Set on the rows of a group of rows (the year in the balance table) where a new group
    # starts, so the page can draw a divider; the files ignore it.
    starts_group: bool = False


@dataclass(frozen=True)
class ReportTable:
    """A titled table: ``name`` is its address in ``/reports/export/<name>.<csv|xlsx>``."""

    name: str
    title: str
    sheet_title: str
    columns: list[Column]
    rows: list[Row]
    totals: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def header(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def records(self) -> list[list[object]]:
        """The body and the total rows as plain values, in the order the page shows them."""
        return [[cell.value for cell in row.cells] for row in (*self.rows, *self.totals)]


def row_of(columns: list[Column], values: list[object], *, starts_group: bool = False) -> Row:
    if len(columns) != len(values):
        raise ValueError("A row needs one value for each column.")
    return Row(
        [Cell(value, column.kind) for column, value in zip(columns, values, strict=True)],
        starts_group=starts_group,
    )


# ---------- The report's tables, built from its figures ----------


def _country_columns() -> list[Column]:
    return [Column(_("Country"), CellKind.TEXT), Column(_("Code"), CellKind.CODE)]


def _left_out(countries: list[Country]) -> list[str]:
    """The note that names the countries whose rows are left out as all zeros, if any."""
    if not countries:
        return []
    names = ", ".join(str(country) for country in countries)
    return [_("Countries with nothing to show, left out: %(countries)s.") % {"countries": names}]


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def programmes_table(figure: ProgrammesByStatus, filters: ReportFilters) -> ReportTable:
    statuses = Programme.Status
    columns = [
        *_country_columns(),
        *(Column(status.label, CellKind.COUNT) for status in statuses),
        Column(_("All programmes"), CellKind.COUNT),
    ]

    def values(counts: StatusCounts) -> list[object]:
        return [*(counts.of(status) for status in statuses), counts.total]

    rows = [row_of(columns, [str(c), c.code, *values(counts)]) for c, counts in figure.rows]
    totals = []
    if len(figure.rows) > 1:
        label = _("All countries, each programme once")
        totals = [row_of(columns, [label, None, *values(figure.overall)])]
    return ReportTable(
        name="programmes",
        title=_("Programmes by status"),
        sheet_title=_("Programmes"),
        columns=columns,
        rows=rows,
        totals=totals,
        notes=[
            _("Programmes that run on at least one day of %(year)s.") % {"year": filters.year},
            _(
                "A programme counts once for every country taking part in it, so the country "
                "rows add up to more than the programmes themselves."
            ),
            *_left_out(figure.nothing),
        ],
    )


def events_table(figure: EventsByKind, filters: ReportFilters) -> ReportTable:
    columns = [
        *_country_columns(),
        *(Column(Event.Kind(kind).label, CellKind.COUNT) for kind in figure.kinds),
        Column(_("All held events"), CellKind.COUNT),
    ]

    def values(counts: dict[str, int]) -> list[object]:
        return [*(counts.get(kind, 0) for kind in figure.kinds), sum(counts.values())]

    rows = [row_of(columns, [str(c), c.code, *values(counts)]) for c, counts in figure.rows]
    totals = []
    if len(figure.rows) > 1:
        totals = [row_of(columns, [_("All countries"), None, *values(figure.overall)])]
    return ReportTable(
        name="events",
        title=_("Events held by kind"),
        sheet_title=_("Events held"),
        columns=columns,
        rows=rows,
        totals=totals,
        notes=[
            _(
                "Events with the status “held” that started in %(year)s, by the country where "
                "they took place."
            )
            % {"year": filters.year},
            _("Kinds without a held event are left out."),
            *_left_out(figure.nothing),
        ],
    )


def attendance_table(figure: AttendanceByCountry, filters: ReportFilters) -> ReportTable:
    columns = [
        *_country_columns(),
        Column(_("Held events"), CellKind.COUNT),
        Column(_("Audience"), CellKind.COUNT),
        Column(_("Events with both counts"), CellKind.COUNT),
        Column(_("Audience at those events"), CellKind.COUNT),
        Column(_("Under 30"), CellKind.COUNT),
        Column(_("Under-30 share (%)"), CellKind.PERCENT),
    ]

    def values(attendance: Attendance) -> list[object]:
        return [
            attendance.held,
            attendance.audience,
            attendance.with_both,
            attendance.audience_with_both,
            attendance.youth,
            attendance.youth_share,
        ]

    rows = [row_of(columns, [str(c), c.code, *values(att)]) for c, att in figure.rows]
    totals = []
    if len(figure.rows) > 1:
        totals = [row_of(columns, [_("All countries"), None, *values(figure.overall)])]
    overall = figure.overall
    return ReportTable(
        name="attendance",
        title=_("Attendance and the under-30 share"),
        sheet_title=_("Attendance"),
        columns=columns,
        rows=rows,
        totals=totals,
        notes=[
            _("Audience: the actual attendance of the events held in %(year)s.")
            % {"year": filters.year},
            ngettext(
                "The under-30 share counts only the events that give both the actual and the "
                "under-30 attendance: %(counted)s of %(held)s held event.",
                "The under-30 share counts only the events that give both the actual and the "
                "under-30 attendance: %(counted)s of %(held)s held events.",
                overall.held,
            )
            % {"counted": overall.with_both, "held": overall.held},
            *_left_out(figure.nothing),
        ],
    )


def agreements_table(figure: AgreementsByCountry, filters: ReportFilters) -> ReportTable:
    columns = [
        *_country_columns(),
        Column(_("In force"), CellKind.COUNT),
        Column(_("Expiring within 90 days"), CellKind.COUNT),
        Column(_("All in force"), CellKind.COUNT),
    ]

    def values(counts: AgreementCounts) -> list[object]:
        return [counts.in_force, counts.expiring, counts.total]

    rows = [row_of(columns, [str(c), c.code, *values(counts)]) for c, counts in figure.rows]
    totals = []
    if len(figure.rows) > 1:
        label = _("All countries, each agreement once")
        totals = [row_of(columns, [label, None, *values(figure.overall)])]
    notes = [
        _("Status on %(day)s.") % {"day": _day(figure.day)},
        _(
            "An agreement counts once for every country among its parties. One expiring "
            "within 90 days is still in force: it is counted in its own column, and both "
            "columns together make “All in force”."
        ),
    ]
    if filters.programme or filters.kind or filters.status:
        notes.append(_("The programme, kind and status filters do not apply to agreements."))
    notes.extend(_left_out(figure.nothing))
    return ReportTable(
        name="agreements",
        title=_("Agreements in force"),
        sheet_title=_("Agreements"),
        columns=columns,
        rows=rows,
        totals=totals,
        notes=notes,
    )


def funding_table(figure: FundingByCountry, filters: ReportFilters) -> ReportTable:
    columns = [
        *_country_columns(),
        *(Column(currency, CellKind.AMOUNT) for currency in figure.currencies),
    ]
    zero = Decimal("0.00")

    def values(amounts: dict[str, Decimal]) -> list[object]:
        return [amounts.get(currency, zero) for currency in figure.currencies]

    rows = [row_of(columns, [str(c), c.code, *values(amounts)]) for c, amounts in figure.rows]
    totals = []
    if len(figure.rows) > 1:
        totals = [row_of(columns, [_("All countries"), None, *values(figure.overall)])]
    return ReportTable(
        name="funding",
        title=_("Funding committed"),
        sheet_title=_("Funding"),
        columns=columns,
        rows=rows,
        totals=totals,
        notes=[
            _(
                "Funding committed by the partners of programmes running in %(year)s that are "
                "not drafts, rejected or cancelled, by the partner's country and in the "
                "currency it was given in. Amounts in different currencies are never added "
                "together."
            )
            % {"year": filters.year},
            _("A programme running over several years counts its full funding in each of them."),
            *_left_out(figure.nothing),
        ],
    )


def balance_table(figure: Balance, filters: ReportFilters) -> ReportTable:
    columns = [
        Column(_("Year"), CellKind.YEAR),
        *_country_columns(),
        Column(_("Events hosted"), CellKind.COUNT),
        Column(_("Share of events (%)"), CellKind.PERCENT),
        *(
            Column(
                _("Share of %(currency)s funding (%%)") % {"currency": currency}, CellKind.PERCENT
            )
            for currency in figure.currencies
        ),
    ]
    rows = []
    for year in reversed(figure.years):
        for number, country in enumerate(figure.countries):
            values = [
                year.year,
                str(country),
                country.code,
                year.hosted.get(country.pk, 0),
                year.event_share(country),
                *(year.funding_share(country, currency) for currency in figure.currencies),
            ]
            rows.append(row_of(columns, values, starts_group=number == 0))
    return ReportTable(
        name="balance",
        title=_("Balance between countries"),
        sheet_title=_("Balance"),
        columns=columns,
        rows=rows,
        notes=[
            _(
                "Events hosted: the events of each year, cancelled ones left out, by the country "
                "of the host institution, as a share of all the events of that year."
            ),
            _(
                "Funding: each country's share of the funding committed in one currency to "
                "programmes running in that year that are not drafts, rejected or cancelled. "
                "A currency nobody committed that year has no share."
            ),
            _("Shares are rounded to one decimal and may not add up to exactly 100."),
            *_left_out(figure.nothing),
        ],
    )


def _decided_by(decision: Decision) -> str:
    if decision.on_paper:
        return _("On paper: letter No. %(number)s") % {"number": decision.registry_number}
    person = decision.decided_by
    return (person.get_full_name() or person.get_username()) if person else ""


def decisions_table(decisions: list[Decision]) -> ReportTable:
    """The decision register: one row per decision, as the register page lists them."""
    columns = [
        Column(_("Decided at"), CellKind.MOMENT),
        Column(_("Country"), CellKind.TEXT),
        Column(_("Code"), CellKind.CODE),
        Column(_("Programme"), CellKind.TEXT),
        Column(_("Version"), CellKind.COUNT),
        Column(_("Fingerprint"), CellKind.TEXT),
        Column(_("Decision"), CellKind.TEXT),
        Column(_("Comment"), CellKind.TEXT),
        Column(_("Decided by"), CellKind.TEXT),
        Column(_("Letter date"), CellKind.DATE),
        Column(_("Recorded by"), CellKind.TEXT),
        Column(_("Superseded by version"), CellKind.COUNT),
    ]
    rows = [
        row_of(
            columns,
            [
                timezone.localtime(decision.decided_at).replace(
                    tzinfo=None, second=0, microsecond=0
                ),
                str(decision.country),
                decision.country.code,
                localized(decision.programme, "title"),
                decision.version.number,
                decision.version.fingerprint,
                decision.get_decision_display(),
                decision.comment,
                _decided_by(decision),
                decision.letter_date,
                decision.recorded_by.get_username() if decision.recorded_by else "",
                decision.superseded_by.number if decision.superseded_by else None,
            ],
        )
        for decision in decisions
    ]
    return ReportTable(
        name="decisions",
        title=_("Register of decisions"),
        sheet_title=_("Decisions"),
        columns=columns,
        rows=rows,
        notes=[
            _(
                "Every decision a national coordinator took on a programme, newest first. A "
                "decision stands until a newer version of the programme's approved content is "
                "put before the countries; it then names the version that superseded it."
            ),
            _("Times are in the site's time zone, %(zone)s.")
            % {"zone": timezone.get_current_timezone_name()},
        ],
    )
