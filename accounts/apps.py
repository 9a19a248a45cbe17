from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from accounts.time_zones import note_institution_zone


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Read at sign-in, so that no later request spends queries on it.
        user_logged_in.connect(note_institution_zone, dispatch_uid="note_institution_zone")
