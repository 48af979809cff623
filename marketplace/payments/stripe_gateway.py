"""Stripe Connect, separate charges and transfers: the only module that talks to Stripe.

The consumer pays the whole order once on a Stripe Checkout page (card data never touches
our server), with the order number as transfer group. Each shop is an Express connected
account; its share of a part is transferred after the goods leave the shop. Every call that
moves money carries an idempotency key derived from our own rows, so a retry after a
timeout or a 500 is answered with the first result instead of moving money twice.

Callers hold no row lock (see gateway.py); failures become GatewayUnavailable.
"""

import json
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse

from marketplace.money import cents, check_money

from .fees import offered_methods
from .gateway import GatewayUnavailable, PaymentDetails

logger = logging.getLogger(__name__)


class BadSignature(Exception):
    pass


class MalformedEvent(Exception):
    """Signed by Stripe's secret, but not an event we can read: `payload` is what came."""

    def __init__(self, reason: str, payload):
        super().__init__(reason)
        self.reason = reason
        self.payload = payload


def client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def in_cents(amount: Decimal) -> int:
    return cents(check_money(amount, name="amount"))


def calling(what: str, call):
    """Runs one Stripe call; any failure becomes GatewayUnavailable, logged with its key."""
    try:
        return call()
    except stripe.StripeError as error:
        logger.warning("Stripe %s failed: %s", what, error)
        raise GatewayUnavailable(f"Stripe {what} failed: {error}") from error


def checkout_params(payment) -> dict:
    order = payment.order
    tags = {"order_number": order.number, "payment_id": str(payment.pk)}
    order_page = absolute(reverse("ordering:order", kwargs={"number": order.number}))
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": payment.currency.lower(),
                    "unit_amount": in_cents(payment.amount),
                    # Not translated: a retry must send the very same parameters with its
                    # idempotency key, whatever language the consumer's retry comes in.
                    "product_data": {"name": f"{settings.OSCAR_SHOP_NAME} {order.number}"},
                },
            }
        ],
        # The town's methods (settings.PAYMENT_METHODS); iDEAL and Bancontact redirect to
        # the bank and may confirm later (checkout.session.async_payment_*).
        "payment_method_types": offered_methods(),
        "client_reference_id": order.number,
        "customer_email": order.email or order.user.email,
        "metadata": tags,
        "payment_intent_data": {"transfer_group": order.number, "metadata": tags},
        "success_url": order_page,
        "cancel_url": absolute(reverse("ordering:pay", kwargs={"number": order.number})),
    }


