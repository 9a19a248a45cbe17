from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaleVersion(ValidationError):
    """The record changed since the editor loaded it: saving would overwrite someone's work."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else changed this record while you were editing it. Your changes were "
                "not saved: reload the page to see the current version, then make them again."
            ),
            code="stale",
        )
