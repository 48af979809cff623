"""Payments (namespace `payments`) and money pages (namespace `money`), from one include."""

from django.urls import include, path

urlpatterns = [
    path("", include(("marketplace.payments.payment_urls", "payments"))),
    path("", include(("marketplace.commission.urls", "money"))),
]
