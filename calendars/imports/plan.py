"""The plan of an import: what each VEVENT of a file would do to a programme, and where the plan
waits between the preview and the confirmation.

Each VEVENT becomes one row: *new* (created with its UID), *update* (the event of this programme
with the same UID) or *skip*, with the reason. Recurring events are skipped: a rule stands for
any number of occurrences, and Dostlik keeps one row per event. Floating times and dates are read
on the clock of the programme lead's country (for an update, on the event's own clock).

A plan is plain JSON (strings, ISO instants), so it can wait in the session, under a random id,
with the programme and the person it was made for.
"""

import copy
import dataclasses
import datetime
import secrets
import zoneinfo

import icalendar
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calendars.imports.reading import (
    Skip,
    calendar_events,
    description_of,
    event_times,
    text_of,
    title_of,
    uid_of,
)
from events.models import Event, Venue
from events.permissions import can_change_event
from institutions.models import Country, Institution
from programmes.models import Partnership, Programme

NEW, UPDATE, SKIP = "new", "update", "skip"
SESSION_KEY = "calendar_import_plans"
PLANS_KEPT = 3
PLAN_LIFETIME = datetime.timedelta(hours=1)

_STATUS_FROM_CALENDAR = {
    "CANCELLED": Event.Status.CANCELLED,
    "TENTATIVE": Event.Status.PLANNED,
    "CONFIRMED": Event.Status.CONFIRMED,
}
# How calendars read each status (as the export writes it): an update keeps the event's status
# while the file says the same, so a held or postponed event is not set back.
_STATUS_IN_CALENDARS = {
    Event.Status.PLANNED: "TENTATIVE",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CONFIRMED: "CONFIRMED",
    Event.Status.HELD: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
}
_RECURRENCE = ("RRULE", "RDATE", "EXRULE", "RECURRENCE-ID")


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
    city: str = ""
    changed: list[str] = dataclasses.field(default_factory=list)
    event_pk: int | None = None
    event_version: int | None = None

    @property
    def starts(self) -> datetime.datetime | None:
        """The start on the clock of the event's place."""
        if not self.starts_at:
            return None
        return datetime.datetime.fromisoformat(self.starts_at).astimezone(
            zoneinfo.ZoneInfo(self.time_zone)
        )

    @property
    def ends(self) -> datetime.datetime | None:
        if not self.ends_at:
            return None
        return datetime.datetime.fromisoformat(self.ends_at).astimezone(
            zoneinfo.ZoneInfo(self.time_zone)
        )

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

    def values(self) -> dict:
        """The row's fields as ``event_create`` takes them, or, for an update, the changed ones
        as ``event_update`` takes them."""
        values = {
            "title": self.title,
            "description": self.description,
            "status": self.status,
            "starts_at": datetime.datetime.fromisoformat(self.starts_at),
            "ends_at": datetime.datetime.fromisoformat(self.ends_at),
            "all_day": self.all_day,
            "time_zone": self.time_zone,
            "city": self.city,
        }
        if self.action == UPDATE:
            return {name: values[name] for name in self.changed}
        if not self.city:
            del values["city"]  # the host's city
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


@dataclasses.dataclass
class _Setting:
    """What every row of one preview shares."""

    programme: Programme
    user: User
    host: Institution
    kind: str
    lead_zone: str
    cities: dict[str, str]  # casefolded → as written
    countries: frozenset[str]  # casefolded names and codes

    def city(self, location: str) -> str:
        """Best effort: the part of LOCATION that is a city Dostlik knows, else the last part
        of an address that is not a country or a number, else nothing (the host's city)."""
        parts = [part.strip() for part in location.split(",") if part.strip()]
        for part in reversed(parts):
            if part.casefold() in self.cities:
                return self.cities[part.casefold()]
        while parts and (
            parts[-1].casefold() in self.countries or not any(c.isalpha() for c in parts[-1])
        ):
            parts.pop()
        return parts[-1][:100] if len(parts) > 1 else ""


