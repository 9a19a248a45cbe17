"""Applying an import plan: all of it in one transaction, or nothing."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from calendars.imports.plan import NEW, SKIP, ImportPlan, ImportRow
from events.models import Event, Venue
from events.permissions import can_change_event
from events.services import event_create, event_update
from institutions.models import Country, Institution
from programmes.models import Programme


@dataclasses.dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _related(plan: ImportPlan) -> dict[str, dict]:
    """The hosts, countries and venues the plan's rows name, each read once."""
    rows = [row for row in plan.rows if row.action != SKIP]
    wanted = {
        "host_institution": (
            Institution,
            {row.host_pk for row in rows} | {plan.host_institution_pk},
        ),
        "country": (Country, {row.country_pk for row in rows}),
        "venue": (Venue, {row.venue_pk for row in rows}),
    }
    return {
        name: model.objects.in_bulk({pk for pk in pks if pk is not None})
        for name, (model, pks) in wanted.items()
    }


def _choose(plan: ImportPlan, choices: dict[int, dict[str, str]]) -> None:
    """Set each row's kind and visibility as the person chose them in the preview."""
    allowed = {"kind": Event.Kind.values, "visibility": Event.Visibility.values}
    for index, chosen in choices.items():
        if not 0 <= index < len(plan.rows) or plan.rows[index].action == SKIP:
            continue
        for name, value in chosen.items():
            if name not in allowed or value not in allowed[name]:
                raise ValidationError(_("Choose a kind and a visibility offered for each event."))
            setattr(plan.rows[index], name, value)


def _apply_row(*, row: ImportRow, programme: Programme, actor: User, related, plan, host) -> bool:
    """Create or update the row's event; whether anything was written."""
    named = {"host_institution": row.host_pk, "country": row.country_pk, "venue": row.venue_pk}
    if any(pk is not None and pk not in related[name] for name, pk in named.items()):
        raise ValidationError(_("A host, country or venue it names no longer exists."))
    values = row.values(related)
    if row.action == NEW:
        # A plan kept from before rows had their own carries the file's defaults only.
        values["host_institution"] = values["host_institution"] or host
        values["kind"] = values["kind"] or plan.kind
        values["visibility"] = values["visibility"] or plan.visibility
        first = event_create(actor=actor, programme=programme, uid=row.uid, **values)
        _apply_overrides(first=first, row=row, actor=actor)
        return True
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
    version = event.version
    written = (
        event_update(event=event, actor=actor, version=row.event_version, **values).version
        != version
    )
    return _apply_overrides(first=event, row=row, actor=actor) or written


def _apply_overrides(*, first: Event, row: ImportRow, actor: User) -> bool:
    """The dates of the series the file changes on their own (RECURRENCE-ID), changed so;
    whether any was. A date the series does not have (the rule no longer gives it) is left."""
    written = False
    for override in row.overrides:
        occurrence = first.occurrences.filter(
            recurrence_id=datetime.datetime.fromisoformat(override["recurrence_id"])
        ).first()
        if occurrence is None:
            continue
        changes = {
            "title": override["title"] or occurrence.title,
            "status": override["status"] or occurrence.status,
            "starts_at": datetime.datetime.fromisoformat(override["starts_at"]),
            "ends_at": datetime.datetime.fromisoformat(override["ends_at"]),
        }
        version = occurrence.version
        written |= event_update(event=occurrence, actor=actor, **changes).version != version
    return written


@transaction.atomic
def calendar_import_apply(
    *,
    programme: Programme,
    actor: User,
    plan: ImportPlan,
    choices: dict[int, dict[str, str]] | None = None,
) -> ImportResult:
    """Create the plan's new events and update its updated ones, through the event services,
    in one transaction, with the kind and visibility ``choices`` of each row (by its number)
    made in the preview: when any row fails (its UID was taken since the preview, its event
    changed or was removed meanwhile, the actor lost the right to change it), nothing is
    written and a ``ValidationError`` names the row."""
    if plan.programme_pk != programme.pk:
        raise ValueError("The plan was made for another programme.")
    _choose(plan, choices or {})
    related = _related(plan)
    host = related["host_institution"].get(plan.host_institution_pk)
    if host is None:
        raise ValidationError(_("The host institution chosen no longer exists."))
    created = updated = 0
    for row in plan.rows:
        if row.action == SKIP:
            continue
        try:
            written = _apply_row(
                row=row, programme=programme, actor=actor, related=related, plan=plan, host=host
            )
        except ValidationError as exc:
            raise ValidationError(
                _("“%(title)s”: %(errors)s")
                % {"title": row.title, "errors": " ".join(exc.messages)}
            ) from exc
        if row.action == NEW:
            created += 1
        elif written:
            updated += 1
    return ImportResult(created=created, updated=updated)
