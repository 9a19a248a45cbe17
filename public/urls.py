from django.urls import path

from public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/calendar.ics", views.programme_calendar, name="programme_ics"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/calendar.ics", views.event_calendar, name="event_ics"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar_ics"),
]
