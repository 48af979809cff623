"""The payment gateway interface. Stripe lives in its own module; the offline gateway serves
the demo and the tests that are not about Stripe.

Precondition for every method: no database transaction holding row locks is open, since
each may make a network call.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.urls import reverse


class GatewayUnavailable(Exception):
    """The gateway did not answer or failed; nothing was decided and the call may be retried
    with the same idempotency key."""


@dataclass(frozen=True)
class PaymentDetails:
    """What the gateway says of a paid payment: its method, and the fee it kept (None while
    the gateway has not booked it yet)."""

    method: str
    fee: Decimal | None
    charge_id: str = ""


@runtime_checkable
class KnowsPaymentDetails(Protocol):
    """A gateway that can tell how a payment was made and what it really cost."""

    def payment_details(self, *, payment) -> PaymentDetails: ...


@runtime_checkable
class ConnectedAccounts(Protocol):
    """A gateway that pays shops into accounts of their own (Stripe Connect)."""

    def create_account(self, *, shop) -> str: ...

    def account_link(self, *, account_id: str, refresh_url: str, return_url: str) -> str: ...


class PaymentGateway(Protocol):
    name: str

    def start_payment(self, *, payment) -> str:
        """Returns the URL where the consumer pays (a hosted payment page)."""

    def start_checkout(
        self,
        *,
        amount: Decimal,
        description: str,
        metadata: dict[str, str],
        success_url: str,
        cancel_url: str,
        offline_url: str,
        idempotency_key: str,
    ) -> tuple[str, str]:
        """A hosted payment page for a payment that is not an order's (a top-up, a gift
        card): returns (session id, URL). Its outcome comes back as a webhook carrying
        `metadata`; the offline gateway has no session and sends the consumer to
        `offline_url`, a page of our own that stands in for it. Idempotent by key."""

    def refund(
        self,
        *,
        reference: str,
        amount: Decimal,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> str:
        """Refunds `amount` of the charge `reference` (a payment intent: an order's payment,
        a top-up, a gift card purchase); returns the gateway's refund reference. Idempotent
        by key."""

    def payout_onboarding_link(self, *, shop) -> str:
        """Returns the URL where the shop's owner sets up payouts (bank account, identity).

        Stripe's account links expire within minutes, so a Stripe gateway should return a
        URL of our own site that creates a fresh link when the owner opens it.
        """

    def transfer(
        self,
        *,
        amount: Decimal,
        destination: str,
        transfer_group: str,
        source_transaction: str,
        idempotency_key: str,
    ) -> str:
        """Sends `amount` to a shop's connected account; returns the reference. Idempotent."""

    def reverse_transfer(
        self, *, transfer_reference: str, amount: Decimal, idempotency_key: str
    ) -> str:
        """Takes `amount` of a transfer back from the shop; returns the reference. Idempotent."""


class OfflineGateway:
    """Pretends to be a hosted payment page on our own site: nothing leaves the machine."""

    name = "offline"

    def start_payment(self, *, payment) -> str:
        return reverse("ordering:test-payment", kwargs={"number": payment.order.number})

    def start_checkout(
        self,
        *,
        amount,
        description,
        metadata,
        success_url,
        cancel_url,
        offline_url,
        idempotency_key,
    ) -> tuple[str, str]:
        return "", offline_url

    def refund(self, *, reference, amount, idempotency_key, metadata=None) -> str:
        return f"offline-refund-{idempotency_key}"

    def payout_onboarding_link(self, *, shop) -> str:
        return reverse("shops:payout-offline", kwargs={"slug": shop.slug})

    def transfer(self, *, amount, destination, transfer_group, source_transaction, idempotency_key):
        return f"offline-{idempotency_key}"

    def reverse_transfer(self, *, transfer_reference, amount, idempotency_key) -> str:
        return f"offline-{idempotency_key}"


def stripe_gateway() -> PaymentGateway:
    # Imported here so that only a Stripe set-up loads the stripe library.
    from .stripe_gateway import StripeGateway

    return StripeGateway()


GATEWAYS = {"offline": OfflineGateway, "stripe": stripe_gateway}


def get_gateway() -> PaymentGateway:
    if settings.PAYMENT_GATEWAY not in GATEWAYS:
        raise ValueError(
            f"PAYMENT_GATEWAY must be one of {sorted(GATEWAYS)}, not {settings.PAYMENT_GATEWAY!r}"
        )
    return GATEWAYS[settings.PAYMENT_GATEWAY]()
