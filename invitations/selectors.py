"""Reads of invitations, each in a fixed number of queries whatever their number."""

from django.db.models import QuerySet

from institutions.models import Institution
from invitations.models import Invitation, token_digest


def invitation_list() -> QuerySet[Invitation]:
    """Every invitation, newest first, with what its row shows."""
    return Invitation.objects.select_related(
        "institution__country", "country", "invited_by", "accepted_by"
    ).order_by("-created_at", "-pk")


def institution_invitations(*, institution: Institution) -> QuerySet[Invitation]:
    return invitation_list().filter(institution=institution)


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, whatever its state; None for a token no
    invitation has."""
    return (
        Invitation.objects.select_related("institution__country", "country", "invited_by")
        .filter(token_hash=token_digest(token))
        .first()
    )
