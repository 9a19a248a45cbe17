from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("institutions/", include("institutions.urls")),
    path("events/", include("events.urls")),
    # Agreements and programmes: one app, two top-level paths.
    path("", include("programmes.urls")),
    path("admin/", admin.site.urls),
]
