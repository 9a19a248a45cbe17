from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("programmes/", views.programme_list, name="list"),
    path("programmes/<int:pk>/", views.programme_detail, name="detail"),
]
