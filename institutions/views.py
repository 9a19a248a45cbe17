"""Institution pages: read-only, for every signed-in user."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from events.selectors import event_list_hosted_upcoming
from institutions import selectors
from institutions.filters import InstitutionFilter
from institutions.models import Institution
from programmes.selectors import agreement_list_for_institution, programme_list_for_institution

# A detail page lists this many of each; the rest are a click away on the filtered list.
RELATED_SHOWN = 10


@require_safe
def institution_list(request):
    filterset = InstitutionFilter(
        request.GET, queryset=selectors.institution_list(user=request.user), request=request
    )
    institutions = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page_obj = Paginator(institutions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "institutions/institution_list.html", {"filter": filterset, "page_obj": page_obj}
    )


@require_safe
def institution_detail(request, pk: int):
    user = request.user
    try:
        institution = selectors.institution_get(user=user, pk=pk)
    except Institution.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "institution": institution,
        "programmes": programme_list_for_institution(user=user, institution=institution)[
            :RELATED_SHOWN
        ],
        "upcoming_events": event_list_hosted_upcoming(user=user, institution=institution)[
            :RELATED_SHOWN
        ],
        "agreements": agreement_list_for_institution(user=user, institution=institution)[
            :RELATED_SHOWN
        ],
        "related_shown": RELATED_SHOWN,
    }
    return render(request, "institutions/institution_detail.html", context)
