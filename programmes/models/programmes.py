"""Joint programmes, their partners and the record of their status changes."""

from decimal import Decimal
from enum import nonmember

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import VersionedModel
from core.validators import validate_single_line
from institutions.models import Institution
from multilingual.models import TranslatedModel
from programmes.models.agreements import Agreement


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
        # Before the national coordinators, or approved by them: partners from two countries at
        # least, whatever changes.
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

    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
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
    # The version of the approved content before the national coordinators, or approved by
    # them (``programmes.versions``); none until the programme is first submitted.
    current_version = models.ForeignKey(
        "programmes.ProgrammeVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("current version"),
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
        _("contribution"),
        max_length=300,
        blank=True,
        help_text=_("What this partner brings."),
        validators=[validate_single_line],
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
