"""Importing an iCalendar file into a programme: read it (``reading``), plan what it would do
(``plan``), apply the plan (``apply``).

An uploaded file is someone else's data, perhaps hostile: a file that is not one readable
calendar within the limits is refused whole; within one, each VEVENT is new, an update of the
programme's event with the same UID, or skipped with the reason. Nothing is written before the
person confirms the preview, and then all of the plan is written in one transaction, or nothing.
"""

from calendars.imports.apply import ImportResult, calendar_import_apply
from calendars.imports.plan import (
    NEW,
    SKIP,
    UPDATE,
    ImportPlan,
    ImportRow,
    calendar_import_preview,
    plan_keep,
    plan_take,
)
from calendars.imports.reading import (
    MAX_BYTES,
    MAX_EVENTS,
    MAX_LINE_CHARS,
    ImportRejected,
    calendar_events,
    read_upload,
)

__all__ = [
    "MAX_BYTES",
    "MAX_EVENTS",
    "MAX_LINE_CHARS",
    "NEW",
    "SKIP",
    "UPDATE",
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "ImportRow",
    "calendar_events",
    "calendar_import_apply",
    "calendar_import_preview",
    "plan_keep",
    "plan_take",
    "read_upload",
]
