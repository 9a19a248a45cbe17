"""Warnings about a programme, not walls: one that runs past the end of the agreement it
implements is flagged on its page and when it is saved, never refused (an agreement is often
extended after the programme is planned). The warnings about its events are the events app's
(``events.warnings``)."""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programmes.models import Agreement


@dataclass(frozen=True)
class ProgrammeWarning:
    kind: str  # "agreement_expiry"
    message: str


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def agreement_warnings(
    *, ends_on: datetime.date, agreement: Agreement | None
) -> list[ProgrammeWarning]:
    """The warning of a programme that runs until ``ends_on`` under ``agreement``, if that
    ends first: terminated, or valid until an earlier day."""
    if agreement is None:
        return []
    if agreement.terminated_on is not None and agreement.terminated_on < ends_on:
        text = _(
            "The programme runs until %(ends)s, after its agreement “%(agreement)s” was "
            "terminated on %(agreement_ends)s."
        )
        agreement_ends = agreement.terminated_on
    elif agreement.valid_until is not None and agreement.valid_until < ends_on:
        text = _(
            "The programme runs until %(ends)s, past the expiry of its agreement “%(agreement)s” "
            "on %(agreement_ends)s."
        )
        agreement_ends = agreement.valid_until
    else:
        return []
    message = text % {
        "ends": _day(ends_on),
        "agreement": agreement.title,
        "agreement_ends": _day(agreement_ends),
    }
    return [ProgrammeWarning("agreement_expiry", message)]
