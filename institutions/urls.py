from django.urls import path

from institutions import views

app_name = "institutions"

urlpatterns = [
    path("", views.institution_list, name="list"),
    path("<int:pk>/coordinators/", views.institution_coordinators, name="coordinators"),
    path(
        "<int:pk>/coordinators/<int:membership_pk>/remove/",
        views.coordinator_remove,
        name="coordinator_remove",
    ),
]
