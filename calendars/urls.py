from django.urls import path

from calendars.views import browse, export, feeds, imports

app_name = "calendars"

# Under /calendar/ (config/urls.py); the public calendar file is the public portal's.
urlpatterns = [
    # The shared calendar: month, week or agenda, chosen in the query string.
    path("", browse.calendar, name="calendar"),
    # Calendar files of what the reader may see.
    path("export.ics", export.export, name="export"),
    path("events/<int:pk>.ics", export.event_calendar, name="event_ics"),
    path("programmes/<int:pk>.ics", export.programme_calendar, name="programme_ics"),
    # Subscriptions: made and revoked by their owner; the file is fetched with its token alone.
    path("feeds/", feeds.feeds, name="feeds"),
    path("feeds/<int:pk>/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("feeds/<str:token>.ics", feeds.feed_file, name="feed"),
    # Importing a calendar file into a programme: upload and preview, then confirm.
    path("programmes/<int:pk>/import/", imports.calendar_import, name="import"),
    path(
        "programmes/<int:pk>/import/confirm/",
        imports.calendar_import_confirm,
        name="import_confirm",
    ),
]
