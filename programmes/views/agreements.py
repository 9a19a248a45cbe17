"""Agreement pages and their documents."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from programmes import selectors
from programmes.filters import AgreementFilter
from programmes.models import Agreement

# ---------- agreements ----------


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
