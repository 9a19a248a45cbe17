"""An amendment: a change to the approved content of an approved or active programme, held
apart until every participating country approves it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from programmes.models import Programme, ProgrammeVersion


class Amendment(models.Model):
    """A proposed change, and the version of the approved content it would make (``version``,
    decided on by the countries like a submission). One amendment of a programme is open at a
    time. ``changes`` says what to write when it is approved: the programme's fields and
    partners, or one event's fields, its creation or its removal."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the countries")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Subject(models.TextChoices):
        PROGRAMME = "programme", _("The programme's dates, budget and partners")
        EVENT = "event", _("An event")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("programme")
    )
    base_version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("amends version"),
    )
    version = models.OneToOneField(
        ProgrammeVersion,
        on_delete=models.PROTECT,
        related_name="amendment",
        verbose_name=_("proposed version"),
    )
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    # The event changed or removed; empty for a new event or the programme's own fields.
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("event"),
    )
    changes = models.JSONField(_("changes"))
    note = models.TextField(_("why"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.OPEN, editable=False
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(state="open"),
                name="amendment_one_open_per_programme",
                violation_error_message=_("This programme already has an amendment waiting."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} · v{self.version.number}"
