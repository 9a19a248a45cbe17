"""The preview of an import: what each VEVENT of a file would do to a programme.

A new event takes from the file what the file says: Dostlik's own properties first
(``fields.DOSTLIK_PROPERTIES``), then the standard ones (CLASS, STATUS, CATEGORIES named like a
kind, CONTACT named like a host, LOCATION ending in a country). What the file does not say comes
from the form: the kind, the visibility, the host. A host the file names is kept when the
importer may name it in this programme, else the chosen host hosts it and the row says so.

Times with a zone keep it (``fields``). Dates and floating times are read on the calendar's
``X-WR-TIMEZONE``, else the clock of the country the file places the event in, else the
programme lead's country's. Times in UTC keep their instant, shown on the clock of the country
the file places the event in, else of ``X-WR-TIMEZONE`` (the zone Google shows them in), else
of the host's country. An update reads dates and floating times on ``X-WR-TIMEZONE`` else the
event's own clock, and shows times in UTC on the event's own clock (its new country's, when
the file moves it to another country).

An update changes what the file says differently, and nothing when the file's copy is older
than the event's last change (a lower SEQUENCE, or the same and an earlier DTSTAMP). Recurring
events are skipped: a rule stands for any number of occurrences, and Dostlik keeps one row per
event.

The preview reads a bounded number of rows whatever the file's size: the programme's partners,
the hosts the importer may name, the countries, the places known, the events and venues the
file names, and the calendar's warnings for all rows at once.
"""

import copy
import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from calendars.imports.errors import Skip
from calendars.imports.fields import (
    Clocks,
    Places,
    categories_of,
    clean_text,
    description_of,
    event_times,
    moments_of,
    places_of,
    sequence_of,
    stamp_of,
    text_of,
    title_of,
    uid_of,
    with_location,
)
from calendars.imports.plan import NEW, SKIP, UPDATE, ImportPlan, ImportRow
from calendars.imports.reading import FileEvent, calendar_events
from calendars.imports.setting import Setting, copy_uid, import_setting
from events.models import Event
from events.permissions import can_change_event
from events.series import series_expansion
from events.warnings import warnings_for_events
from institutions.models import Institution
from programmes.models import Programme

# Clashes spelled out per row; the others are counted.
WARNINGS_SHOWN = 3
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
_VISIBILITY_FROM_CLASS = {
    "PUBLIC": Event.Visibility.PUBLIC,
    "PRIVATE": Event.Visibility.INTERNAL,
    "CONFIDENTIAL": Event.Visibility.INTERNAL,
}
# Recurrence that Dostlik does not keep: dates listed one by one, exclusion rules.
_UNREAD_RECURRENCE = ("RDATE", "EXRULE")
# Compared as the file gives them back: cleaned of what no calendar keeps.
_TEXT_FIELDS = {"title": True, "description": False, "city": True}


def _kinds() -> dict[str, str]:
    """Each kind by its value and by its name in every language of the site, casefolded."""
    kinds = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            kinds.update({str(kind.label).casefold(): kind.value for kind in Event.Kind})
    kinds.update({kind.value: kind.value for kind in Event.Kind})
    return kinds


def _status_of(component) -> str | None:
    """The status a new event takes from the file; None when it says none."""
    said = (text_of(component, "X-DOSTLIK-STATUS", one_line=True) or "").lower()
    if said in Event.Status.values:
        return said
    return _STATUS_FROM_CALENDAR.get((text_of(component, "STATUS") or "").upper())


def _kind_of(component, kinds: dict[str, str]) -> str | None:
    said = (text_of(component, "X-DOSTLIK-KIND", one_line=True) or "").lower()
    if said in Event.Kind.values:
        return said
    return next(
        (kinds[c.casefold()] for c in categories_of(component) if c.casefold() in kinds), None
    )


