from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line


class CalendarFeed(models.Model):
    """A named subscription: a calendar app fetches the events its owner may see, filtered.

    Only a hash of the secret token is stored: the token is shown once, at creation, inside the
    feed's address. Each fetch re-checks the owner's current rights."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    filters = models.JSONField(
        _("filters"),
        default=dict,
        blank=True,
        help_text=_("The calendar filters (country, institution, programme, kind, status)."),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["owner", "name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
