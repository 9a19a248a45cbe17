"""Importing calendar files into a programme: unpack and read them (``files``, ``reading``),
read each event (``fields``, on the clocks of ``zones``), preview what they would do
(``preview``, ``plan``), apply the plan (``apply``).

An uploaded file is someone else's data, perhaps hostile: an upload that is not readable
calendars within the limits is refused whole (``reading`` lists what is accepted and what is
refused, and the limits); within one, each VEVENT is new, an update of the programme's event
with the same UID, or skipped with the reason. Nothing is written before the person confirms
the preview, and then all of the plan is written in one transaction, or nothing. A file Dostlik
wrote imports as what it was: into the programme it came from, it changes nothing.
"""

from calendars.imports.apply import ImportResult, calendar_import_apply
from calendars.imports.errors import ImportRejected, Skip
from calendars.imports.files import (
    MAX_BYTES,
    MAX_FILES,
    MAX_UNPACKED_BYTES,
    read_upload,
)
from calendars.imports.plan import (
    NEW,
    SKIP,
    UPDATE,
    ImportPlan,
    ImportRow,
    plan_keep,
    plan_take,
)
from calendars.imports.preview import calendar_import_preview
from calendars.imports.reading import MAX_EVENTS, calendar_events

__all__ = [
    "MAX_BYTES",
    "MAX_EVENTS",
    "MAX_FILES",
    "MAX_UNPACKED_BYTES",
    "NEW",
    "SKIP",
    "UPDATE",
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "ImportRow",
    "Skip",
    "calendar_events",
    "calendar_import_apply",
    "calendar_import_preview",
    "plan_keep",
    "plan_take",
    "read_upload",
]
