from django.urls import path

from calendars.views import browse, export, feeds, imports

app_name = "calendars"

urlpatterns = [
    path("calendar/", browse.calendar, name="calendar"),
    path("calendar/export.ics", export.export, name="export"),
    path("events/<int:pk>/calendar.ics", export.event_calendar, name="event_ics"),
    path("programmes/<int:pk>/calendar.ics", export.programme_calendar, name="programme_ics"),
    path("calendar/feeds/", feeds.feeds, name="feeds"),
    path("calendar/feeds/<int:pk>/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("calendar/feeds/<str:token>.ics", feeds.feed_file, name="feed"),
    path("programmes/<int:pk>/import/", imports.calendar_import, name="import"),
    path(
        "programmes/<int:pk>/import/confirm/",
        imports.calendar_import_confirm,
        name="import_confirm",
    ),
]
