"""The list of institutions and their coordinators, for every signed-in user; an institution's
own page, with its programmes, events and agreements, is the desk's. Naming and removing
coordinators is for the national coordinators of the institution's country and administrators
(``can_manage_coordinators``), others get 403."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from institutions import selectors, services
from institutions.filters import InstitutionFilter
from institutions.forms import CoordinatorAddForm
from institutions.models import Institution
from institutions.permissions import can_manage_coordinators


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


def _institution(request, pk: int) -> Institution:
    try:
        return selectors.institution_get(user=request.user, pk=pk)
    except Institution.DoesNotExist as exc:
        raise Http404 from exc


@require_http_methods(["GET", "HEAD", "POST"])
def institution_coordinators(request, pk: int):
    """The institution's coordinators; a POST names one more."""
    institution = _institution(request, pk)
    may_manage = can_manage_coordinators.test(request.user, institution)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    form = None
    if may_manage:
        data = request.POST if request.method == "POST" else None
        form = CoordinatorAddForm(data, institution=institution)
        if form.is_bound and form.is_valid():
            person = form.cleaned_data["person"]
            try:
                services.membership_add(user=person, institution=institution, actor=request.user)
            except ValidationError as exc:
                form.add_error("person", exc.messages)
            else:
                messages.success(
                    request,
                    _("%(person)s now coordinates %(institution)s.")
                    % {"person": person, "institution": institution},
                )
                return redirect("institutions:coordinators", institution.pk)
    memberships = institution.memberships.select_related("user").order_by(
        "user__last_name", "user__first_name", "user__username"
    )
    context = {
        "institution": institution,
        "memberships": memberships,
        "may_manage": may_manage,
        "form": form,
    }
    return render(request, "institutions/institution_coordinators.html", context)


@require_POST
def coordinator_remove(request, pk: int, membership_pk: int):
    institution = _institution(request, pk)
    if not can_manage_coordinators.test(request.user, institution):
        raise PermissionDenied
    membership = get_object_or_404(institution.memberships.select_related("user"), pk=membership_pk)
    services.membership_remove(membership=membership, actor=request.user)
    messages.success(
        request,
        _("%(person)s no longer coordinates %(institution)s.")
        % {"person": membership.user, "institution": institution},
    )
    return redirect("institutions:coordinators", institution.pk)
