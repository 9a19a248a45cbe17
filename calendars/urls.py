from calendars.views import browse, export, feeds, imports

app_name = "calendars"

urlpatterns = [
    *browse.urlpatterns,
    *export.urlpatterns,
    *feeds.urlpatterns,
    *imports.urlpatterns,
]