def _visibility_of(component) -> str | None:
    return _VISIBILITY_FROM_CLASS.get((text_of(component, "CLASS", one_line=True) or "").upper())


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
    place = [event.venue.name] if event.venue_id else []
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
        kind=event.kind,
        visibility=event.visibility,
        city=event.city,
        country_pk=event.country_id,
        venue_pk=event.venue_id,
        host_pk=event.host_institution_id,
        place=", ".join([*place, event.city, event.country.local_name]),
        host_name=event.host_institution.name,
        **extra,
    )


def _host(component, setting: Setting, default: Institution) -> tuple[Institution, list[str]]:
    """The host the file names (``X-DOSTLIK-HOST``, else a CONTACT named like a host) when the
    importer may name it, else ``default``; and what the row should say about it."""
    named = text_of(component, "X-DOSTLIK-HOST", one_line=True)
    for name in (named, text_of(component, "CONTACT", one_line=True)):
        if name and (host := setting.hosts.get(name.casefold())):
            return host, []
    if not named or named.casefold() == default.name.casefold():
        return default, []
    note = _(
        "The file names “%(named)s” as host, which you may not name in this programme: "
        "%(host)s hosts it."
    ) % {"named": named[:120], "host": default.name}
    return default, [note]


def _new_row(event: FileEvent, uid: str, setting: Setting) -> tuple[ImportRow, Event]:
    component = event.component
    status = _status_of(component)
    if status == Event.Status.CANCELLED:
        raise Skip(_("It is cancelled, and not an event of this programme."))
    title = title_of(component)
    if not title:
        raise Skip(_("It has no title (SUMMARY)."))
    host, notes = _host(component, setting, setting.host)
    place = setting.place(component, country=None)
    country = place.country or host.country
    said_zone = place.country.time_zone if place.country else ""
    times = event_times(
        event,
        setting.clocks,
        Places(
            floating=event.calendar.floating_zone or said_zone or setting.lead_zone,
            place=said_zone or event.calendar.floating_zone or host.country.time_zone,
            preferred=setting.preferred_zones,
            fallback=setting.lead_zone,
        ),
    )
    description = description_of(component)
    candidate = Event(
        programme=setting.programme,
        title=title,
        description=with_location(description, place.location) or "",
        kind=_kind_of(component, setting.kinds) or setting.kind,
        visibility=_visibility_of(component) or setting.visibility,
        host_institution=host,
        venue=place.venue,
        city=place.city or (place.venue.city if place.venue else host.city),
        country=country,
        time_zone=times.time_zone,
        starts_at=times.starts,
        ends_at=times.ends,
        all_day=times.all_day,
        status=status or Event.Status.PLANNED,
    )
    _checked(candidate)
    return _row(NEW, uid, candidate, notes=notes), candidate


def _older(component, event: Event) -> bool:
    """Whether the file's copy comes before the event's last change: a lower SEQUENCE, or the
    same and an earlier DTSTAMP. DTSTAMP counts whole seconds; ``updated_at`` more."""
    sequence = sequence_of(component)
    if sequence != event.sequence:
        return sequence < event.sequence
    stamp = stamp_of(component)
    return stamp is not None and stamp < event.updated_at.replace(microsecond=0)


def _differs(event: Event, name: str, value) -> bool:
    stored = getattr(event, name)
    if name in _TEXT_FIELDS:
        return clean_text(stored, one_line=_TEXT_FIELDS[name]) != value
    if name in ("country", "venue", "host_institution"):
        return getattr(event, f"{name}_id") != (value.pk if value is not None else None)
    return stored != value


