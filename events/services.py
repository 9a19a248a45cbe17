import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.caching import changes_content
from core.exceptions import StaleVersion
from events.models import Event, Venue, WarningAcknowledgement
from events.permissions import hostable_institution_ids
from events.recurrence import has_end
from events.series import series_expansion, series_sync
from events.tallies import TALLIED_FIELDS, retally, tally_buckets
from events.warnings import EventWarning
from institutions.models import Country, Institution
from programmes.models import Programme
from programmes.services import programme_content_changed, require_content_open
from programmes.versions import EVENT_FIELDS, event_part

# Changing only these leaves what a calendar shows as it was, so SEQUENCE stays.
# Translations of the title and description are not in the iCalendar data either.
_UNSEEN_BY_CALENDARS = frozenset(
    {"expected_attendance", "actual_attendance", "youth_attendance", "translations"}
)
# What makes a series: set on its first occurrence only.
_SERIES_OWN = frozenset({"recurrence_rule", "recurrence_skipped"})
# What a person may change on an event; the UID, SEQUENCE and timestamps are the system's.
EVENT_EDITABLE_FIELDS = frozenset(
    field.name for field in Event._meta.concrete_fields if field.editable and not field.primary_key
)


def _event_part(event: Event) -> dict:
    """``event``'s part of its programme's approved content, as it stands in memory."""
    return event_part(
        {name: getattr(event, f"{name}_id", getattr(event, name)) for name in EVENT_FIELDS}
    )


def _require_allowed_host(
    *, programme: Programme, host_institution: Institution, actor: User | None
) -> None:
    """An event is hosted by one of its programme's partners, whoever writes it; a coordinator
    names only a partner they may host at (``hostable_institution_ids``): any partner for the
    lead's coordinators and administrators, else their own. The site and the admin both ask
    here."""
    if host_institution.pk not in {p.institution_id for p in programme.partnerships.all()}:
        raise ValidationError(
            {
                "host_institution": _(
                    "%(institution)s is not a partner of the programme “%(programme)s”. Choose "
                    "one of its partners as host, or add %(institution)s to the programme first."
                )
                % {"institution": host_institution, "programme": programme}
            }
        )
    if actor is not None and host_institution.pk not in hostable_institution_ids(actor, programme):
        raise ValidationError(
            {
                "host_institution": _(
                    "You may name %(institution)s as host only if you coordinate it or the "
                    "programme's lead."
                )
                % {"institution": host_institution}
            }
        )


@changes_content
@transaction.atomic
def venue_create(
    *,
    name: str,
    city: str,
    country: Country,
    institution: Institution | None = None,
    address: str = "",
) -> Venue:
    venue = Venue(name=name, city=city, country=country, institution=institution, address=address)
    venue.full_clean()
    venue.save()
    return venue


@changes_content
@transaction.atomic
def event_create(
    *,
    actor: User | None,
    programme: Programme,
    title: str,
    kind: str,
    host_institution: Institution,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    venue: Venue | None = None,
    city: str = "",
    country: Country | None = None,
    time_zone: str = "",
    all_day: bool = False,
    status: str = Event.Status.PLANNED,
    visibility: str = Event.Visibility.INTERNAL,
    description: str = "",
    expected_attendance: int | None = None,
    actual_attendance: int | None = None,
    youth_attendance: int | None = None,
    uid: str | None = None,
    recurrence_rule: str = "",
    recurrence_skipped: list[str] | None = None,
    acknowledged: Sequence[EventWarning] = (),
) -> Event:
    """Create an event. Place and time zone default to the venue's, else the host's. A new event
    is part of its programme's approved content (``programmes.versions``): a submitted programme
    goes before the national coordinators again. With a ``recurrence_rule``, the event is the
    first of a series and its other occurrences are made with it (``events.series``).
    ``acknowledged`` are the warnings ``actor`` read and saved the event despite
    (``warnings_acknowledge``)."""
    _require_allowed_host(programme=programme, host_institution=host_institution, actor=actor)
    require_content_open(programme)
    place = venue or host_institution
    country = country or place.country
    event = Event(
        programme=programme,
        title=title,
        kind=kind,
        host_institution=host_institution,
        venue=venue,
        city=city or place.city,
        country=country,
        time_zone=time_zone or country.time_zone,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        status=status,
        visibility=visibility,
        description=description,
        expected_attendance=expected_attendance,
        actual_attendance=actual_attendance,
        youth_attendance=youth_attendance,
        recurrence_rule=recurrence_rule,
        recurrence_skipped=recurrence_skipped or [],
    )
    if uid:
        event.uid = uid
    event.full_clean()
    if recurrence_rule:
        series_expansion(event)  # refused before anything is written
    event._history_user = actor
    event.save()
    retally(tally_buckets(event))
    if recurrence_rule:
        series_sync(first=event)
    programme_content_changed(programme=programme, actor=actor)
    if acknowledged:
        warnings_acknowledge(event=event, warnings=acknowledged, actor=actor)
    return event


