"""Calendar files: the signed-in export of the shared calendar (``/calendar/export.ics``) and the
.ics of one event or of a programme's events (the public calendar is the public portal's).

Each file holds only what its reader may see, through the same selectors as the pages: an event
or programme the reader may not see answers 404. Calendar apps poll these addresses for ever, so
each is answered by ``calendars.responses``: a request whose validators still match answers 304
before any event is loaded or rendered.
"""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from calendars.responses import calendar_cache_key, calendar_file_response
from events.filters import EventFilter
from events.models import Event
from events.selectors import event_get, event_list, event_list_for_programme
from programmes.models import Programme
from programmes.selectors import programme_choices

EXPORT_FILENAME = "dostlik.ics"


def _filter_summary(filterset: EventFilter) -> str:
    """The filters in words, for the calendar's name: "Kazakhstan, Concert, from 2026-01-01"."""
    data = filterset.form.cleaned_data
    parts = [str(data[name]) for name in ("country", "institution", "programme") if data.get(name)]
    if data.get("kind"):
        parts.append(str(Event.Kind(data["kind"]).label))
    if data.get("status"):
        parts.append(str(Event.Status(data["status"]).label))
    if data.get("from"):
        parts.append(_("from %(day)s") % {"day": data["from"].isoformat()})
    if data.get("to"):
        parts.append(_("to %(day)s") % {"day": data["to"].isoformat()})
    if data.get("q"):
        parts.append(_("“%(text)s”") % {"text": data["q"]})
    return ", ".join(parts)


def _invalid_filters(filterset: EventFilter) -> HttpResponse:
    lines = [_("The calendar cannot be exported with these filters:")]
    for field, errors in filterset.errors.items():
        lines.extend(f"{field}: {error}" for error in errors)
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def export(request):
    """The shared calendar as the reader may see it, with the calendar page's filters."""
    filterset = EventFilter(request.GET, queryset=event_list(user=request.user), request=request)
    if not filterset.is_valid():
        return _invalid_filters(filterset)
    summary = _filter_summary(filterset)
    if summary:
        name = _("Dostlik — shared calendar: %(filters)s") % {"filters": summary}
    else:
        name = _("Dostlik — shared calendar")
    filters = sorted(
        (key, value) for key in filterset.filters for value in request.GET.getlist(key)
    )
    return calendar_file_response(
        request,
        events=filterset.qs,
        name=name,
        description=_("Events of joint cultural programmes that you may see in Dostlik."),
        filename=EXPORT_FILENAME,
        cache_key=calendar_cache_key("export", request.user.pk, filters, name),
    )


@require_safe
def event_calendar(request, pk: int):
    """One event, for "Add to calendar" on its page."""
    try:
        event = event_get(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    return calendar_file_response(
        request,
        events=event_list(user=request.user).filter(pk=event.pk),
        loaded=[event],
        name=event.title,
        filename=f"dostlik-event-{event.pk}.ics",
        cache_key=calendar_cache_key("event", request.user.pk, event.pk, event.title),
    )


@require_safe
def programme_calendar(request, pk: int):
    """The events of a programme that the reader may see, for its page's "Add to calendar"."""
    try:
        programme = programme_choices(user=request.user).get(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    return calendar_file_response(
        request,
        events=event_list_for_programme(user=request.user, programme=programme),
        name=programme.title,
        filename=f"dostlik-programme-{programme.pk}.ics",
        cache_key=calendar_cache_key("programme", request.user.pk, programme.pk, programme.title),
    )
