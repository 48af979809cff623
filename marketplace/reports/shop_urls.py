"""A shop's own reports: /shop/reports/ (its shop only)."""

from django.urls import path

from . import views

app_name = "shop-reports"
urlpatterns = [
    path("", views.ShopReportView.as_view(), name="home"),
    path("export/<slug:table>.<slug:file_format>", views.ShopExportView.as_view(), name="export"),
]
