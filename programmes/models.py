import datetime
from decimal import Decimal
from enum import nonmember

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionedModel
from institutions.models import Country, Institution
from multilingual.models import TranslatedModel

# An agreement whose end falls within this many days is "expiring".
EXPIRY_WARNING_DAYS = 90


class Currency(models.TextChoices):
    UZS = "UZS", _("Uzbek sum (UZS)")
    KZT = "KZT", _("Kazakh tenge (KZT)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")


def _money_is_whole(amount_field: str, currency_field: str) -> Q:
    """An amount of zero or more and a known currency are given together, or neither is."""
    return Q(**{f"{amount_field}__isnull": True, currency_field: ""}) | Q(
        **{
            f"{amount_field}__isnull": False,
            f"{amount_field}__gte": Decimal(0),
            f"{currency_field}__in": Currency.values,
        }
    )


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

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
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
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)

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


class Programme(TranslatedModel, VersionedModel):
    """A joint programme of institutions of at least two countries."""

    # The fields an editor may give in other languages (multilingual.content).
    TRANSLATED_FIELDS = ("title", "summary")
    # What a person fills in on a programme, in the order the forms ask for it: the status
    # moves only through the workflow. The site's form, the admin's and the services read it.
    EDITABLE_FIELDS = (
        "title",
        "kind",
        "summary",
        "agreement",
        "starts_on",
        "ends_on",
        "budget_amount",
        "budget_currency",
        "enrolled_students",
    )

    class Kind(models.TextChoices):
        JOINT_DEGREE = "joint_degree", _("Joint degree programme")
        EXHIBITION = "exhibition", _("Exhibition series")
        EDUCATION_FAIR = "education_fair", _("Education fair")
        FESTIVAL = "festival", _("Festival")
        CONCERT_TOUR = "concert_tour", _("Concert tour")
        FILM = "film", _("Film programme")
        RESEARCH = "research", _("Joint research project")
        MOBILITY = "mobility", _("Academic mobility")
        HERITAGE = "heritage", _("Heritage programme")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

        # The groups of states the rules speak of, kept here so no module keeps its own copy.
        # Can still be worked on; the others are closed.
        open_states = nonmember(frozenset({"draft", "submitted", "approved", "active"}))
        # Before the national coordinators, or approved by them: a change of scope sends the
        # programme back for a new decision.
        reviewed_states = nonmember(frozenset({"submitted", "approved"}))
        # Being carried out, or about to be.
        under_way_states = nonmember(frozenset({"approved", "active"}))
        # Shown on the public portal (with their public events).
        published_states = nonmember(frozenset({"approved", "active", "completed"}))
        # Will not go ahead: their events take no changes and are reminded of no more.
        abandoned_states = nonmember(frozenset({"rejected", "cancelled"}))
        # Commit no money: not yet agreed, refused or abandoned.
        uncommitted_states = nonmember(frozenset({"draft", "rejected", "cancelled"}))
        # The workflow's edges: the states each state may move to. A draft is never
        # cancelled: it was seen only by its partners, and cancelling would show it to
        # everyone. It stays a draft until submitted.
        transitions = nonmember(
            {
                "draft": frozenset({"submitted"}),
                "submitted": frozenset({"draft", "approved", "rejected", "cancelled"}),
                "approved": frozenset({"submitted", "active", "cancelled"}),
                "active": frozenset({"completed", "cancelled"}),
                "rejected": frozenset({"draft"}),
                "completed": frozenset(),
                "cancelled": frozenset(),
            }
        )

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("summary"), blank=True)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("agreement"),
        help_text=_("The agreement this programme implements, if any."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget_amount = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(
        _("budget currency"), max_length=3, choices=Currency.choices, blank=True
    )
    enrolled_students = models.PositiveIntegerField(
        _("enrolled students"), null=True, blank=True, help_text=_("For degree programmes.")
    )
    institutions = models.ManyToManyField(
        Institution,
        through="Partnership",
        related_name="programmes",
        verbose_name=_("partners"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "title"]
        indexes = [models.Index(fields=["status", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="programme_ends_after_start",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=_money_is_whole("budget_amount", "budget_currency"),
                name="programme_budget_whole",
                violation_error_message=_(
                    "Give the budget as an amount of zero or more together with its currency."
                ),
            ),
        ]

    def __str__(self):
        return self.title


class Partnership(models.Model):
    """An institution's part in a programme, with what it brings."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("programme"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("institution"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    contribution = models.CharField(
        _("contribution"), max_length=300, blank=True, help_text=_("What this partner brings.")
    )
    funding_amount = models.DecimalField(
        _("funding"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    funding_currency = models.CharField(
        _("funding currency"), max_length=3, choices=Currency.choices, blank=True
    )

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["role", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "institution"],
                name="partnership_unique_institution",
                violation_error_message=_(
                    "This institution is already a partner of the programme."
                ),
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(role="lead"),
                name="partnership_one_lead",
                violation_error_message=_("A programme has only one lead institution."),
            ),
            models.CheckConstraint(
                condition=_money_is_whole("funding_amount", "funding_currency"),
                name="partnership_funding_whole",
                violation_error_message=_(
                    "Give the funding as an amount of zero or more together with its currency."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.institution} ({self.get_role_display()})"


class Approval(models.Model):
    """One participating country's decision on the current version of a programme."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("programme")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["country__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country"],
                name="approval_one_per_country",
                violation_error_message=_("This country has already decided on this programme."),
            ),
        ]

    def __str__(self):
        return f"{self.country}: {self.get_decision_display()}"


class ProgrammeTransition(models.Model):
    """A recorded change of a programme's status: who, when, from, to and why."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("programme"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Programme.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Programme.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class AgreementDocument(models.Model):
    """A file of an agreement — its signed text, an annex, a scan — checked and named by
    ``programmes.documents``; served only through the app, to those who may read it."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("agreement"),
    )
    title = models.CharField(_("title"), max_length=200)
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
