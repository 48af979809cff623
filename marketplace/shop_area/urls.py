"""The shop's own area (/shop/); shop staff only, everything scoped to their shop."""

from django.urls import path

from inventory_sync import offer_views
from logistics import handover_views, shop_views
from shops import dashboard_views

from . import views

app_name = "shop"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("products/", offer_views.OfferListView.as_view(), name="offers"),
    path("products/new/", offer_views.OfferCreateView.as_view(), name="offer-new"),
    path("products/<int:pk>/", views.OfferEditView.as_view(), name="offer"),
    path("profile/", dashboard_views.ProfileView.as_view(), name="profile"),
    path("profile/photos/", dashboard_views.PhotoView.as_view(), name="photos"),
    path("orders/", shop_views.PartListView.as_view(), name="parts"),
    path("orders/<int:pk>/", shop_views.PartDetailView.as_view(), name="part"),
    path("orders/code/", shop_views.CounterCodeView.as_view(), name="counter-code"),
    path("orders/<int:pk>/<slug:action>/", shop_views.PartActionView.as_view(), name="part-action"),
    path(
        "handovers/<int:route_id>/qr.png",
        handover_views.HandoverQrView.as_view(),
        name="handover-qr",
    ),
]