def _checked(candidate: Event) -> None:
    """The row would save: the model's own checks, short of the database's. The time zone is
    one of the zone database's already, and asking it again per row is slow."""
    try:
        candidate.full_clean(
            exclude=["programme", "host_institution", "country", "venue", "time_zone"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise Skip(
            _("It cannot be saved: %(errors)s") % {"errors": " ".join(exc.messages)}
        ) from exc


def _row(action: str, uid: str, event: Event, **extra) -> ImportRow:
    return ImportRow(
        action=action,
        uid=uid,
        title=event.title,
        starts_at=event.starts_at.isoformat(),
        ends_at=event.ends_at.isoformat(),
        all_day=event.all_day,
        time_zone=event.time_zone,
        description=event.description,
        status=event.status,
        city=event.city,
        **extra,
    )


def _new_row(component: icalendar.Event, uid: str, setting: _Setting) -> ImportRow:
    status = _STATUS_FROM_CALENDAR.get((text_of(component, "STATUS") or "").upper())
    if status == Event.Status.CANCELLED:
        raise Skip(_("It is cancelled, and not an event of this programme."))
    host = setting.host
    starts, ends, all_day, zone = event_times(
        component, floating_zone=setting.lead_zone, place_zone=host.country.time_zone
    )
    title = title_of(component)
    if not title:
        raise Skip(_("It has no title (SUMMARY)."))
    city = setting.city(text_of(component, "LOCATION", one_line=True) or "")
    candidate = Event(
        programme=setting.programme,
        title=title,
        description=description_of(component) or "",
        kind=setting.kind,
        host_institution=host,
        city=city or host.city,
        country=host.country,
        time_zone=zone,
        starts_at=starts,
        ends_at=ends,
        all_day=all_day,
        status=status or Event.Status.PLANNED,
    )
    _checked(candidate)
    row = _row(NEW, uid, candidate)
    row.city = city
    return row


def _update_row(component: icalendar.Event, uid: str, event: Event, setting: _Setting) -> ImportRow:
    if not can_change_event.test(setting.user, event):
        raise Skip(
            _("It is an event of this programme hosted by %(host)s, which you may not change.")
            % {"host": event.host_institution}
        )
    starts, ends, all_day, zone = event_times(
        component, floating_zone=event.time_zone, place_zone=event.time_zone
    )
    wanted = {"starts_at": starts, "ends_at": ends, "all_day": all_day, "time_zone": zone}
    if title := title_of(component):
        wanted["title"] = title
    description = description_of(component, current=event.description)
    if description is not None:
        wanted["description"] = description
    if city := setting.city(text_of(component, "LOCATION", one_line=True) or ""):
        wanted["city"] = city
    said = (text_of(component, "STATUS") or "").upper()
    if said in _STATUS_FROM_CALENDAR and said != _STATUS_IN_CALENDARS[event.status]:
        wanted["status"] = _STATUS_FROM_CALENDAR[said]
    changed = [name for name, value in wanted.items() if getattr(event, name) != value]
    if not changed:
        raise Skip(_("It is already up to date."))
    candidate = copy.copy(event)
    for name in changed:
        setattr(candidate, name, wanted[name])
    _checked(candidate)
    return _row(
        UPDATE, uid, candidate, changed=changed, event_pk=event.pk, event_version=event.version
    )


def _setting(*, programme, user, host_institution, kind) -> _Setting:
    lead = next((p for p in programme.partnerships.all() if p.role == Partnership.Role.LEAD), None)
    lead_zone = (lead.institution if lead is not None else host_institution).country.time_zone
    cities = {
        city.casefold(): city
        for model in (Institution, Venue)
        for city in model.objects.values_list("city", flat=True).distinct()
        if city
    }
    countries = frozenset(
        value.casefold() for pair in Country.objects.values_list("name", "code") for value in pair
    )
    return _Setting(programme, user, host_institution, kind, lead_zone, cities, countries)


def calendar_import_preview(
    *,
    programme: Programme,
    user: User,
    content: bytes,
    host_institution: Institution,
    kind: str,
    file_name: str = "",
) -> ImportPlan:
    """The plan of importing ``content`` into ``programme``: each VEVENT new, updated or skipped
    with the reason. Writes nothing; raises ``ImportRejected`` for a file that is not one
    readable calendar within the limits."""
    components = calendar_events(content)
    setting = _setting(programme=programme, user=user, host_institution=host_institution, kind=kind)
    uids = {c["UID"].strip() for c in components if isinstance(c.get("UID"), str)}
    existing = {
        event.uid: event
        for event in Event.objects.filter(uid__in=uids).select_related("host_institution")
    }
    seen: set[str] = set()
    rows = []
    for component in components:
        uid = ""
        try:
            uid = uid_of(component)
            if any(name in component for name in _RECURRENCE):
                raise Skip(_("It is a recurring event; recurring events are not imported."))
            if uid in seen:
                raise Skip(_("Its UID appears earlier in this file."))
            seen.add(uid)
            event = existing.get(uid)
            if event is None:
                rows.append(_new_row(component, uid, setting))
            elif event.programme_id != programme.pk:
                raise Skip(_("Its UID belongs to an event of another programme."))
            else:
                event.programme = programme  # its partners are loaded already
                rows.append(_update_row(component, uid, event, setting))
        except Skip as skip:
            rows.append(
                ImportRow(action=SKIP, uid=uid, title=title_of(component), reason=skip.reason)
            )
    return ImportPlan(
        programme_pk=programme.pk,
        user_pk=user.pk,
        host_institution_pk=host_institution.pk,
        kind=kind,
        file_name=file_name[:255],
        created_at=timezone.now().isoformat(),
        rows=rows,
    )


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