def _update_row(event: FileEvent, uid: str, stored: Event, setting: Setting):
    component = event.component
    if not can_change_event.test(setting.user, stored):
        raise Skip(
            _("It is an event of this programme hosted by %(host)s, which you may not change.")
            % {"host": stored.host_institution}
        )
    description = description_of(component)
    place = setting.place(component, country=stored.country)
    moved = place.country is not None and place.country.pk != stored.country_id
    own_zone = place.country.time_zone if moved else stored.time_zone
    times = event_times(
        event,
        setting.clocks,
        Places(
            floating=event.calendar.floating_zone or own_zone,
            place=own_zone,
            preferred=(stored.time_zone, *setting.preferred_zones),
            fallback=own_zone,
        ),
    )
    wanted = {
        "starts_at": times.starts,
        "ends_at": times.ends,
        "all_day": times.all_day,
        "time_zone": times.time_zone,
    }
    if title := title_of(component):
        wanted["title"] = title
    text = with_location(description, place.location, current=stored.description)
    if text is not None:
        wanted["description"] = text
    if place.city:
        wanted["city"] = place.city
    if place.country is not None:
        wanted["country"] = place.country
    if place.venue is not None or place.venue_said:
        wanted["venue"] = place.venue
    elif stored.venue_id and moved and stored.venue.country_id != place.country.pk:
        wanted["venue"] = None
    host, notes = _host(component, setting, stored.host_institution)
    wanted["host_institution"] = host
    said = (text_of(component, "X-DOSTLIK-STATUS", one_line=True) or "").lower()
    if said in Event.Status.values:
        wanted["status"] = said
    else:
        said = (text_of(component, "STATUS") or "").upper()
        if said in _STATUS_FROM_CALENDAR and said != _STATUS_IN_CALENDARS[stored.status]:
            wanted["status"] = _STATUS_FROM_CALENDAR[said]
    wanted["kind"] = _kind_of(component, setting.kinds) or stored.kind
    wanted["visibility"] = _visibility_of(component) or stored.visibility
    changed = [name for name, value in wanted.items() if _differs(stored, name, value)]
    if not changed:
        raise Skip(_("It is already up to date."))
    if _older(component, stored):
        raise Skip(
            _(
                "The file holds an older copy of it than the one saved here (SEQUENCE %(file)s, "
                "here %(stored)s): it was changed here since."
            )
            % {"file": sequence_of(component), "stored": stored.sequence}
        )
    candidate = copy.copy(stored)
    for name in changed:
        setattr(candidate, name, wanted[name])
    _checked(candidate)
    row = _row(
        UPDATE,
        uid,
        candidate,
        changed=changed,
        notes=notes,
        event_pk=stored.pk,
        event_version=stored.version,
    )
    return row, candidate


def _with_warnings(rows: list[ImportRow], candidates: list[Event], user: User) -> None:
    """The warnings the calendar will show for each row's event, read for all rows at once. An
    event not yet saved stands in under a number no row has (below zero)."""
    for number, candidate in enumerate(candidates, start=1):
        if candidate.pk is None:
            candidate.pk = -number
    found = warnings_for_events(candidates, reader=user, limit=WARNINGS_SHOWN)
    for row, candidate in zip(rows, candidates, strict=True):
        warnings = found.get(candidate.pk, [])
        row.warnings = [warning.message for warning in warnings]
        if not_shown := getattr(warnings, "not_shown", 0):
            row.warnings.append(
                _("And %(count)s more events at the same venue at the same time.")
                % {"count": not_shown}
            )


