from django.urls import path

from . import views

urlpatterns = [
    path("payments/stripe/webhook/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
    path(
        "payments/payouts/<slug:slug>/",
        views.PayoutOnboardingView.as_view(),
        name="payout-onboarding",
    ),
]
