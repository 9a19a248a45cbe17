from django.urls import path

from amendments import views

app_name = "amendments"

urlpatterns = [
    # The edit forms of an approved or active programme and of its events post here.
    path("programme/<int:pk>/", views.programme_amend, name="programme"),
    path("event/<int:pk>/", views.event_amend, name="event"),
    path("event/new/", views.event_propose, name="new_event"),
    path("<int:pk>/", views.amendment_detail, name="detail"),
    path("<int:pk>/decide/", views.amendment_decide, name="decide"),
    path("<int:pk>/withdraw/", views.amendment_withdraw, name="withdraw"),
]
