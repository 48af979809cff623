"""Stripe tests: the real stripe library, pointed at a local fake Stripe (fake_stripe.py);
webhooks signed with the library's own signature helper."""

import json
import time
import uuid
from decimal import Decimal

import pytest
import stripe

from logistics.models import OrderPart
from marketplace.commission.models import CommissionPlan
from marketplace.ordering.services import PartChoice, place_order
from marketplace.payments.models import PayoutAccount
from marketplace.payments.stripe_gateway import StripeGateway
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

from .fake_stripe import FakeStripeServer

WEBHOOK_SECRET = "whsec_test_stadsmarkt"
WEBHOOK_URL = "/payments/stripe/webhook/"


@pytest.fixture
def fake_stripe():
    with FakeStripeServer() as fake:
        yield fake


@pytest.fixture
def stripe_on(settings, fake_stripe):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_stadsmarkt"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.url
    # The library's own retries are off, so each test decides what is retried and when.
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 1.0
    return fake_stripe


def event(kind: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:20]}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": kind,
        "data": {"object": obj},
    }


def post_event(client, payload: dict, *, secret: str = WEBHOOK_SECRET):
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret)
    return client.post(
        WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def session_completed(order, *, session_id="cs_test_paid", intent="pi_test_1") -> dict:
    return {
        "id": session_id,
        "object": "checkout.session",
        "payment_status": "paid",
        "status": "complete",
        "payment_intent": intent,
        "metadata": {"order_number": order.number},
    }


def intent_succeeded(order, *, intent="pi_test_1", charge="ch_test_1") -> dict:
    return {
        "id": intent,
        "object": "payment_intent",
        "status": "succeeded",
        "amount": int(order.total_incl_tax * 100),
        "latest_charge": charge,
        "transfer_group": order.number,
        "metadata": {"order_number": order.number},
    }


def default_plan() -> CommissionPlan:
    return CommissionPlan.objects.create(
        name="Standaard", percentage=Decimal("5.00"), is_default=True
    )


def connected_shop(**kwargs):
    """A shop whose Stripe account can take transfers."""
    shop = ShopFactory(**kwargs)
    account_id = f"acct_{shop.slug.replace('-', '')}"
    shop.stripe_account_id = account_id
    shop.save(update_fields=["stripe_account_id"])
    PayoutAccount.objects.create(shop=shop, account_id=account_id, transfers_active=True)
    return shop


def unpaid_order(*offers_and_quantities, user=None):
    """An order placed for collection at every shop in it, awaiting payment."""
    user = user or UserFactory()
    partners = {record.partner_id for record, _ in offers_and_quantities}
    return place_order(
        basket=make_basket(user, *offers_and_quantities),
        user=user,
        choices={partner: PartChoice(method="collect") for partner in partners},
        address=None,
    )


@pytest.fixture
def two_shop_order(stripe_on):
    """Books (2 × 19.95) and cheese (12.50), both connected, under the 5% default plan."""
    default_plan()
    books, cheese = connected_shop(kind="books"), connected_shop(kind="cheese")
    novel = make_offer(books, price="19.95", on_hand=5)
    gouda = make_offer(cheese, price="12.50", on_hand=5)
    order = unpaid_order((novel, 2), (gouda, 1))
    StripeGateway().start_payment(payment=order.payment)
    return {
        "order": order,
        "books": books,
        "cheese": cheese,
        "books_part": OrderPart.objects.get(order=order, shop=books),
        "cheese_part": OrderPart.objects.get(order=order, shop=cheese),
    }
