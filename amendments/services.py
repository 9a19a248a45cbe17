"""Amendments: every write to them.

An amendment is proposed by a coordinator of an approved or active programme: the change is
tried on the programme inside a savepoint, under ``applying_an_amendment``, the approved content
it would make is read, and everything is rolled back — the programme stays as approved, public
and on the calendars. The content becomes a proposed version that each participating country
decides on, as on a submission. When every country approved, the same change is applied for
real, at once, and the version must come out as proposed (``version_adopt``); when one rejects,
nothing changes. The change is written with the proposer as its author, through the very
services a direct change goes through.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from amendments import notifications
from amendments.models import Amendment
from core.caching import changes_content
from events.models import Event, Venue, new_event_uid
from events.services import event_create, event_update
from institutions.models import Country, Institution
from programmes.models import Decision, Programme
from programmes.selectors import participating_countries
from programmes.services import (
    PaperLetter,
    PartnerRow,
    applying_an_amendment,
    programme_update,
    version_adopt,
    version_decide,
    version_propose,
)
from programmes.versions import approved_content, fingerprint

Subject = Amendment.Subject
State = Amendment.State
CREATE, CHANGE = "create", "change"
# Event fields that name other rows, written by their keys.
_EVENT_KEYS = {"host_institution": Institution, "venue": Venue, "country": Country}


def _stored(value):
    """A form's value as JSON holds it."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _differing(record, fields: dict) -> dict:
    """The ``fields`` whose value differs from ``record``'s, as JSON holds them."""
    return {
        name: _stored(value)
        for name, value in fields.items()
        if record is None or getattr(record, name) != value
    }


def programme_changes(*, programme: Programme, fields: dict, partners: list[PartnerRow]) -> dict:
    """The changes of a programme amendment, as ``Amendment.changes`` keeps them: the fields
    that differ from the programme's, and the partners as they are to be."""
    return {
        "fields": _differing(programme, fields),
        "partners": [
            {
                "institution": row.institution.pk,
                "role": row.role,
                "contribution": row.contribution,
                "funding_amount": _stored(row.funding_amount),
                "funding_currency": row.funding_currency,
            }
            for row in partners
        ],
    }


def event_changes(*, event: Event | None, fields: dict) -> dict:
    """The changes of an event amendment: a new event with ``fields``, or the fields that
    differ from ``event``'s."""
    if event is None:
        # Named now, so that the event made when the amendment applies is the one proposed.
        return {"action": CREATE, "fields": _differing(None, fields) | {"uid": new_event_uid()}}
    return {"action": CHANGE, "fields": _differing(event, fields)}


def _programme_fields(stored: dict) -> dict:
    fields = dict(stored)
    for name in ("starts_on", "ends_on"):
        if fields.get(name):
            fields[name] = datetime.date.fromisoformat(fields[name])
    if fields.get("budget_amount") is not None:
        fields["budget_amount"] = Decimal(fields["budget_amount"])
    return fields


def _event_fields(stored: dict) -> dict:
    fields = dict(stored)
    for name, model in _EVENT_KEYS.items():
        if name in fields:
            fields[name] = model.objects.get(pk=fields[name]) if fields[name] else None
    for name in ("starts_at", "ends_at"):
        if fields.get(name):
            fields[name] = datetime.datetime.fromisoformat(fields[name])
    return fields


def _apply(
    *, programme: Programme, subject: str, event: Event | None, changes: dict, author: User | None
) -> None:
    """Write ``changes`` through the services, as ``author``; the caller holds the programme
    open to them (``applying_an_amendment``)."""
    if subject == Subject.PROGRAMME:
        rows = [
            PartnerRow(
                institution=Institution.objects.get(pk=row["institution"]),
                role=row["role"],
                contribution=row["contribution"],
                funding_amount=(
                    Decimal(row["funding_amount"]) if row["funding_amount"] is not None else None
                ),
                funding_currency=row["funding_currency"],
            )
            for row in changes["partners"]
        ]
        stored = Programme.objects.get(pk=programme.pk)
        programme_update(
            programme=stored,
            actor=author,
            version=stored.version,
            partners=rows,
            **_programme_fields(changes["fields"]),
        )
    elif changes["action"] == CREATE:
        event_create(actor=author, programme=programme, **_event_fields(changes["fields"]))
    else:
        event_update(event=event, actor=author, **_event_fields(changes["fields"]))


