"""Who changed what and when, read from the django-simple-history tables of agreements,
programmes and events, for the history shown on their pages.

A change names the rows it pointed to — a host, a venue, a programme — as the reader may see
them: a programme the reader may not see (an event moved out of someone else's draft) is "a
programme you cannot see", never its title."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from programmes.models import Programme
from programmes.selectors import programme_visibility

# Bookkeeping fields a reader does not need to see change.
_UNSHOWN = frozenset({"version", "sequence", "updated_at", "created_at", "uid", "current_version"})

_ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    user: object
    action: str
    changes: list[FieldChange]


def _shown(field: models.Field, value, reader: User) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        targets = field.related_model._default_manager.filter(pk=value)
        if field.related_model is Programme:
            target = targets.filter(programme_visibility(user=reader)).first()
            if target is None and targets.exists():
                return str(_("a programme you cannot see"))
        else:
            target = targets.first()
        return str(target) if target else "—"
    return str(value)


def change_history(record: models.Model, *, reader: User, limit: int = 30) -> list[HistoryEntry]:
    """The latest ``limit`` changes of ``record``, newest first, each with the fields it
    changed (old and new value), as ``reader`` may see them."""
    versions = list(
        record.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    # Compared here rather than with the history library's diff, which leaves out fields that
    # are not editable, such as the status.
    excluded = set(getattr(record.history.model, "_history_excluded_fields", ()))
    shown = [
        field
        for field in record._meta.concrete_fields
        if not field.primary_key and field.name not in _UNSHOWN | excluded
    ]
    entries = []
    for newer, older in zip(versions, [*versions[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None:
            for field in shown:
                old, new = getattr(older, field.attname), getattr(newer, field.attname)
                if old != new:
                    changes.append(
                        FieldChange(
                            label=str(field.verbose_name).capitalize(),
                            old=_shown(field, old, reader),
                            new=_shown(field, new, reader),
                        )
                    )
        if older is not None and newer.history_type == "~" and not changes:
            continue  # only bookkeeping changed
        entries.append(
            HistoryEntry(
                at=newer.history_date,
                user=newer.history_user,
                action=str(_ACTIONS.get(newer.history_type, newer.history_type)),
                changes=changes,
            )
        )
    return entries
