"""Abstract models several apps' records share. (The module also lets migrate send its
post_migrate signal to core, which makes the database cache's table: core/apps.py.)"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class VersionedModel(models.Model):
    """A record people edit from pages that may have gone stale meanwhile: every change raises
    its ``version``, and a service refuses an edit made from an older one
    (``core.exceptions.StaleVersion``). Its history of changes is kept (django-simple-history),
    without the moment of change, which every change moves anyway."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every change; an edit made from an older version is refused."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], inherit=True)

    class Meta:
        abstract = True
