"""Mounted before Oscar's URLs: the same addresses, answered by marketplace.customer.views."""

from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.LoginRegistrationView.as_view(), name="guarded-login"),
    path("accounts/register/", views.RegistrationView.as_view(), name="guarded-register"),
    # "My orders" links here: the marketplace's own order page, with the shops' parts.
    path("accounts/orders/<str:order_number>/", views.order_redirect, name="order-redirect"),
    path(
        "password-reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="guarded-password-reset",
    ),
]
