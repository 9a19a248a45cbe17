"""The plan of an import, and where it waits between the preview and the confirmation.

Each VEVENT becomes one row: *new* (created with its UID), *update* (the event of this programme
with the same UID) or *skip*, with the reason. A new or updated row carries what the event
would be, its kind and visibility (which the person may change before confirming), notes on
what the file said that could not be kept, and the warnings the calendar will show for it.

A plan is plain JSON (strings, numbers, ISO instants), so it can wait in the session, under a
random id, with the programme and the person it was made for.
"""

import dataclasses
import datetime
import secrets
import zoneinfo

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from accounts.models import User
from events.models import Event
from programmes.models import Programme

NEW, UPDATE, SKIP = "new", "update", "skip"
SESSION_KEY = "calendar_import_plans"
PLANS_KEPT = 3
PLAN_LIFETIME = datetime.timedelta(hours=1)
# What a row sets on the event, as ``event_create`` and ``event_update`` name it; the rows of
# others (host, venue, country) are kept by primary key.
ROW_FIELDS = (
    "title",
    "description",
    "kind",
    "visibility",
    "status",
    "starts_at",
    "ends_at",
    "all_day",
    "time_zone",
    "city",
    "country",
    "venue",
    "host_institution",
)
_RELATED = {"country": "country_pk", "venue": "venue_pk", "host_institution": "host_pk"}


@dataclasses.dataclass
class ImportRow:
    """What one VEVENT of the file would do. Instants are ISO strings, so the row is JSON."""

    action: str
    uid: str
    title: str
    reason: str = ""
    starts_at: str = ""
    ends_at: str = ""
    all_day: bool = False
    time_zone: str = ""
    description: str = ""
    status: str = ""
    kind: str = ""
    visibility: str = ""
    city: str = ""
    country_pk: int | None = None
    venue_pk: int | None = None
    host_pk: int | None = None
    # Shown, not applied: where the event would be and who would host it.
    place: str = ""
    host_name: str = ""
    notes: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    changed: list[str] = dataclasses.field(default_factory=list)
    event_pk: int | None = None
    event_version: int | None = None
    # A repeating event: its rule and the starts left out of it (UTC, ISO), as the first date
    # of a series keeps them, and the dates of it the file changes on their own.
    recurrence_rule: str = ""
    recurrence_skipped: list[str] = dataclasses.field(default_factory=list)
    overrides: list[dict] = dataclasses.field(default_factory=list)

    def _local(self, value: str) -> datetime.datetime | None:
        if not value:
            return None
        return datetime.datetime.fromisoformat(value).astimezone(zoneinfo.ZoneInfo(self.time_zone))

    @property
    def starts(self) -> datetime.datetime | None:
        """The start on the clock of the event's place."""
        return self._local(self.starts_at)

    @property
    def ends(self) -> datetime.datetime | None:
        return self._local(self.ends_at)

    @property
    def last_day(self) -> datetime.date | None:
        """An all-day event's last day: its end is the midnight after it."""
        ends = self.ends
        return None if ends is None else (ends - datetime.timedelta(days=1)).date()

    @property
    def status_label(self) -> str:
        return Event.Status(self.status).label if self.status else ""

    @property
    def changed_labels(self) -> list[str]:
        return [str(Event._meta.get_field(name).verbose_name) for name in self.changed]

    def values(self, related: dict[str, dict]) -> dict:
        """The row's fields as ``event_create`` takes them, or, for an update, the changed ones
        and the kind and visibility chosen, as ``event_update`` takes them. ``related`` holds
        the rows the row names, by field and primary key."""
        values = {}
        for name in ROW_FIELDS:
            if name in _RELATED:
                pk = getattr(self, _RELATED[name])
                values[name] = related[name].get(pk) if pk is not None else None
            elif name in ("starts_at", "ends_at"):
                values[name] = datetime.datetime.fromisoformat(getattr(self, name))
            else:
                values[name] = getattr(self, name)
        if self.recurrence_rule:
            values["recurrence_rule"] = self.recurrence_rule
            values["recurrence_skipped"] = self.recurrence_skipped
        if self.action == UPDATE:
            return {
                name: value
                for name, value in values.items()
                if name in self.changed or (name in ("kind", "visibility") and value)
            }
        return values


@dataclasses.dataclass
class ImportPlan:
    """The preview of one file: what confirming it would create and change."""

    programme_pk: int
    user_pk: int
    host_institution_pk: int
    kind: str
    file_name: str
    created_at: str
    rows: list[ImportRow]
    visibility: str = Event.Visibility.INTERNAL

    @property
    def new_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == NEW]

    @property
    def update_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == UPDATE]

    @property
    def skipped_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == SKIP]

    @property
    def importable(self) -> bool:
        return any(row.action != SKIP for row in self.rows)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ImportPlan":
        return cls(**{**data, "rows": [ImportRow(**row) for row in data["rows"]]})


# ---------- between preview and confirmation ----------


def plan_keep(*, session: SessionBase, plan: ImportPlan) -> str:
    """Keep ``plan`` in the session under a new random id (the last few plans only)."""
    plans = dict(session.get(SESSION_KEY, {}))
    plan_id = secrets.token_urlsafe(16)
    plans[plan_id] = plan.to_json()
    newest = sorted(plans.items(), key=lambda item: item[1]["created_at"])[-PLANS_KEPT:]
    session[SESSION_KEY] = dict(newest)
    return plan_id


def plan_take(
    *, session: SessionBase, plan_id: str, programme: Programme, user: User
) -> ImportPlan | None:
    """The plan kept as ``plan_id`` for this programme and user, removed from the session so
    it is applied at most once; None when unknown, another's, or expired."""
    plans = dict(session.get(SESSION_KEY, {}))
    data = plans.get(plan_id)
    if data is None or (data.get("programme_pk"), data.get("user_pk")) != (programme.pk, user.pk):
        return None
    del plans[plan_id]
    session[SESSION_KEY] = plans
    try:
        plan = ImportPlan.from_json(data)
        created_at = datetime.datetime.fromisoformat(plan.created_at)
    except (KeyError, TypeError, ValueError):
        return None
    return plan if timezone.now() - created_at <= PLAN_LIFETIME else None
