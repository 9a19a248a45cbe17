"""Event pages. Reading: the event of a programme the user may not see is a 404. Writing: who
may add an event to a programme, or change one, is decided by ``events.permissions``; a page a
user may see but not change answers 403. A form with errors is shown again with status 200;
an edit refused because someone else saved the event meanwhile, with status 409 (Conflict).

Warnings, not walls: an event that overlaps another at its venue, falls on a public holiday
of a country taking part or outside its programme's period is shown again (status 200) with its
warnings and a "save anyway" box; sent back with the box ticked for exactly those warnings, it
is saved, and who acknowledged which warning is recorded. A warning once acknowledged is not
asked about again: an edit that brings only those saves at once. A stale edit is refused
first, whatever its warnings. The event's page shows its warnings, each with its
acknowledgement."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.once import AlreadySent, already_sent, created_once
from core.conflicts import edit_conflict
from core.exceptions import StaleVersion
from events import selectors, services
from events.filters import EventListFilter
from events.forms import EventForm, WarningsAcknowledgementForm
from events.models import Event
from events.permissions import can_add_event, can_change_event
from events.warnings import EventWarning, not_acknowledged, shown_warnings
from programmes.forms import AmendmentNoteForm
from programmes.models import Programme
from programmes.selectors import programme_get


@require_safe
def event_list(request):
    filterset = EventListFilter(
        request.GET, queryset=selectors.event_list(user=request.user), request=request
    )
    events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(events, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {"filter": filterset, "page_obj": page_obj, "today": timezone.localdate()},
    )


def _visible_event(request, pk: int) -> Event:
    try:
        return selectors.event_get(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


@require_safe
def event_detail(request, pk: int):
    event = _visible_event(request, pk)
    first_day, last_day = selectors.event_local_days(event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "first_day": first_day,
            "last_day": last_day,
            "can_edit": can_change_event.test(request.user, event),
            "series": selectors.event_series(user=request.user, event=event),
            "warnings": shown_warnings([event], reader=request.user).get(event.pk, []),
        },
    )


def _programme_from_query(request) -> Programme:
    """The programme named by ``?programme=<pk>``, if the user may see it; else a 404."""
    try:
        pk = int(request.GET.get("programme", ""))
        return programme_get(user=request.user, pk=pk)
    except (ValueError, Programme.DoesNotExist) as exc:
        raise Http404 from exc


def weigh_warnings(
    request, form: EventForm
) -> tuple[list[EventWarning], WarningsAcknowledgementForm | None]:
    """The warnings of the event typed in the valid ``form`` that no one acknowledged before
    and, unless the person acknowledges exactly these now, the acknowledgement to show them
    with: the save then waits for it. Warnings never refuse a save; they only ask to be read
    first, once."""
    warnings = not_acknowledged(form.event, form.warnings())
    if not warnings or WarningsAcknowledgementForm(request.POST).acknowledges(warnings):
        return warnings, None
    return warnings, WarningsAcknowledgementForm(warnings=warnings)


def _added_message(event: Event, warnings: list[EventWarning]) -> str:
    if not warnings:
        return _("The event “%(title)s” was added.") % {"title": event}
    return ngettext(
        "The event “%(title)s” was added despite %(count)d acknowledged warning.",
        "The event “%(title)s” was added despite %(count)d acknowledged warnings.",
        len(warnings),
    ) % {"title": event, "count": len(warnings)}


def _saved_message(event: Event, warnings: list[EventWarning]) -> str:
    if not warnings:
        return _("The event “%(title)s” was saved.") % {"title": event}
    return ngettext(
        "The event “%(title)s” was saved despite %(count)d acknowledged warning.",
        "The event “%(title)s” was saved despite %(count)d acknowledged warnings.",
        len(warnings),
    ) % {"title": event, "count": len(warnings)}


def _tell_of_a_new_version(request, event: Event, decided_on: int | None) -> None:
    """Say so when the change put the programme before the national coordinators again."""
    event.programme.refresh_from_db(fields=["current_version"])
    if event.programme.current_version_id != decided_on:
        messages.warning(
            request,
            _(
                "The event's dates, place, host or whether it goes ahead are part of what the "
                "national coordinators decide on: they decide on the programme's new version."
            ),
        )


def _note_form(programme: Programme) -> AmendmentNoteForm | None:
    """For an event of an approved or active programme, the question why it changes: the form
    then posts to the amendments app (``programmes.views.render_programme_form`` says how)."""
    return AmendmentNoteForm() if programme.status in Programme.Status.under_way_states else None


@require_http_methods(["GET", "HEAD", "POST"])
def event_add(request):
    programme = _programme_from_query(request)
    if not can_add_event.test(request.user, programme):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, user=request.user, programme=programme)
    acknowledgement = None
    if form.is_bound and form.is_valid() and not form.previewing:
        decided_on = programme.current_version_id
        event = None
        try:
            # Warnings are weighed once the form is known to be new: a copy sent a moment
            # after the first would be warned of the first.
            with created_once(request) as created:
                warnings, acknowledgement = weigh_warnings(request, form)
                if acknowledgement is None:
                    event = services.event_create(
                        actor=request.user,
                        programme=programme,
                        acknowledged=warnings,
                        **form.event_fields(),
                    )
                    created(reverse("events:detail", args=[event.pk]))
        except AlreadySent as sent:
            return already_sent(request, sent)
        except ValidationError as exc:
            form.add_service_error(exc)
        if event is not None:
            messages.success(request, _added_message(event, warnings))
            _tell_of_a_new_version(request, event, decided_on)
            return redirect("events:detail", event.pk)
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "programme": programme,
            "acknowledgement": acknowledgement,
            "note_form": _note_form(programme),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request, pk: int):
    event = _visible_event(request, pk)
    if not can_change_event.test(request.user, event):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, user=request.user, programme=event.programme, event=event)
    status, warnings, acknowledgement, conflict = 200, [], None, None
    if form.is_bound and form.is_valid() and not form.previewing:
        version_before = event.version
        decided_on = event.programme.current_version_id
        if form.cleaned_data["version"] != version_before:
            # Shown before its warnings are weighed: the warnings of an outdated copy mean
            # little, and the conflict is what the editor settles first. The service checks
            # again, for a save that lands in between.
            conflict = edit_conflict(form, event, form.event_fields(), zone=event.zone)
            status = 409
        else:
            warnings, acknowledgement = weigh_warnings(request, form)
        if acknowledgement is None and conflict is None:
            try:
                services.event_update(
                    event=event,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    acknowledged=warnings,
                    **form.event_fields(),
                )
            except StaleVersion:
                conflict = edit_conflict(form, event, form.event_fields(), zone=event.zone)
                status = 409
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if event.version == version_before:
                    messages.info(request, _("Nothing was changed."))
                else:
                    messages.success(request, _saved_message(event, warnings))
                    _tell_of_a_new_version(request, event, decided_on)
                return redirect("events:detail", event.pk)
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "programme": event.programme,
            "event": event,
            "acknowledgement": acknowledgement,
            "conflict": conflict,
            "note_form": _note_form(event.programme),
        },
        status=status,
    )
