from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MultilingualConfig(AppConfig):
    name = "multilingual"
    verbose_name = _("Languages")
