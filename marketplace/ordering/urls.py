from django.urls import path, re_path
from django.views.generic import RedirectView

from . import guest_views, payment_views, views

app_name = "ordering"
urlpatterns = [
    path("basket/add-offer/<int:stockrecord_id>/", views.AddOfferView.as_view(), name="add-offer"),
    path("checkout/", views.CheckoutView.as_view(), name="checkout"),
    path("checkout/address/", views.address_lookup_view, name="address-lookup"),
    path(
        "checkout/test-payment/<str:number>/",
        views.TestPaymentView.as_view(),
        name="test-payment",
    ),
    # Oscar's own checkout steps would place orders without our reservations: send them here.
    re_path(r"^checkout/.+$", RedirectView.as_view(pattern_name="ordering:checkout")),
    path("orders/<str:number>/", views.OrderView.as_view(), name="order"),
    path(
        "orders/<str:number>/account/",
        guest_views.GuestAccountView.as_view(),
        name="guest-account",
    ),
    path("payments/orders/<str:number>/pay/", payment_views.PayOrderView.as_view(), name="pay"),
    path(
        "orders/<str:number>/parts/<int:part_id>/rebook/",
        views.RebookPartView.as_view(),
        name="rebook-part",
    ),
]
