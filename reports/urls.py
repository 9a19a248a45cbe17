from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.year_report, name="index"),
    path("balance/", views.balance_report, name="balance"),
    path("decisions/", views.decision_register, name="decisions"),
    path("decisions.<slug:extension>", views.decision_register_export, name="decisions_export"),
    # The table and the file format are both in the name: /reports/export/funding.xlsx
    path("export/<slug:table>.<slug:extension>", views.export, name="export"),
]
