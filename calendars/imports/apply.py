"""Applying an import plan: all of it in one transaction, or nothing."""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from calendars.imports.plan import NEW, SKIP, ImportPlan, ImportRow
from events.models import Event
from events.permissions import can_change_event
from events.services import event_create, event_update
from institutions.models import Institution
from programmes.models import Programme


@dataclasses.dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _apply_row(*, row: ImportRow, programme: Programme, actor: User, plan, host) -> None:
    if row.action == NEW:
        event_create(
            actor=actor,
            programme=programme,
            kind=plan.kind,
            host_institution=host,
            uid=row.uid,
            **row.values(),
        )
        return
    event = (
        Event.objects.select_related("host_institution")
        .filter(pk=row.event_pk, programme=programme, uid=row.uid)
        .first()
    )
    if event is None:
        raise ValidationError(_("It is no longer an event of this programme."))
    event.programme = programme
    if not can_change_event.test(actor, event):
        raise ValidationError(_("You may no longer change it."))
    event_update(event=event, actor=actor, version=row.event_version, **row.values())


@transaction.atomic
def calendar_import_apply(*, programme: Programme, actor: User, plan: ImportPlan) -> ImportResult:
    """Create the plan's new events and update its updated ones, through the event services,
    in one transaction: when any row fails (its UID was taken since the preview, its event
    changed or was removed meanwhile, the actor lost the right to change it), nothing is
    written and a ``ValidationError`` names the row."""
    if plan.programme_pk != programme.pk:
        raise ValueError("The plan was made for another programme.")
    host = Institution.objects.select_related("country").filter(pk=plan.host_institution_pk)
    host = host.first()
    if host is None:
        raise ValidationError(_("The host institution chosen no longer exists."))
    created = updated = 0
    for row in plan.rows:
        if row.action == SKIP:
            continue
        try:
            _apply_row(row=row, programme=programme, actor=actor, plan=plan, host=host)
        except ValidationError as exc:
            raise ValidationError(
                _("“%(title)s”: %(errors)s")
                % {"title": row.title, "errors": " ".join(exc.messages)}
            ) from exc
        if row.action == NEW:
            created += 1
        else:
            updated += 1
    return ImportResult(created=created, updated=updated)
