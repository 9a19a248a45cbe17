"""Inviting, resending, withdrawing, and the page the link opens.

Inviting into any role and the list of every invitation are the administrators'; inviting a
coordinator of an institution is also for the national coordinators of its country
(``invitations.permissions``). The link's page is open without signing in: it is the token that
opens it, and its POSTs are rate limited per client address.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from core.forms import add_service_error
from institutions.models import Institution
from invitations import selectors, services
from invitations.forms import InviteForm, NewAccountForm
from invitations.models import Invitation, State
from invitations.permissions import (
    can_invite_anyone,
    can_invite_to_institution,
    can_manage_invitation,
)

ACCEPT = "invitation-accept"


def accept_rate(group: str, request) -> str:
    """Accepting POSTs per client address; ``RATELIMIT_RATES`` may set another rate."""
    return getattr(settings, "RATELIMIT_RATES", {}).get(group, "10/m")


def _invited(request, sent: services.Sent) -> None:
    messages.success(
        request,
        _("The invitation was sent to %(email)s. Its link expires on %(date)s.")
        % {
            "email": sent.invitation.email,
            "date": date_format(timezone.localtime(sent.invitation.expires_at), "DATE_FORMAT"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_list(request):
    """Every invitation, and the form to invite into any role: for administrators."""
    if not can_invite_anyone.test(request.user):
        raise PermissionDenied
    form = InviteForm(request.POST if request.method == "POST" else None, actor=request.user)
    if form.is_bound and form.is_valid():
        try:
            sent = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                institution=form.cleaned_data["institution"],
                country=form.cleaned_data["country"],
            )
        except ValidationError as refusal:
            add_service_error(form, refusal)
        else:
            _invited(request, sent)
            return redirect("invitations:list")
    page_obj = Paginator(selectors.invitation_list(), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "invitations/invitation_list.html", {"form": form, "page_obj": page_obj})


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_invite(request, pk: int):
    """Invite a coordinator of an institution (the form of its coordinators page)."""
    institution = get_object_or_404(Institution.objects.select_related("country"), pk=pk)
    if not can_invite_to_institution.test(request.user, institution):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = InviteForm(data, actor=request.user, institution=institution)
    if form.is_bound and form.is_valid():
        try:
            sent = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=Invitation.Role.COORDINATOR,
                institution=institution,
            )
        except ValidationError as refusal:
            add_service_error(form, refusal)
        else:
            _invited(request, sent)
            return redirect("institutions:coordinators", institution.pk)
    return render(
        request, "invitations/invitation_invite.html", {"form": form, "institution": institution}
    )


def _managed(request, pk: int) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.select_related("institution__country", "country"), pk=pk
    )
    if not can_manage_invitation.test(request.user, invitation):
        raise PermissionDenied
    return invitation


def _back_to(request, invitation: Invitation):
    if invitation.institution_id is not None and not can_invite_anyone.test(request.user):
        return redirect("institutions:coordinators", invitation.institution_id)
    if invitation.institution_id is not None and request.POST.get("back") == "institution":
        return redirect("institutions:coordinators", invitation.institution_id)
    return redirect("invitations:list")


@require_POST
def invitation_resend(request, pk: int):
    invitation = _managed(request, pk)
    try:
        sent = services.invitation_resend(actor=request.user, invitation=invitation)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        _invited(request, sent)
    return _back_to(request, invitation)


@require_POST
def invitation_withdraw(request, pk: int):
    invitation = _managed(request, pk)
    try:
        services.invitation_withdraw(actor=request.user, invitation=invitation)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email},
        )
    return _back_to(request, invitation)


def _closed(request, invitation: Invitation | None):
    """The page of a link that opens nothing: 404 for a link no invitation has, 410 for an
    invitation accepted, withdrawn or expired (or sent again with a newer link)."""
    if invitation is None:
        return render(request, "invitations/invitation_invalid.html", status=404)
    return render(
        request, "invitations/invitation_closed.html", {"invitation": invitation}, status=410
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(group=ACCEPT, key="ip", rate=accept_rate, method="POST")
def invitation_accept(request, token: str):
    invitation = selectors.invitation_by_token(token)
    if invitation is None or invitation.state != State.WAITING:
        return _closed(request, invitation)
    user = request.user
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    context = {"invitation": invitation, "has_account": has_account}
    if user.is_authenticated and user.email.lower() != invitation.email.lower():
        # Signed in as someone else: nothing happens here, whatever is sent.
        status = 403 if request.method == "POST" else 200
        return render(request, "invitations/invitation_other.html", context, status=status)
    if has_account and not user.is_authenticated:
        login_url = resolve_url(settings.LOGIN_URL)
        context["login_url"] = f"{login_url}?{urlencode({'next': request.path})}"
        status = 403 if request.method == "POST" else 200
        return render(request, "invitations/invitation_sign_in.html", context, status=status)
    form = None
    if not user.is_authenticated:
        data = request.POST if request.method == "POST" else None
        form = NewAccountForm(data, email=invitation.email)
        context["form"] = form
    if request.method == "POST" and (form is None or form.is_valid()):
        fields = {} if form is None else form.cleaned_data
        try:
            person = services.invitation_accept(
                token=token,
                user=user if user.is_authenticated else None,
                first_name=fields.get("first_name", ""),
                last_name=fields.get("last_name", ""),
                password=fields.get("password1", ""),
            )
        except ValidationError as refusal:
            if refusal.code in ("closed", "unknown"):
                return _closed(request, selectors.invitation_by_token(token))
            context["refusal"] = " ".join(refusal.messages)
            if form is not None:
                add_service_error(form, refusal)
            return render(request, "invitations/invitation_accept.html", context, status=200)
        if not user.is_authenticated:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to Dostlik. You are now %(role)s.") % {"role": invitation.role_display},
        )
        return redirect(reverse("desk:home"))
    return render(request, "invitations/invitation_accept.html", context)
