"""Event pages: read-only; the event of a programme the user may not see is a 404."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from events import selectors
from events.filters import EventFilter
from events.models import Event


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


@require_safe
def event_detail(request, pk: int):
    try:
        event = selectors.event_get(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    first_day, last_day = selectors.event_local_days(event)
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "first_day": first_day, "last_day": last_day},
    )
