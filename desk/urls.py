from django.urls import path

from desk import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    # An institution's page, with what other apps hold about it; the list of institutions and
    # their coordinators are the institutions app's.
    path("institutions/<int:pk>/", views.institution_detail, name="institution"),
]
