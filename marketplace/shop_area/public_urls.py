"""The shops' public pages (/shops/): the directory, applying, the offline payout set-up and
a shop's page."""

from django.urls import path

from shops import onboarding_views, views

from .onboarding_views import ApplyView

app_name = "shops"
urlpatterns = [
    path("", views.ShopListView.as_view(), name="list"),
    # Fixed paths before the shop slug, which would otherwise swallow them.
    path("apply/", ApplyView.as_view(), name="apply"),
    path("apply/thanks/", onboarding_views.ApplyDoneView.as_view(), name="apply-done"),
    path(
        "payouts/<slug:slug>/offline/",
        onboarding_views.OfflinePayoutView.as_view(),
        name="payout-offline",
    ),
    path("<slug:slug>/", views.ShopDetailView.as_view(), name="detail"),
]