def _as_series(event: FileEvent, row: ImportRow, candidate: Event, setting: Setting) -> None:
    """The row of a repeating VEVENT made the first date of a series: its RRULE as Dostlik
    keeps it (an UNTIL on the event's own clock, in UTC) and its EXDATEs, checked as the
    event services check them. Raises ``Skip`` with the reason."""
    found = event.component.get("RRULE")
    if isinstance(found, list):
        raise Skip(_("It has more than one RRULE."))
    parts = {name: list(values) for name, values in found.items()}
    zone = zoneinfo.ZoneInfo(candidate.time_zone)
    if parts.get("UNTIL"):
        until = parts["UNTIL"][0]
        if not isinstance(until, datetime.datetime):
            until = datetime.datetime.combine(until, datetime.time(23, 59, 59), tzinfo=zone)
        elif until.tzinfo is None:
            until = until.replace(tzinfo=zone)
        parts["UNTIL"] = [until.astimezone(datetime.UTC)]
    candidate.recurrence_rule = icalendar.vRecur(parts).to_ical().decode()
    skipped = moments_of(event, "EXDATE", setting.clocks, candidate.time_zone)
    candidate.recurrence_skipped = sorted(
        {moment.astimezone(datetime.UTC).isoformat() for moment in skipped}
    )
    try:
        series_expansion(candidate)
    except ValidationError as error:
        raise Skip(" ".join(error.messages)) from error
    if row.action == UPDATE:
        for name in ("recurrence_rule", "recurrence_skipped"):
            if getattr(candidate, name) != getattr(setting.events[row.uid], name):
                row.changed.append(name)
    row.recurrence_rule = candidate.recurrence_rule
    row.recurrence_skipped = candidate.recurrence_skipped


def _changed_date_row(event: FileEvent, first: Event | None, row: ImportRow, setting: Setting):
    """The row of a date the file changes on its own (RECURRENCE-ID) when the series' first
    date is skipped: an update of that date when the series itself is as stored here, else a
    skip with the reason."""
    if first is None or first.series_id is not None or row.reason != _("It is already up to date."):
        raise Skip(
            _("It changes one date of a series that is not imported: %(reason)s")
            % {"reason": row.reason}
        )
    changed = _override(
        event,
        ImportRow(
            action=SKIP, uid=row.uid, title="", time_zone=first.time_zone, all_day=first.all_day
        ),
        setting,
    )
    stored = (
        first.occurrences.select_related("host_institution", "country", "venue")
        .filter(recurrence_id=datetime.datetime.fromisoformat(changed["recurrence_id"]))
        .first()
    )
    if stored is None:
        raise Skip(_("The series here has no such date: its repetition was changed since."))
    stored.programme = setting.programme  # its partners are loaded already
    wanted = {
        "starts_at": datetime.datetime.fromisoformat(changed["starts_at"]),
        "ends_at": datetime.datetime.fromisoformat(changed["ends_at"]),
        "status": changed["status"] or stored.status,
        "title": changed["title"] or stored.title,
    }
    names = [name for name, value in wanted.items() if _differs(stored, name, value)]
    if not names:
        raise Skip(_("It is already up to date."))
    if not can_change_event.test(setting.user, stored):
        raise Skip(
            _("It is an event of this programme hosted by %(host)s, which you may not change.")
            % {"host": stored.host_institution}
        )
    if _older(event.component, stored):
        raise Skip(
            _(
                "The file holds an older copy of it than the one saved here (SEQUENCE %(file)s, "
                "here %(stored)s): it was changed here since."
            )
            % {"file": sequence_of(event.component), "stored": stored.sequence}
        )
    candidate = copy.copy(stored)
    for name in names:
        setattr(candidate, name, wanted[name])
    _checked(candidate)
    update = _row(
        UPDATE,
        stored.uid,
        candidate,
        changed=names,
        event_pk=stored.pk,
        event_version=stored.version,
    )
    return update, candidate


def _override(event: FileEvent, row: ImportRow, setting: Setting) -> dict:
    """One date of a series the file changes on its own (a RECURRENCE-ID component)."""
    (recurrence_id,) = moments_of(event, "RECURRENCE-ID", setting.clocks, row.time_zone)[:1] or [
        None
    ]
    if recurrence_id is None:
        raise Skip(_("Its RECURRENCE-ID is not a date or a date and time."))
    times = event_times(event, setting.clocks, places_of(row.time_zone))
    if times.all_day != row.all_day:
        raise Skip(
            _("It makes one date of a series all day, or timed, which Dostlik does not keep.")
        )
    return {
        "recurrence_id": recurrence_id.astimezone(datetime.UTC).isoformat(),
        "starts_at": times.starts.isoformat(),
        "ends_at": times.ends.isoformat(),
        "status": _status_of(event.component) or "",
        "title": title_of(event.component),
    }


