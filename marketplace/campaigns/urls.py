from django.urls import path

from . import management_views, report_views, shop_views

app_name = "campaigns"
urlpatterns = [
    path("management/campaigns/", management_views.CampaignListView.as_view(), name="management"),
    path(
        "management/campaigns/new/",
        management_views.CampaignCreateView.as_view(),
        name="management-new",
    ),
    path(
        "management/campaigns/<int:pk>/",
        management_views.CampaignDetailView.as_view(),
        name="management-detail",
    ),
    path(
        "management/campaigns/<int:pk>/edit/",
        management_views.CampaignEditView.as_view(),
        name="management-edit",
    ),
    path(
        "management/campaigns/<int:pk>/end/",
        management_views.CampaignEndView.as_view(),
        name="management-end",
    ),
    path("management/reports/campaigns/", report_views.CampaignReportView.as_view(), name="report"),
    path(
        "management/reports/campaigns/export.<slug:file_format>",
        report_views.CampaignExportView.as_view(),
        name="report-export",
    ),
    path("shop/campaigns/", shop_views.ShopCampaignsView.as_view(), name="shop"),
    path(
        "shop/campaigns/<int:pk>/participation/",
        shop_views.ShopParticipationView.as_view(),
        name="shop-participation",
    ),
]
