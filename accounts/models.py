from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import validate_time_zone


class User(AbstractUser):
    """A person who signs in. What they may do comes from role rows, never from the user row."""

    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "The zone every page shows times in, e.g. Asia/Almaty. Empty: the browser's, else "
            "that of the person's institution's country, else the site's."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the interface, in every browser this person signs in from. "
            "Empty: the browser's language."
        ),
    )

    # How each kind of mail reaches the person (``accounts.notices``): kind -> delivery; a kind
    # not named comes at once.
    mail_preferences = models.JSONField(_("mail preferences"), default=dict, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username


class FormSubmission(models.Model):
    """A form that created something, by the token it carried (``accounts.once``): the same
    form sent again — a retry after a lost answer, a second click — leads to what the first
    made instead of making it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    token = models.UUIDField()
    # Where the first sending led: the page of what it created.
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")
        ]

    def __str__(self):
        return f"{self.token} → {self.url}"


class MailKind(models.TextChoices):
    DECISIONS_WAITING = (
        "decisions_waiting",
        _("Programmes and amendments waiting for my decision"),
    )
    DECISIONS_TAKEN = (
        "decisions_taken",
        _("Decisions taken on the programmes of my institutions"),
    )
    REMINDERS = (
        "reminders",
        _("Reminders: agreements about to expire, events coming soon"),
    )


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("At once, one mail each")
    DAILY = "daily", _("Once a day, in one summary")
    NEVER = "never", _("Not at all")


class Notice(models.Model):
    """A message kept for a person's daily summary (``accounts.notices``), instead of a mail of
    its own: they chose to read that kind of mail once a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MailKind.choices)
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the summary that carried it was queued; empty while it waits for the next one.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message for the daily summary")
        verbose_name_plural = _("messages for the daily summary")
        ordering = ["user", "created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "user"], name="notice_waiting")]

    def __str__(self):
        return self.subject
