"""Calendar files: the signed-in export of the shared calendar (``/calendar/export.ics``), the
public calendar (``/public/calendar.ics``) and the .ics of one event or of a programme's events.

Each file holds only what its reader may see, through the same selectors as the pages: an event
or programme the reader may not see answers 404; the public calendar holds public events of
approved, active or completed programmes and nothing else. Calendar apps poll these addresses
for ever, so every answer carries an ETag and a Last-Modified from one aggregate query, and a
request whose validators still match answers 304 before any event is loaded or rendered.
"""

from collections.abc import Iterable

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from calendars.calendar_files import calendar_response
from calendars.ical import feed_bytes, feed_validators
from events.filters import EventFilter
from events.models import Event
from events.selectors import event_get, event_list, event_list_for_programme
from programmes.models import Programme
from programmes.selectors import programme_choices
from public.selectors import public_event_list

CONTENT_TYPE = "text/calendar; charset=utf-8"
EXPORT_FILENAME = "dostlik.ics"


def _salt(*parts: object) -> str:
    """What besides its events shapes a calendar file: always the reader's language."""
    return "|".join(str(part) for part in (*parts, translation.get_language()))


def _calendar_response(
    request,
    *,
    events: QuerySet[Event],
    name: str,
    description: str = "",
    filename: str,
    salt: str,
    public: bool = False,
    loaded: Iterable[Event] | None = None,
) -> HttpResponse:
    """The calendar of ``events``, or 304 when the client's copy is current. The validators
    come first and from one query, so a poll that changes nothing never loads the events.
    ``loaded`` are the events already in hand, when the caller has them."""
    etag, last_modified = feed_validators(events, salt=salt)
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp())
    )
    if response is None:
        response = calendar_response(
            salt=salt,
            etag=etag,
            make=lambda: feed_bytes(
                events, etag=etag, salt=salt, name=name, description=description, loaded=loaded
            ),
            content_type=CONTENT_TYPE,
            keep=public,
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # Whoever keeps a copy asks again each time (cheap: usually a 304); a personal calendar is
    # kept by no shared cache.
    if public:
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


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
    return _calendar_response(
        request,
        events=filterset.qs,
        name=name,
        description=_("Events of joint cultural programmes that you may see in Dostlik."),
        filename=EXPORT_FILENAME,
        salt=_salt("export", request.user.pk, filters, name),
    )


@login_not_required
@require_safe
def public_calendar(request):
    """What the public may see, for anyone to subscribe to: no sign-in, nothing internal."""
    name = _("Dostlik — public calendar")
    return _calendar_response(
        request,
        events=public_event_list(),
        name=name,
        description=_("Public events of joint cultural programmes in Dostlik."),
        filename="dostlik-public.ics",
        salt=_salt("public", name),
        public=True,
    )


@require_safe
def event_calendar(request, pk: int):
    """One event, for "Add to calendar" on its page."""
    try:
        event = event_get(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    return _calendar_response(
        request,
        events=event_list(user=request.user).filter(pk=event.pk),
        loaded=[event],
        name=event.title,
        filename=f"dostlik-event-{event.pk}.ics",
        salt=_salt("event", request.user.pk, event.pk, event.title),
    )


@require_safe
def programme_calendar(request, pk: int):
    """The events of a programme that the reader may see, for its page's "Add to calendar"."""
    try:
        programme = programme_choices(user=request.user).get(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    return _calendar_response(
        request,
        events=event_list_for_programme(user=request.user, programme=programme),
        name=programme.title,
        filename=f"dostlik-programme-{programme.pk}.ics",
        salt=_salt("programme", request.user.pk, programme.pk, programme.title),
    )
