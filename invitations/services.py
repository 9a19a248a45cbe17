"""Writes of invitations: inviting, resending, withdrawing, accepting.

Each locks the invitation's row (``select_for_update``) before reading its state, so a link
used twice at the same moment makes one account and gives one role: the second waits for the
first and then finds the invitation accepted. Who did what is a history row of the invitation
(django-simple-history, with ``history_user`` and a reason) and a line of the audit log.
"""

import datetime
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.caching import changes_content
from institutions import services as roles
from institutions.models import Country, Institution, Membership, NationalCoordinator, Viewer
from institutions.permissions import forget_roles
from invitations import selectors
from invitations.mail import invitation_mailed
from invitations.models import Invitation, State, token_digest
from invitations.permissions import may_invite

audit_log = logging.getLogger("dostlik.audit")

Role = Invitation.Role


# Why a link opens nothing, by the invitation's state.
CLOSED = {
    State.ACCEPTED: _("This invitation has been accepted already: its link works once."),
    State.WITHDRAWN: _("This invitation was withdrawn."),
    State.EXPIRED: _("This invitation has expired."),
}


def _invitation_days() -> int:
    return getattr(settings, "INVITATION_DAYS", 7)


@dataclass(frozen=True)
class Sent:
    """An invitation and the token of its link, which is kept nowhere else."""

    invitation: Invitation
    token: str


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def _refusal(accounts, role: str, institution, country) -> ValidationError | None:
    """Why the accounts ``accounts`` (a queryset of users) cannot take ``role``: they hold it
    already, or a role it conflicts with (a viewer only reads; a coordinator of either kind
    writes)."""
    if role == Role.COORDINATOR:
        if Membership.objects.filter(user__in=accounts, institution=institution).exists():
            return ValidationError(
                _("This person already coordinates %(institution)s."),
                code="already",
                params={"institution": institution},
            )
    elif role == Role.NATIONAL_COORDINATOR:
        if NationalCoordinator.objects.filter(user__in=accounts, country=country).exists():
            return ValidationError(
                _("This person is already a national coordinator of %(country)s."),
                code="already",
                params={"country": country},
            )
    elif Viewer.objects.filter(user__in=accounts).exists():
        return ValidationError(_("This person is already a viewer."), code="already")
    if role == Role.VIEWER:
        if (
            Membership.objects.filter(user__in=accounts).exists()
            or NationalCoordinator.objects.filter(user__in=accounts).exists()
        ):
            return ValidationError(
                _("This person coordinates programmes, so they cannot also be a viewer."),
                code="conflict",
            )
    elif Viewer.objects.filter(user__in=accounts).exists():
        return ValidationError(
            _("This person is a viewer, who only reads, so they cannot also coordinate."),
            code="conflict",
        )
    return None


def _accounts_of(email: str):
    return User.objects.filter(email__iexact=email)


def _waiting_twin(email: str, role: str, institution, country, *, exclude: int | None = None):
    twins = Invitation.objects.waiting().filter(
        email__iexact=email, role=role, institution=institution, country=country
    )
    return twins.exclude(pk=exclude) if exclude is not None else twins


def _require_may_invite(actor, role, institution, country) -> None:
    if not may_invite(actor, role, institution=institution, country=country):
        raise PermissionDenied


@changes_content
@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    role: str,
    institution: Institution | None = None,
    country: Country | None = None,
) -> Sent:
    """Invite ``email`` into ``role`` at ``institution`` (a coordinator) or ``country`` (a
    national coordinator), and queue the mail with the link. Refused when the address's
    account holds that role or one it conflicts with, or a waiting invitation asks the same."""
    _require_may_invite(actor, role, institution, country)
    email = User.objects.normalize_email(email.strip())
    if refusal := _refusal(_accounts_of(email), role, institution, country):
        raise refusal
    if _waiting_twin(email, role, institution, country).exists():
        raise ValidationError(
            _("%(email)s already has a waiting invitation to this role."),
            code="waiting",
            params={"email": email},
        )
    token, digest = _new_token()
    now = timezone.now()
    invitation = Invitation(
        email=email,
        role=role,
        institution=institution,
        country=country,
        token_hash=digest,
        invited_by=actor,
        created_at=now,
        sent_at=now,
        expires_at=now + datetime.timedelta(days=_invitation_days()),
    )
    invitation.full_clean()
    invitation._history_user = actor
    invitation._change_reason = "invited"
    invitation.save()
    invitation_mailed(invitation=invitation, token=token, actor=actor)
    audit_log.info(
        "%s invited %s as %s (invitation %s)",
        actor.username,
        email,
        invitation.role_display,
        invitation.pk,
    )
    return Sent(invitation, token)


