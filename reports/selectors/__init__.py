"""The figures of the reports, always scoped to what the reader may see.

Every count goes through the same visibility rule as the pages: programmes through
``programme_visibility``, and events through that of their programme as ``event_list`` does, so
a draft counts only for the people who may open it. Agreements are seen by every signed-in user
and counted for all.

Each figure is one grouped query (or two), whatever the number of programmes or events: the
page's query count does not grow with the data. Events are not read one by one but through
their tallies (``events.tallies``), kept on every write, so what a figure reads grows with the
combinations of programme, year, status, kind, country and host, not with the events.
A country with nothing to count gets no row of zeros: each figure names it in ``nothing``, and
its table says once which countries were left out, so a missing row is never a mystery.

The filters share their names with the rest of the site: ``year``, ``country`` (ISO code),
``institution`` (what it takes part in: programmes it partners in, events it hosts, agreements
it is party to, funding it commits), ``programme``, and ``kind`` and ``status`` (of the
programme).
"""

from reports.selectors.balance import Balance, BalanceYear, balance
from reports.selectors.common import (
    BALANCE_YEARS,
    ReportFilters,
    earliest_year,
    share,
)
from reports.selectors.register import RegisterFilters, decision_register
from reports.selectors.year import (
    AgreementCounts,
    AgreementsByCountry,
    Attendance,
    AttendanceByCountry,
    EventsByKind,
    FundingByCountry,
    ProgrammesByStatus,
    StatusCounts,
    YearReport,
    agreement_reference_day,
    agreements_by_country,
    attendance_by_country,
    events_held_by_kind,
    funding_by_country,
    programmes_by_status,
    year_report,
)

__all__ = [
    "BALANCE_YEARS",
    "AgreementCounts",
    "AgreementsByCountry",
    "Attendance",
    "AttendanceByCountry",
    "Balance",
    "BalanceYear",
    "EventsByKind",
    "FundingByCountry",
    "ProgrammesByStatus",
    "RegisterFilters",
    "ReportFilters",
    "StatusCounts",
    "YearReport",
    "agreement_reference_day",
    "agreements_by_country",
    "attendance_by_country",
    "balance",
    "decision_register",
    "earliest_year",
    "events_held_by_kind",
    "funding_by_country",
    "programmes_by_status",
    "share",
    "year_report",
]
