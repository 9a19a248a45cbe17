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


class VeventBlock(models.Model):
    """An event's VEVENT as calendar files write it, in one language (``calendars.ical``): a
    calendar of many events joins the stored blocks instead of serialising every event again,
    and they outlast a deploy and an emptied cache.

    ``key`` says what the block shows: the format it is written in and the site's address, then
    the digest of what the event shows, which the database computes from the rows. A block whose
    key is not the event's current one is made again and replaces it, so an event has one block
    per language, whatever changed it. The blocks go with their event; without a constraint in
    the database, so that they never stand in the way of deleting one by hand (what is left then
    is never read: a block is found through its event)."""

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="vevent_blocks",
        # The unique constraint's index starts with the event.
        db_index=False,
        db_constraint=False,
        verbose_name=_("event"),
    )
    # Both made by the app, one line as every text field is.
    language = models.CharField(_("language"), max_length=16, validators=[validate_single_line])
    key = models.CharField(_("key"), max_length=64, validators=[validate_single_line])
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("stored calendar entry")
        verbose_name_plural = _("stored calendar entries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"], name="calendars_vevent_block_once_per_language"
            )
        ]

    def __str__(self):
        # Without reading the event: listed by the hundred when events are deleted in the admin.
        return f"#{self.event_id} ({self.language})"
