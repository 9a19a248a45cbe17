from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Imported here: the tallies' module needs the models, loaded only once apps are ready.
        from reports import tallies

        tallies.connect(self)
