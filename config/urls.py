from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core.views import healthz

urlpatterns = [
    path("", include("desk.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("institutions/", include("institutions.urls")),
    path("invitations/", include("invitations.urls")),
    path("events/", include("events.urls")),
    # Agreements and programmes: one app, two top-level paths.
    path("", include("programmes.urls")),
    # The public portal: published programmes and public events, without signing in.
    path("public/", include("public.urls")),
    # The shared calendar, its exports and feeds, the calendar files of events and programmes,
    # and importing a calendar file into a programme.
    path("calendar/", include("calendars.urls")),
    # Where an event's and a programme's calendar files and the import were before they moved
    # under /calendar/: bookmarks and saved links still lead there. Behind sign-in, as the new
    # addresses are; those decide who may open what.
    path(
        "events/<int:pk>/calendar.ics",
        RedirectView.as_view(pattern_name="calendars:event_ics", permanent=True, query_string=True),
    ),
    path(
        "programmes/<int:pk>/calendar.ics",
        RedirectView.as_view(
            pattern_name="calendars:programme_ics", permanent=True, query_string=True
        ),
    ),
    path(
        "programmes/<int:pk>/import/",
        RedirectView.as_view(pattern_name="calendars:import", permanent=True, query_string=True),
    ),
    # Figures per year and country, the balance between countries, and their downloads.
    path("reports/", include("reports.urls")),
    path("amendments/", include("amendments.urls")),
    path("admin/", admin.site.urls),
]
