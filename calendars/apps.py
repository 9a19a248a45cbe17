from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import caching as data_stamp


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = _("Shared calendars")

    def ready(self):
        # The calendar's pages and files are kept under the data stamp; every app's writes
        # must move it.
        data_stamp.connect()
