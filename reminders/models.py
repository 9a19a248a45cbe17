"""A reminder mailed to one person about an agreement or an event, kept so it is mailed once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from programmes.models import Agreement


class Reminder(models.Model):
    """A reminder mailed to one person, kept so that it is mailed once.

    A row is keyed on the date it reminded of (the agreement's end, the event's start) as well as
    on what and whom: when that date moves, the old row no longer matches and the new date is
    reminded of again.
    """

    class Kind(models.TextChoices):
        AGREEMENT_EXPIRING_90 = "agreement_expiring_90", _("Agreement expires within 90 days")
        AGREEMENT_EXPIRING_30 = "agreement_expiring_30", _("Agreement expires within 30 days")
        EVENT_COMING_WEEK = "event_coming_week", _("Event in the coming week")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("agreement"),
    )
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The end of the agreement when the reminder was sent."),
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("event"),
    )
    starts_at = models.DateTimeField(
        _("starts"),
        null=True,
        blank=True,
        help_text=_("The start of the event when the reminder was sent."),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["agreement_expiring_90", "agreement_expiring_30"],
                    agreement__isnull=False,
                    valid_until__isnull=False,
                    event__isnull=True,
                    starts_at__isnull=True,
                )
                | Q(
                    kind="event_coming_week",
                    event__isnull=False,
                    starts_at__isnull=False,
                    agreement__isnull=True,
                    valid_until__isnull=True,
                ),
                name="reminder_about_one_thing",
                violation_error_message=_(
                    "A reminder is about an agreement and its end, or an event and its start."
                ),
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "agreement", "valid_until"],
                condition=Q(agreement__isnull=False),
                name="reminder_once_per_agreement_end",
                violation_error_message=_("This reminder about the agreement was already sent."),
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "event", "starts_at"],
                condition=Q(event__isnull=False),
                name="reminder_once_per_event_start",
                violation_error_message=_("This reminder about the event was already sent."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.recipient}"