def calendar_import_preview(
    *,
    programme: Programme,
    user: User,
    content: bytes,
    host_institution: Institution,
    kind: str,
    visibility: str = Event.Visibility.INTERNAL,
    file_name: str = "",
) -> ImportPlan:
    """The plan of importing ``content`` into ``programme``: each VEVENT new, updated or skipped
    with the reason. Writes nothing; raises ``ImportRejected`` for a file that is not one
    readable calendar within the limits."""
    events = calendar_events(content)
    setting = import_setting(
        programme=programme,
        user=user,
        host=host_institution,
        kind=kind,
        visibility=visibility,
        components=[event.component for event in events],
        clocks=Clocks(),
        kinds=_kinds(),
    )
    seen: set[str] = set()
    rows, shown, candidates = [], [], []
    series: dict[str, ImportRow] = {}
    overrides: dict[str, list[FileEvent]] = {}
    for event in events:
        component, uid = event.component, ""
        try:
            uid = uid_of(component)
            if "RECURRENCE-ID" in component:
                overrides.setdefault(uid, []).append(event)
                continue
            if any(name in component for name in _UNREAD_RECURRENCE):
                raise Skip(
                    _(
                        "It repeats on dates listed one by one (RDATE) or leaves dates out by a "
                        "rule (EXRULE), which Dostlik does not keep."
                    )
                )
            if uid in seen:
                raise Skip(_("Its UID appears earlier in this file."))
            seen.add(uid)
            stored = setting.events.get(uid)
            if stored is not None and stored.programme_id != programme.pk:
                # An event of another programme (a file exported from it): its copy in this
                # one, under a UID of its own, made or updated.
                own_uid = copy_uid(programme, uid)
                stored = setting.events.get(own_uid)
                if stored is None:
                    row, candidate = _new_row(event, own_uid, setting)
                    row.notes.append(
                        _("It is an event of another programme: it is added to this one as a copy.")
                    )
                else:
                    stored.programme = programme
                    row, candidate = _update_row(event, own_uid, stored, setting)
            elif stored is None:
                row, candidate = _new_row(event, uid, setting)
            else:
                stored.programme = programme  # its partners are loaded already
                row, candidate = _update_row(event, uid, stored, setting)
            if "RRULE" in component:
                _as_series(event, row, candidate, setting)
                series[uid] = row
            shown.append(row)
            candidates.append(candidate)
        except Skip as skip:
            row = ImportRow(action=SKIP, uid=uid, title=title_of(component), reason=skip.reason)
            series.setdefault(uid, row)
        rows.append(row)
    for uid, changed_dates in overrides.items():
        row = series.get(uid)
        for event in changed_dates:
            try:
                if row is not None and row.action == SKIP:
                    first = setting.events.get(uid)
                    if first is not None and first.programme_id != programme.pk:
                        first = setting.events.get(copy_uid(programme, uid))
                    update, candidate = _changed_date_row(event, first, row, setting)
                    rows.append(update)
                    shown.append(update)
                    candidates.append(candidate)
                    continue
                if row is None:
                    raise Skip(
                        _(
                            "It changes one date of a repeating event that is not imported "
                            "from this file."
                        )
                    )
                row.overrides.append(_override(event, row, setting))
            except Skip as skip:
                title = title_of(event.component)
                rows.append(ImportRow(action=SKIP, uid=uid, title=title, reason=skip.reason))
    _with_warnings(shown, candidates, user)
    return ImportPlan(
        programme_pk=programme.pk,
        user_pk=user.pk,
        host_institution_pk=host_institution.pk,
        kind=kind,
        visibility=visibility,
        file_name=file_name[:255],
        created_at=timezone.now().isoformat(),
        rows=rows,
    )