@changes_content
@transaction.atomic
def event_update(
    *,
    event: Event,
    actor: User | None,
    version: int | None = None,
    acknowledged: Sequence[EventWarning] = (),
    **changes,
) -> Event:
    """Apply ``changes`` to ``event`` and save only those fields, so an edit made from an older
    copy never reverts what someone else changed meanwhile. A change a calendar shows raises the
    iCalendar SEQUENCE, counted from the stored row, so subscribed calendar apps replace their
    copy; the UID never changes. ``event`` is refreshed from the database afterwards.

    ``version``, when given, is the version the editor started from: if the event changed
    since, nothing is saved (``StaleVersion``). A change to the event's part of the approved
    content (its dates, venue, host, whether it goes ahead, its programme) puts a submitted
    programme before the national coordinators again, and is refused for an approved or active
    one but as part of an amendment every country approved. ``acknowledged`` are the warnings
    ``actor`` read and saved the change despite (``warnings_acknowledge``)."""
    unknown = changes.keys() - EVENT_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"event_update cannot change {sorted(unknown)}")
    stored = Event.objects.select_for_update().get(pk=event.pk)
    if version is not None and stored.version != version:
        raise StaleVersion()
    changed = {name for name, value in changes.items() if getattr(stored, name) != value}
    if changed:
        left = tally_buckets(stored)
        programmes = {stored.programme}
        part_before = _event_part(stored)
        for name in changed:
            setattr(stored, name, changes[name])
        programmes.add(stored.programme)
        content_changed = "programme" in changed or _event_part(stored) != part_before
        if content_changed:
            for programme in programmes:
                require_content_open(programme)
        if {"programme", "host_institution"} & changed:
            _require_allowed_host(
                programme=stored.programme, host_institution=stored.host_institution, actor=actor
            )
        if changed - _UNSEEN_BY_CALENDARS:
            stored.sequence += 1
            # An occurrence of a series changed on its own keeps its change when the series
            # changes, and is written as such in calendars (``events.series``).
            stored.detached = stored.series_id is not None
        if stored.series_id is not None and _SERIES_OWN & changed:
            raise ValidationError(
                _("The repetition is set on the first date of the series, not on one date.")
            )
        stored.version += 1
        stored.full_clean()
        if stored.recurrence_rule:
            series_expansion(stored)
        stored._history_user = actor
        stored.save(update_fields=[*changed, "sequence", "version", "detached", "updated_at"])
        if changed & TALLIED_FIELDS:
            retally(left | tally_buckets(stored))
        if stored.series_id is None and (stored.recurrence_rule or _SERIES_OWN & changed):
            series_sync(first=stored, changed=changed)
        if content_changed:
            for programme in programmes:
                programme_content_changed(programme=programme, actor=actor)
    if acknowledged:
        warnings_acknowledge(event=stored, warnings=acknowledged, actor=actor)
    event.refresh_from_db()
    return event


@changes_content
@transaction.atomic
def warnings_acknowledge(
    *, event: Event, warnings: Sequence[EventWarning], actor: User | None
) -> list[WarningAcknowledgement]:
    """Record that ``actor`` read ``warnings`` about ``event`` and saved it anyway: the event's
    page shows who and when beside each, and a later edit does not ask about them again. A
    warning acknowledged before keeps its first acknowledgement."""
    done = set(WarningAcknowledgement.objects.filter(event=event).values_list("kind", "key"))
    made = []
    for warning in warnings:
        if warning.identity in done:
            continue
        done.add(warning.identity)
        acknowledgement = WarningAcknowledgement(
            event=event,
            kind=warning.kind,
            key=warning.key,
            message=warning.message,
            acknowledged_by=actor,
        )
        acknowledgement.full_clean()
        acknowledgement.save()
        made.append(acknowledgement)
    return made


@changes_content
@transaction.atomic
def event_delete(*, event: Event, actor: User | None) -> None:
    """Delete ``event``; its history keeps who deleted it and what it was. The event leaves its
    programme's approved content, as in ``event_update``."""
    require_content_open(event.programme)
    if event.series_id is not None and event.recurrence_id is not None:
        # The rule still gives its date: the series remembers it was taken out (EXDATE).
        first = Event.objects.select_for_update().get(pk=event.series_id)
        first.recurrence_skipped = [*first.recurrence_skipped, event.recurrence_id.isoformat()]
        first.sequence += 1
        first.save(update_fields=["recurrence_skipped", "sequence", "updated_at"])
    event._history_user = actor
    event.delete()
    retally(tally_buckets(event))
    programme_content_changed(programme=event.programme, actor=actor)


@changes_content
@transaction.atomic
def event_bulk_create(*, events: Iterable[Event], batch_size: int = 5000) -> int:
    """Insert many prepared events at once: volume and demo data only (``load_demo --events``).
    Rows are checked by the database constraints only, no history is written for them, and no
    programme is put before the national coordinators again for them. The reports' tallies of
    the programmes and years they fall in are recounted with them."""
    created = Event.objects.bulk_create(events, batch_size=batch_size)
    retally(tally_buckets(*created))
    return len(created)


@changes_content
@transaction.atomic
def event_series_extend(*, today: datetime.date | None = None) -> int:
    """Make the dates of every series without end up to its horizon from ``today``
    (``events.recurrence.ENDLESS_HORIZON``): run daily (``manage.py extend_series``), so an
    endless series always reaches two years ahead. Returns how many series it looked at."""
    firsts = Event.objects.filter(series=None).exclude(recurrence_rule="")
    count = 0
    for first in firsts.select_for_update():
        if not has_end(first.recurrence_rule):
            series_sync(first=first, today=today)
            count += 1
    return count
