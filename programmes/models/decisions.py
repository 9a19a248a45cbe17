"""The national coordinators' decisions on programmes, and the versions they decide on.

A programme's approved content (``programmes.versions``) is put before the national coordinators
as a numbered version, with its fingerprint and a copy of the content. Each decision is a row of
the register that stays: it names the version it was taken on, and once a newer version is put
before the countries, the version that superseded it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line
from institutions.models import Country
from programmes.models.programmes import Programme


class ProgrammeVersion(models.Model):
    """The approved content of a programme as it was put before the national coordinators: at
    submission, after a change to it, at a resubmission."""

    class Reason(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CHANGED = "changed", _("Changed after submission")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        PROPOSED = "proposed", _("Proposed as an amendment")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="versions", verbose_name=_("programme")
    )
    number = models.PositiveIntegerField(_("version"))
    made = models.CharField(_("made"), max_length=20, choices=Reason.choices)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    content = models.JSONField(_("approved content"))
    reason = models.TextField(
        _("note"), blank=True, help_text=_("What was changed, or the resubmission's note.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    # When it became the programme's current version: at once, but for an amendment's, which
    # becomes current when every country approved it, and never if one did not.
    adopted_at = models.DateTimeField(_("in force from"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="programme_version_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.programme_id} v{self.number}"

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:8]

    @property
    def in_force(self) -> bool:
        """Whether it was ever the programme's current version: an amendment's proposed version
        is not until every country approved it."""
        return self.made != self.Reason.PROPOSED or self.adopted_at is not None


class DecisionQuerySet(models.QuerySet):
    def standing(self):
        """Decisions no newer version has superseded."""
        return self.filter(superseded_by__isnull=True)


def open_change_requests(programme) -> list["Decision"]:
    """The requests for changes the programme's coordinators have not yet answered: each
    country's latest decision where it asked for changes, taken on the version the programme was
    last submitted or resubmitted as, or on a later one. Versions are compared, not moments: a
    decision taken on paper is dated by its letter."""
    versions = {version.pk: version for version in programme.versions.all()}
    put_before = (ProgrammeVersion.Reason.SUBMITTED, ProgrammeVersion.Reason.RESUBMITTED)
    answered = max((v.number for v in versions.values() if v.made in put_before), default=0)
    latest = {}
    for decision in sorted(
        programme.decisions.all(),
        key=lambda row: (versions[row.version_id].number, row.decided_at, row.pk),
    ):
        latest[decision.country_id] = decision
    return [
        decision
        for decision in latest.values()
        if decision.decision == Decision.Kind.CHANGES_REQUESTED
        and versions[decision.version_id].number >= answered
    ]


class Decision(models.Model):
    """One participating country's decision on one version of a programme. A country decides
    once on a version; a new version supersedes the decisions on the older ones."""

    class Kind(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("programme")
    )
    version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("version decided on"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    # Empty for a decision taken on paper, which ``recorded_by`` entered.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    superseded_by = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_decisions",
        verbose_name=_("superseded by"),
    )
    # A decision taken on paper: the ministry's letter, recorded in the admin by whoever keeps
    # the records; ``decided_by`` is then empty.
    on_paper = models.BooleanField(_("taken on paper"), default=False)
    registry_number = models.CharField(
        _("registry number"), max_length=100, blank=True, validators=[validate_single_line]
    )
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    letter = models.FileField(_("scanned letter"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "country"],
                name="decision_once_per_country_and_version",
                violation_error_message=_("This country has already decided on this version."),
            ),
            models.CheckConstraint(
                condition=Q(on_paper=False, registry_number="", letter_date__isnull=True)
                | Q(on_paper=True, letter_date__isnull=False) & ~Q(registry_number=""),
                name="decision_paper_has_its_letter",
                violation_error_message=_(
                    "A decision taken on paper names its letter's registry number and date."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.country}: {self.get_decision_display()}"

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None
