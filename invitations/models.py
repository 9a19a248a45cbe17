"""An invitation: a person, by e-mail address, asked to take one role in Dostlik.

Its state (waiting, accepted, withdrawn, expired) is read from its timestamps, never stored, so
it cannot disagree with them. The link's token is shown once, in the mail; only its SHA-256
digest is kept, so the table does not open any invitation.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from institutions.models import Country, Institution


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class State(models.TextChoices):
    # In the context of an invitation: Russian "приглашение" is neuter ("отозвано", not the
    # "отозвана" of a programme).
    WAITING = "waiting", pgettext_lazy("invitation", "Waiting")
    ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
    WITHDRAWN = "withdrawn", pgettext_lazy("invitation", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("invitation", "Expired")


class InvitationQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(
            accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )

    def in_state(self, state: str):
        now = timezone.now()
        open_ = Q(accepted_at__isnull=True, withdrawn_at__isnull=True)
        return self.filter(
            {
                State.ACCEPTED: Q(accepted_at__isnull=False),
                State.WITHDRAWN: Q(withdrawn_at__isnull=False),
                State.EXPIRED: open_ & Q(expires_at__lte=now),
                State.WAITING: open_ & Q(expires_at__gt=now),
            }[state]
        )

    def with_state(self):
        """``state`` computed by the database, for ordering and filtering in lists."""
        return self.annotate(
            state=Case(
                When(accepted_at__isnull=False, then=Value(State.ACCEPTED.value)),
                When(withdrawn_at__isnull=False, then=Value(State.WITHDRAWN.value)),
                When(expires_at__lte=Now(), then=Value(State.EXPIRED.value)),
                default=Value(State.WAITING.value),
                output_field=models.CharField(),
            )
        )


class Invitation(models.Model):
    """One person invited by e-mail into one role: coordinator of an institution, national
    coordinator of a country, or viewer."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator of an institution")
        NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator of a country")
        VIEWER = "viewer", _("Viewer")

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("institution"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("country"),
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="coordinator", institution__isnull=False, country__isnull=True)
                    | Q(
                        role="national_coordinator",
                        institution__isnull=True,
                        country__isnull=False,
                    )
                    | Q(role="viewer", institution__isnull=True, country__isnull=True)
                ),
                name="invitation_role_target",
                violation_error_message=_(
                    "A coordinator is invited to an institution, a national coordinator to a "
                    "country, a viewer to neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="invitation_accepted_or_withdrawn",
                violation_error_message=_("An invitation is accepted or withdrawn, not both."),
            ),
        ]

    def __str__(self):
        return f"{self.email} · {self.role_display}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return State.ACCEPTED
        if self.withdrawn_at is not None:
            return State.WITHDRAWN
        if self.expires_at <= timezone.now():
            return State.EXPIRED
        return State.WAITING

    def get_state_display(self) -> str:
        return State(self.state).label

    @property
    def target(self) -> Institution | Country | None:
        return self.institution or self.country

    @property
    def role_display(self) -> str:
        """The role with what it is of: "Coordinator of an institution: …"."""
        target = self.target
        label = self.get_role_display()
        return f"{label}: {target}" if target is not None else str(label)
