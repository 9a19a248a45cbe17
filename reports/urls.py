from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.year_report, name="index"),
    path("balance/", views.balance_report, name="balance"),
    # The table and the file format are both in the name: /reports/export/funding.xlsx
    path("export/<slug:table>.<slug:extension>", views.export, name="export"),
]
