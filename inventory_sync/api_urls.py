"""Mounted at /api/pos/."""

from django.urls import path

from marketplace.throttling import PosPushAddressThrottle, PosPushShopThrottle, throttle_webhook

from . import api, webhooks

app_name = "pos-api"
urlpatterns = [
    # Throttled per shop and per address (THROTTLE_RATES, marketplace/throttling.py).
    path(
        "stock/",
        api.PushStockView.as_view(throttle_classes=[PosPushShopThrottle, PosPushAddressThrottle]),
        name="push-stock",
    ),
    path(
        "webhooks/shopify/<str:key>/",
        throttle_webhook(webhooks.shopify_webhook),
        name="webhook-shopify",
    ),
    path(
        "webhooks/square/<str:key>/",
        throttle_webhook(webhooks.square_webhook),
        name="webhook-square",
    ),
]
