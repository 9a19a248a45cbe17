"""The approved content of an approved or active programme changes only through an amendment:
a proposed version that every participating country approves (the ``amendments`` app holds the
proposals and applies them). Here: the lock on that content, and the versions a proposal is
made of, decided on and adopted as.
"""

import contextvars
import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.caching import changes_content
from institutions.models import Country
from programmes.models import Decision, Programme, ProgrammeVersion
from programmes.selectors import participating_countries
from programmes.services.workflow import PaperLetter, record_decision
from programmes.versions import approved_content, fingerprint

Status = Programme.Status
Kind = Decision.Kind

# The programme whose approved amendment is being applied, in this context only.
_applying = contextvars.ContextVar("applying_an_amendment", default=None)


@contextmanager
def applying_an_amendment(programme: Programme) -> Iterator[None]:
    """Inside, the approved content of ``programme`` may change: an amendment every country
    approved is being applied (or, for its proposal, tried out and rolled back)."""
    token = _applying.set(programme.pk)
    try:
        yield
    finally:
        _applying.reset(token)


class ContentClosed(ValidationError):
    """A change to the approved content of an approved or active programme, made directly."""


def require_content_open(programme: Programme) -> None:
    """Refuse a change to the approved content of an approved or active programme, but while an
    amendment is being applied to it. Called by every service that writes that content. The
    status is read from the database: the caller's copy may predate an approval."""
    if _applying.get() == programme.pk:
        return
    status = Programme.objects.filter(pk=programme.pk).values_list("status", flat=True).first()
    if status in Status.under_way_states:
        raise ContentClosed(
            _(
                "This programme is %(status)s: what the countries approved — its partners, "
                "dates and budget, its events' dates, places, hosts and whether they go ahead — "
                "changes only through an amendment that every participating country approves."
            )
            % {"status": Status(status).label.lower()}
        )


def _locked(programme: Programme) -> Programme:
    return (
        Programme.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=programme.pk)
    )


@changes_content
@transaction.atomic
def version_propose(
    *, programme: Programme, content: dict, actor: User | None, note: str
) -> ProgrammeVersion:
    """A proposed version of an approved or active programme's approved content: numbered
    after the others, not current until every participating country approved it."""
    stored = _locked(programme)
    if stored.status not in Status.under_way_states:
        raise ValidationError(_("Only an approved or active programme is amended."))
    number = (stored.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return ProgrammeVersion.objects.create(
        programme=stored,
        number=number,
        made=ProgrammeVersion.Reason.PROPOSED,
        fingerprint=fingerprint(content),
        content=content,
        reason=note,
        created_by=actor,
    )


@changes_content
@transaction.atomic
def version_decide(
    *,
    version: ProgrammeVersion,
    country: Country,
    decision: str,
    actor: User | None,
    comment: str = "",
    paper: PaperLetter | None = None,
    at: datetime.datetime | None = None,
) -> tuple[Decision, bool | None]:
    """Record ``country``'s decision on a proposed ``version``: approve or reject. Returns the
    decision and the outcome: True when every participating country has approved (the caller
    applies the amendment and adopts the version), False when one rejected, None while others
    are still to decide."""
    stored = _locked(version.programme)
    if version.made != ProgrammeVersion.Reason.PROPOSED or version.adopted_at is not None:
        raise ValidationError(_("This version is not a proposal waiting for a decision."))
    if decision not in (Kind.APPROVED, Kind.REJECTED):
        raise ValidationError({"decision": _("Choose approve or reject.")})
    countries = participating_countries(stored)
    if country.pk not in {c.pk for c in countries}:
        raise ValidationError(
            _("%(country)s is not a participant of this programme.") % {"country": country}
        )
    record = record_decision(
        stored=stored,
        version=version,
        country=country,
        decision=decision,
        actor=actor,
        comment=comment,
        paper=paper,
        at=at,
    )
    if decision == Kind.REJECTED:
        return record, False
    approved = set(
        version.decisions.filter(decision=Kind.APPROVED).values_list("country", flat=True)
    )
    return record, approved >= {c.pk for c in countries} or None


@changes_content
@transaction.atomic
def version_adopt(*, version: ProgrammeVersion, actor: User | None) -> None:
    """Make a proposed version, which every country approved and whose changes were just
    applied, the programme's current version: the content must be the one proposed. The
    decisions on older versions are superseded by it."""
    stored = _locked(version.programme)
    if fingerprint(approved_content(stored)) != version.fingerprint:
        raise ValidationError(
            _("The programme no longer matches the amendment: it cannot be applied.")
        )
    version.adopted_at = timezone.now()
    version.save(update_fields=["adopted_at"])
    stored.decisions.filter(superseded_by__isnull=True).exclude(version=version).update(
        superseded_by=version
    )
    stored.current_version = version
    stored.version += 1
    stored._history_user = actor
    stored.save(update_fields=["current_version", "version", "updated_at"])