@changes_content
@transaction.atomic
def amendment_propose(
    *,
    programme: Programme,
    actor: User,
    note: str,
    subject: str,
    changes: dict,
    event: Event | None = None,
) -> Amendment:
    """Propose ``changes`` to an approved or active programme, with a note of why; the
    national coordinators of every participating country are told. Refused when another
    amendment waits, or when the change leaves what the countries decide on as it is (it is
    then saved directly)."""
    stored = Programme.objects.select_for_update(of=("self",)).get(pk=programme.pk)
    if stored.status not in Programme.Status.under_way_states:
        raise ValidationError(_("Only an approved or active programme is amended."))
    if Amendment.objects.filter(programme=stored, state=State.OPEN).exists():
        raise ValidationError(_("An amendment of this programme already waits for a decision."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the programme should change.")})
    # Tried out, read, rolled back: the programme stays as the countries approved it.
    savepoint = transaction.savepoint_create()
    try:
        with applying_an_amendment(stored):
            _apply(programme=stored, subject=subject, event=event, changes=changes, author=actor)
        content = approved_content(Programme.objects.get(pk=stored.pk))
    finally:
        transaction.savepoint_rollback(savepoint)
    stored.refresh_from_db()
    if fingerprint(content) == stored.current_version.fingerprint:
        raise ValidationError(
            _(
                "This changes nothing the countries decide on: save it on the programme's or "
                "the event's own page."
            )
        )
    version = version_propose(programme=stored, content=content, actor=actor, note=note.strip())
    amendment = Amendment.objects.create(
        programme=stored,
        base_version=stored.current_version,
        version=version,
        subject=subject,
        event=event,
        changes=changes,
        note=note.strip(),
        proposed_by=actor,
    )
    notifications.amendment_proposed(amendment=amendment, countries=participating_countries(stored))
    return amendment


@changes_content
@transaction.atomic
def amendment_decide(
    *,
    amendment: Amendment,
    country: Country,
    decision: str,
    actor: User | None,
    version: int,
    comment: str = "",
    paper: PaperLetter | None = None,
) -> Decision:
    """Record ``country``'s decision on the amendment (on ``version``, the proposed version the
    decider was shown). When every country approved, the change is applied at once as the
    programme's new current version; when one rejects, nothing changes."""
    # The programme first, as every write to its content locks it.
    Programme.objects.select_for_update(of=("self",)).get(pk=amendment.programme_id)
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state != State.OPEN:
        raise ValidationError(_("This amendment no longer waits for a decision."))
    if amendment.programme.status not in Programme.Status.under_way_states:
        raise ValidationError(
            _("The programme is no longer approved or active: withdraw the amendment.")
        )
    if version != amendment.version.number:
        raise ValidationError(_("This amendment is not the version you were shown."))
    record, outcome = version_decide(
        version=amendment.version,
        country=country,
        decision=decision,
        actor=actor,
        comment=comment,
        paper=paper,
    )
    if outcome is False:
        amendment.state = State.REJECTED
    elif outcome:
        with applying_an_amendment(amendment.programme):
            _apply(
                programme=amendment.programme,
                subject=amendment.subject,
                event=amendment.event,
                changes=amendment.changes,
                author=amendment.proposed_by,
            )
        version_adopt(version=amendment.version, actor=actor)
        amendment.state = State.APPROVED
    if outcome is not None:
        amendment.closed_at = timezone.now()
        amendment.save(update_fields=["state", "closed_at"])
    notifications.amendment_decided(amendment=amendment, decision=record)
    return record


@changes_content
@transaction.atomic
def amendment_withdraw(*, amendment: Amendment, actor: User) -> None:
    """Take back an amendment still waiting; the programme stays as it is."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state != State.OPEN:
        raise ValidationError(_("This amendment no longer waits for a decision."))
    amendment.state = State.WITHDRAWN
    amendment.closed_at = timezone.now()
    amendment.save(update_fields=["state", "closed_at"])
