"""The abstract model of a record editors translate (``multilingual.content``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from multilingual.content import validate_translations


class TranslatedModel(models.Model):
    """A record whose ``TRANSLATED_FIELDS`` editors may give in other languages."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_(
            "The translatable fields in other languages, by language code; a reader whose "
            "language has none sees the original."
        ),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        validate_translations(self)
