"""Centre management's reports: /management/reports/ (staff only)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.CentreReportView.as_view(), name="home"),
    path("export/<slug:table>.<slug:file_format>", views.CentreExportView.as_view(), name="export"),
]
