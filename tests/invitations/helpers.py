"""What the invitation tests compare: a person's full set of roles, the rows that exist."""

from accounts.models import User
from institutions.models import Membership, NationalCoordinator, Viewer
from invitations.models import Invitation


def roles_of(user: User) -> set[tuple]:
    """Every role and privilege the account holds."""
    return (
        {
            ("coordinator", pk)
            for pk in Membership.objects.filter(user=user).values_list("institution_id", flat=True)
        }
        | {
            ("national_coordinator", pk)
            for pk in NationalCoordinator.objects.filter(user=user).values_list(
                "country_id", flat=True
            )
        }
        | {("viewer",) for _ in Viewer.objects.filter(user=user)}
        | {("staff",) for _ in [user] if user.is_staff}
        | {("superuser",) for _ in [user] if user.is_superuser}
        | {("group", name) for name in user.groups.values_list("name", flat=True)}
        | {("permission", pk) for pk in user.user_permissions.values_list("pk", flat=True)}
    )


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "national": NationalCoordinator.objects.count(),
        "viewers": Viewer.objects.count(),
        "invitations": Invitation.objects.count(),
        "accepted": Invitation.objects.filter(accepted_at__isnull=False).count(),
        "history": Invitation.history.count(),
    }
