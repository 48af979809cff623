"""Mounted at /api/pos/."""

from django.urls import path

from . import api, webhooks

app_name = "pos-api"
urlpatterns = [
    path("stock/", api.PushStockView.as_view(), name="push-stock"),
    path("webhooks/shopify/<str:key>/", webhooks.shopify_webhook, name="webhook-shopify"),
    path("webhooks/square/<str:key>/", webhooks.square_webhook, name="webhook-square"),
]
