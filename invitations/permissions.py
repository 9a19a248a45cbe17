"""Who may invite whom (the ``rules`` package, on the roles of ``institutions.permissions``).

A national coordinator invites coordinators of their own country's institutions; an
administrator invites into any role. Nobody else invites. Whoever may invite into an
invitation's role and place may also resend and withdraw it.
"""

import rules

from institutions.models import Country, Institution
from institutions.permissions import (
    is_administrator,
    is_national_coordinator_of_institution,
    is_signed_in,
)
from invitations.models import Invitation

# The administrators' list of every invitation and its form for any role.
can_invite_anyone = is_signed_in & is_administrator

# An institution's coordinators page offers the form and the invitations of the institution.
can_invite_to_institution = is_signed_in & (
    is_administrator | is_national_coordinator_of_institution
)


def may_invite(
    user,
    role: str,
    *,
    institution: Institution | None = None,
    country: Country | None = None,
) -> bool:
    """Whether ``user`` may invite someone into ``role`` at ``institution`` or ``country``."""
    if role == Invitation.Role.COORDINATOR:
        return institution is not None and can_invite_to_institution.test(user, institution)
    return can_invite_anyone.test(user)


@rules.predicate
def may_invite_into(user, invitation: Invitation) -> bool:
    return invitation is not None and may_invite(
        user, invitation.role, institution=invitation.institution, country=invitation.country
    )


# Resending and withdrawing: for whoever may invite into the invitation's role and place.
can_manage_invitation = is_signed_in & may_invite_into
