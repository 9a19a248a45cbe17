"""Agreement and programme pages: read-only; a programme the user may not see is a 404."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from events.selectors import event_list_for_programme
from programmes import selectors
from programmes.filters import AgreementFilter, ProgrammeFilter
from programmes.models import Agreement, Programme

# A programme page lists this many of its events; all of them are on the filtered event list.
EVENTS_SHOWN = 25


@require_safe
def agreement_list(request):
    filterset = AgreementFilter(
        request.GET, queryset=selectors.agreement_list(user=request.user), request=request
    )
    agreements = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(agreements, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "programmes/agreement_list.html", {"filter": filterset, "page_obj": page_obj}
    )


@require_safe
def agreement_detail(request, pk: int):
    try:
        agreement = selectors.agreement_get(user=request.user, pk=pk)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc
    programmes = selectors.programme_list_for_agreement(user=request.user, agreement=agreement)
    return render(
        request,
        "programmes/agreement_detail.html",
        {"agreement": agreement, "programmes": programmes},
    )


@require_safe
def programme_list(request):
    filterset = ProgrammeFilter(
        request.GET, queryset=selectors.programme_list(user=request.user), request=request
    )
    programmes = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(programmes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "programmes/programme_list.html", {"filter": filterset, "page_obj": page_obj}
    )


@require_safe
def programme_detail(request, pk: int):
    try:
        programme = selectors.programme_get(user=request.user, pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    events = event_list_for_programme(user=request.user, programme=programme)
    context = {
        "programme": programme,
        "events": events[:EVENTS_SHOWN],
        "event_count": events.count(),
    }
    return render(request, "programmes/programme_detail.html", context)
