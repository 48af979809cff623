"""The payment gateway interface. Stripe lives in its own module; the offline gateway serves
the demo and the tests that are not about Stripe.

Precondition for every method: no database transaction holding row locks is open, since
each may make a network call.
"""

from typing import Protocol

from django.conf import settings
from django.urls import reverse


class PaymentGateway(Protocol):
    name: str

    def start_payment(self, *, payment) -> str:
        """Returns the URL where the consumer pays (a hosted payment page)."""

    def refund(self, *, payment, amount, idempotency_key: str) -> str:
        """Refunds `amount` of `payment`; returns the gateway's reference. Idempotent by key."""

    def payout_onboarding_link(self, *, shop) -> str:
        """Returns the URL where the shop's owner sets up payouts (bank account, identity).

        Stripe's account links expire within minutes, so a Stripe gateway should return a
        URL of our own site that creates a fresh link when the owner opens it.
        """


class OfflineGateway:
    """Pretends to be a hosted payment page on our own site: nothing leaves the machine."""

    name = "offline"

    def start_payment(self, *, payment) -> str:
        return reverse("ordering:test-payment", kwargs={"number": payment.order.number})

    def refund(self, *, payment, amount, idempotency_key: str) -> str:
        return f"offline-refund-{idempotency_key}"

    def payout_onboarding_link(self, *, shop) -> str:
        return reverse("shops:payout-offline", kwargs={"slug": shop.slug})


GATEWAYS = {"offline": OfflineGateway}


def get_gateway() -> PaymentGateway:
    return GATEWAYS[settings.PAYMENT_GATEWAY]()
