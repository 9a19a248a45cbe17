"""Two people editing one record: what the second one entered, beside what the first saved.

A save from a page loaded before someone else's change is refused (``StaleVersion``), so that
nobody's work is overwritten unseen. Rather than "reload and type it again", the form comes back
with what the person entered and, above it, each field where that differs from what is saved
now, with who saved it and when. Saving again replaces what is saved with what they entered
(the form now carries the current version); reloading keeps what is saved.
"""

import dataclasses
import datetime

from django import forms
from django.db import models
from django.utils import formats, timezone

from core.models import VersionedModel


@dataclasses.dataclass(frozen=True)
class Difference:
    label: str
    opened: str  # as it was when the editor opened the form ("" when not known)
    yours: str
    saved: str


@dataclasses.dataclass(frozen=True)
class EditConflict:
    differences: list[Difference]
    saved_by: object  # the person who saved the version now stored, if known
    saved_at: datetime.datetime | None


def _shown(field: forms.Field | None, value, zone) -> str:
    """``value`` of ``field`` as a person reads it."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return formats.localize(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value, zone), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, models.Model):
        return str(value)
    choices = getattr(field, "choices", None)
    if choices is not None:
        for key, label in choices:
            if isinstance(label, list | tuple):  # a group of choices
                found = dict(label).get(value)
                if found is not None:
                    return str(found)
            elif key == value:
                return str(label)
    return formats.localize(value) if isinstance(value, int | float) else str(value)


def edit_conflict(
    form: forms.Form, record: VersionedModel, entered: dict, *, zone=None
) -> EditConflict:
    """The conflict between ``entered`` (field → value, as the services take them) and
    ``record`` as stored now, with each field as it was in the version the form was opened on
    (its ``version``, from the record's history). Sets the form's ``version`` to the stored
    one, so that saving again saves the form as it stands."""
    stored = type(record).objects.get(pk=record.pk)
    opened = stored.history.filter(version=form.cleaned_data["version"]).first()
    differences = []
    for name, value in entered.items():
        if getattr(stored, name) == value:
            continue
        # A value the form makes of several fields (a start of a date and a time) is named
        # as the record names it.
        field = form.fields.get(name)
        label = field.label if field is not None else None
        label = label or stored._meta.get_field(name).verbose_name
        differences.append(
            Difference(
                label=str(label)[:1].upper() + str(label)[1:],
                opened=_shown(field, getattr(opened, name), zone) if opened else "",
                yours=_shown(field, value, zone),
                saved=_shown(field, getattr(stored, name), zone),
            )
        )
    data = form.data.copy()
    data[form.add_prefix("version")] = str(stored.version)
    form.data = data
    last = stored.history.order_by("-history_date").first()
    return EditConflict(
        differences=differences,
        saved_by=last.history_user if last else None,
        saved_at=last.history_date if last else None,
    )
