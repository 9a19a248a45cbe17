"""Agreements: the legal basis of cooperation, their parties and their documents."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.validators import validate_single_line
from institutions.models import Institution

# An agreement whose end falls within this many days is "expiring".
EXPIRY_WARNING_DAYS = 90


class AgreementQuerySet(models.QuerySet):
    def with_status(self, status: str, today: datetime.date | None = None):
        """Agreements whose derived status on ``today`` is ``status``."""
        today = today or timezone.localdate()
        horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        live = Q(terminated_on__isnull=True) | Q(terminated_on__gt=today)
        conditions = {
            Agreement.Status.TERMINATED: Q(terminated_on__lte=today),
            Agreement.Status.PENDING: live & Q(valid_from__gt=today),
            Agreement.Status.EXPIRED: live & Q(valid_until__lt=today),
            Agreement.Status.EXPIRING: live
            & Q(valid_from__lte=today, valid_until__gte=today, valid_until__lte=horizon),
            Agreement.Status.IN_FORCE: live
            & Q(valid_from__lte=today)
            & (Q(valid_until__isnull=True) | Q(valid_until__gt=horizon)),
        }
        return self.filter(conditions[status])


class Agreement(models.Model):
    """The legal basis of cooperation: a treaty, an intergovernmental agreement, a memorandum."""

    class Kind(models.TextChoices):
        TREATY = "treaty", _("Treaty")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental agreement")
        INTERDEPARTMENTAL = "interdepartmental", _("Interdepartmental agreement")
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        COOPERATION = "cooperation", _("Cooperation agreement")

    class Status(models.TextChoices):
        PENDING = "pending", _("Signed, not yet in force")
        IN_FORCE = "in_force", _("In force")
        EXPIRING = "expiring", _("Expiring within 90 days")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reference = models.CharField(
        _("reference number"), max_length=100, blank=True, validators=[validate_single_line]
    )
    summary = models.TextField(_("summary"), blank=True)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: open-ended.")
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    parties = models.ManyToManyField(
        Institution,
        through="AgreementParty",
        related_name="agreements",
        verbose_name=_("parties"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_until_after_from",
                violation_error_message=_("An agreement cannot end before it takes effect."),
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__gte=F("signed_on")),
                name="agreement_terminated_after_signing",
                violation_error_message=_("An agreement cannot be terminated before it is signed."),
            ),
        ]

    def __str__(self):
        return self.title

    def status_on(self, today: datetime.date) -> str:
        """The derived status, the same rule as ``AgreementQuerySet.with_status``."""
        if self.terminated_on and self.terminated_on <= today:
            return self.Status.TERMINATED
        if self.valid_from > today:
            return self.Status.PENDING
        if self.valid_until is None:
            return self.Status.IN_FORCE
        if self.valid_until < today:
            return self.Status.EXPIRED
        if self.valid_until <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return self.Status.EXPIRING
        return self.Status.IN_FORCE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class AgreementParty(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="party_rows", verbose_name=_("agreement")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("institution"),
    )
    signatory = models.CharField(
        _("signed by"), max_length=200, blank=True, validators=[validate_single_line]
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["institution__country__name", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "institution"],
                name="agreement_party_unique",
                violation_error_message=_("This institution is already a party to the agreement."),
            ),
        ]

    def __str__(self):
        return str(self.institution)


class AgreementDocument(models.Model):
    """A file of an agreement — its signed text, an annex, a scan — checked and named by
    ``programmes.documents``; served only through the app, to those who may read it."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("agreement"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title
