from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.views import healthz

admin.site.site_header = _("Dostlik administration")
admin.site.site_title = _("Dostlik admin")
admin.site.index_title = _("Records of the cultural cooperation desk")

urlpatterns = [
    path("", include("desk.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("institutions/", include("institutions.urls")),
    path("events/", include("events.urls")),
    # Agreements and programmes: one app, two top-level paths.
    path("", include("programmes.urls")),
    # The public portal: published programmes and public events, without signing in.
    path("public/", include("public.urls")),
    # The shared calendar, its exports and feeds, the calendar files of events and programmes,
    # and importing a calendar file into a programme.
    path("calendar/", include("calendars.urls")),
    # Figures per year and country, the balance between countries, and their downloads.
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
