"""Event pages. Reading: the event of a programme the user may not see is a 404. Writing: who
may add an event to a programme, or change one, is decided by ``events.permissions``; a page a
user may see but not change answers 403. A form with errors is shown again with status 200;
an edit refused because someone else saved the event meanwhile, with status 409 (Conflict)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from events import selectors, services
from events.filters import EventFilter
from events.forms import EventForm
from events.models import Event
from events.permissions import can_add_event, can_change_event
from programmes.exceptions import StaleVersion
from programmes.models import Programme
from programmes.selectors import programme_get


@require_safe
def event_list(request):
    filterset = EventFilter(
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
        },
    )


def _programme_from_query(request) -> Programme:
    """The programme named by ``?programme=<pk>``, if the user may see it; else a 404."""
    try:
        pk = int(request.GET.get("programme", ""))
        return programme_get(user=request.user, pk=pk)
    except (ValueError, Programme.DoesNotExist) as exc:
        raise Http404 from exc


@require_http_methods(["GET", "HEAD", "POST"])
def event_add(request):
    programme = _programme_from_query(request)
    if not can_add_event.test(request.user, programme):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, user=request.user, programme=programme)
    if form.is_bound and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user, programme=programme, **form.event_fields()
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The event “%(title)s” was added.") % {"title": event})
            return redirect("events:detail", event.pk)
    return render(request, "events/event_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request, pk: int):
    event = _visible_event(request, pk)
    if not can_change_event.test(request.user, event):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, user=request.user, programme=event.programme, event=event)
    status = 200
    if form.is_bound and form.is_valid():
        version_before = event.version
        try:
            services.event_update(
                event=event,
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.event_fields(),
            )
        except StaleVersion as exc:
            form.add_error(None, exc)
            status = 409
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if event.version == version_before:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("The event “%(title)s” was saved.") % {"title": event})
            return redirect("events:detail", event.pk)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "programme": event.programme, "event": event},
        status=status,
    )
