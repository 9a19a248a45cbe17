"""Agreements, programmes and the decisions on them; one module per part."""

from programmes.models.agreements import (
    EXPIRY_WARNING_DAYS,
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementQuerySet,
)
from programmes.models.decisions import Decision, ProgrammeVersion, open_change_requests
from programmes.models.programmes import Currency, Partnership, Programme, ProgrammeTransition

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "Agreement",
    "AgreementDocument",
    "AgreementParty",
    "AgreementQuerySet",
    "Currency",
    "Decision",
    "Partnership",
    "Programme",
    "ProgrammeTransition",
    "ProgrammeVersion",
    "open_change_requests",
]