class StripeGateway:
    name = "stripe"

    def __init__(self):
        self.stripe = client()

    def start_payment(self, *, payment) -> str:
        """One Checkout Session per payment: a retry gets the same session back."""
        from .models import Payment

        session = calling(
            "checkout",
            lambda: self.stripe.v1.checkout.sessions.create(
                params=checkout_params(payment),
                options={"idempotency_key": f"checkout-payment-{payment.pk}"},
            ),
        )
        Payment.objects.filter(pk=payment.pk).update(
            session_id=session.id, checkout_url=session.url
        )
        return session.url

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
        """A Checkout Session for one amount; the webhook finds its owner by `metadata`
        (copied onto the payment intent too). A retry with the key gets the same session."""
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": in_cents(amount),
                        "product_data": {"name": description},
                    },
                }
            ],
            "payment_method_types": offered_methods(),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": absolute(success_url),
            "cancel_url": absolute(cancel_url),
        }
        session = calling(
            "checkout",
            lambda: self.stripe.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            ),
        )
        return session.id, session.url

    def refund(self, *, reference, amount, idempotency_key, metadata=None) -> str:
        params = {
            "payment_intent": reference,
            "amount": in_cents(amount),
            "metadata": {"idempotency_key": idempotency_key, **(metadata or {})},
        }
        refund = calling(
            "refund",
            lambda: self.stripe.v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            ),
        )
        return refund.id

    def payment_details(self, *, payment) -> PaymentDetails:
        """How the consumer paid and what Stripe kept, from the charge and its balance
        transaction (whose fee is None until Stripe has booked it)."""
        intent = calling(
            "payment intent",
            lambda: self.stripe.v1.payment_intents.retrieve(
                payment.reference, params={"expand": ["latest_charge.balance_transaction"]}
            ),
        )
        charge = intent.to_dict().get("latest_charge")
        if not charge or isinstance(charge, str):
            return PaymentDetails(method="", fee=None, charge_id=charge or "")
        details = charge.get("payment_method_details") or {}
        booked = charge.get("balance_transaction")
        fee = None
        if booked and not isinstance(booked, str) and booked.get("fee") is not None:
            fee = (Decimal(int(booked["fee"])) / 100).quantize(Decimal("0.01"))
        return PaymentDetails(method=details.get("type") or "", fee=fee, charge_id=charge["id"])

    def transfer(self, *, amount, destination, transfer_group, source_transaction, idempotency_key):
        params = {
            "amount": in_cents(amount),
            "currency": "eur",
            "destination": destination,
            "transfer_group": transfer_group,
            "metadata": {"idempotency_key": idempotency_key},
        }
        if source_transaction:
            # Tied to the order's charge, the transfer need not wait for the funds to settle.
            params["source_transaction"] = source_transaction
        transfer = calling(
            "transfer",
            lambda: self.stripe.v1.transfers.create(
                params=params, options={"idempotency_key": idempotency_key}
            ),
        )
        return transfer.id

    def reverse_transfer(self, *, transfer_reference, amount, idempotency_key) -> str:
        reversal = calling(
            "transfer reversal",
            lambda: self.stripe.v1.transfers.reversals.create(
                transfer_reference,
                params={
                    "amount": in_cents(amount),
                    "metadata": {"idempotency_key": idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            ),
        )
        return reversal.id

    def payout_onboarding_link(self, *, shop) -> str:
        # Stripe's links expire within minutes: this page of ours makes a fresh one.
        return reverse("payments:payout-onboarding", kwargs={"slug": shop.slug})

    def create_account(self, *, shop) -> str:
        """The shop's Express account; the key makes a second click reuse the first one."""
        params = {
            "type": "express",
            "country": "NL",
            "email": shop.email or None,
            "business_profile": {"name": shop.name},
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"shop_id": str(shop.pk)},
        }
        account = calling(
            "account",
            lambda: self.stripe.v1.accounts.create(
                params={key: value for key, value in params.items() if value is not None},
                options={"idempotency_key": f"account-shop-{shop.pk}"},
            ),
        )
        return account.id

    def account_link(self, *, account_id: str, refresh_url: str, return_url: str) -> str:
        params = {
            "account": account_id,
            "refresh_url": absolute(refresh_url),
            "return_url": absolute(return_url),
            "type": "account_onboarding",
        }
        link = calling("account link", lambda: self.stripe.v1.account_links.create(params=params))
        return link.url


def parse_webhook(*, body: bytes, signature: str) -> dict:
    """The event of a webhook request, after checking its signature on the raw body.

    Only the signature is checked by the library (it would build its event object from any
    JSON and fail on a list); the shape is ours to check: a signed body that is not an event
    raises MalformedEvent, to be kept as invalid and answered 400.
    """
    try:
        text = body.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise BadSignature(str(error)) from error
    try:
        event = json.loads(text)
    except ValueError as error:
        raise MalformedEvent("the body is not JSON", text[:2000]) from error
    problem = event_shape_problem(event)
    if problem:
        raise MalformedEvent(problem, event)
    return event


def event_shape_problem(event) -> str:
    """What makes `event` unusable as a Stripe event, or "" when it is one."""
    if not isinstance(event, dict):
        return f"the body is a JSON {type(event).__name__}, not an object"
    for name in ("id", "type"):
        value = event.get(name)
        if not isinstance(value, str) or not value or len(value) > 100:
            return f"{name} is not a text of 1 to 100 characters"
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "data.object is missing or not an object"
    return ""