def _locked(invitation: Invitation) -> Invitation:
    # Only the invitation's row: its institution and country (outer joins) stay unlocked.
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("institution", "country")
        .get(pk=invitation.pk)
    )


@changes_content
@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> Sent:
    """Send the invitation again with a new link and a new expiry; the old link stops working.
    An invitation that expired may be sent again; an accepted or withdrawn one may not."""
    invitation = _locked(invitation)
    _require_may_invite(actor, invitation.role, invitation.institution, invitation.country)
    if invitation.state in (State.ACCEPTED, State.WITHDRAWN):
        raise ValidationError(
            _("An invitation accepted or withdrawn cannot be sent again."), code="closed"
        )
    if _waiting_twin(
        invitation.email,
        invitation.role,
        invitation.institution,
        invitation.country,
        exclude=invitation.pk,
    ).exists():
        raise ValidationError(
            _("%(email)s already has a waiting invitation to this role."),
            code="waiting",
            params={"email": invitation.email},
        )
    token, digest = _new_token()
    now = timezone.now()
    invitation.token_hash = digest
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=_invitation_days())
    invitation.full_clean()
    invitation._history_user = actor
    invitation._change_reason = "resent"
    invitation.save()
    invitation_mailed(invitation=invitation, token=token, actor=actor)
    audit_log.info(
        "%s sent the invitation %s of %s again", actor.username, invitation.pk, invitation.email
    )
    return Sent(invitation, token)


@changes_content
@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw the invitation: its link stops working."""
    invitation = _locked(invitation)
    _require_may_invite(actor, invitation.role, invitation.institution, invitation.country)
    if invitation.state in (State.ACCEPTED, State.WITHDRAWN):
        raise ValidationError(
            _("An invitation accepted or withdrawn cannot be withdrawn."), code="closed"
        )
    invitation.withdrawn_at = timezone.now()
    invitation.full_clean()
    invitation._history_user = actor
    invitation._change_reason = "withdrawn"
    invitation.save()
    audit_log.info(
        "%s withdrew the invitation %s of %s", actor.username, invitation.pk, invitation.email
    )
    return invitation


def _username_for(email: str) -> str:
    """A free username made of the address's part before the @."""
    local = email.rsplit("@", 1)[0].lower()
    base = re.sub(r"[^\w.+-]", "", local)[:140] or "user"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}{number}"
    return name


def _give_role(invitation: Invitation, user: User) -> None:
    if invitation.role == Role.COORDINATOR:
        roles.membership_add(
            user=user, institution=invitation.institution, actor=invitation.invited_by
        )
    elif invitation.role == Role.NATIONAL_COORDINATOR:
        roles.national_coordinator_add(user=user, country=invitation.country)
    else:
        roles.viewer_add(user=user)
    forget_roles(user)


@changes_content
@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> User:
    """Accept the invitation of ``token``: give the invited role to ``user`` (signed in as the
    account of the invited address), or, with no account of that address, to a new account of
    ``first_name``, ``last_name`` and ``password``. The role is all it gets."""
    found = selectors.invitation_by_token(token)
    if found is None:
        raise ValidationError(_("This invitation link is not valid."), code="unknown")
    invitation = _locked(found)
    if invitation.token_hash != token_digest(token):  # sent again meanwhile
        raise ValidationError(_("This invitation link is not valid."), code="unknown")
    if invitation.state != State.WAITING:
        raise ValidationError(CLOSED[invitation.state], code="closed")
    accounts = _accounts_of(invitation.email)
    if user is None:
        if accounts.exists():
            raise ValidationError(
                _("An account with this e-mail address exists: sign in to accept."),
                code="sign_in",
            )
        user = User(
            username=_username_for(invitation.email),
            email=invitation.email,
            first_name=first_name,
            last_name=last_name,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        created = True
    else:
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(
                _("This invitation is for another account."), code="other_account"
            )
        created = False
    if refusal := _refusal(
        User.objects.filter(pk=user.pk), invitation.role, invitation.institution, invitation.country
    ):
        raise refusal
    _give_role(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.full_clean()
    invitation._history_user = user
    invitation._change_reason = "accepted"
    invitation.save()
    audit_log.info(
        "%s accepted the invitation %s as %s%s",
        user.username,
        invitation.pk,
        invitation.role_display,
        " (new account)" if created else "",
    )
    return user
