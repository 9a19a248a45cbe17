from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmendmentsConfig(AppConfig):
    """Amendments of approved and active programmes: proposed, decided on by every
    participating country, applied at once as a new version."""

    name = "amendments"
    verbose_name = _("Amendments")
