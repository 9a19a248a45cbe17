from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from core.ratelimits import login_rate_limit


class DostlikAdminSite(admin.AdminSite):
    """The admin under Dostlik's name, whose sign-in counts against the same limit per address
    as the site's: guessing a password at /admin/login/ is no cheaper than at the front door."""

    site_header = _("Dostlik administration")
    site_title = _("Dostlik admin")
    index_title = _("Records of the cultural cooperation desk")

    @method_decorator(login_rate_limit)
    @login_not_required
    def login(self, request, extra_context=None):
        return super().login(request, extra_context)


class DostlikAdminConfig(AdminConfig):
    """Django's admin, with the site above as ``admin.site``."""

    default_site = "core.admin_site.DostlikAdminSite"
