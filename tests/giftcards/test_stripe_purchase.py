"""A gift card bought online through Stripe Checkout (the local fake Stripe): paid by its
webhook once, e-mailed once; a replay changes nothing; an expired page cancels it."""

from decimal import Decimal

import pytest
from django.core import mail

from marketplace.giftcards.models import CardStatus, Entry, Purchase, PurchaseStatus
from marketplace.payments.models import EventStatus, WebhookEvent
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.payments.conftest import (  # noqa: F401 (fixtures used by name)
    event,
    fake_stripe,
    post_event,
    stripe_on,
)

from .conftest import scheme_with

pytestmark = pytest.mark.django_db(transaction=True)


def session_of(purchase: Purchase, *, status: str = "paid") -> dict:
    return {
        "id": "cs_gift_card",
        "object": "checkout.session",
        "payment_status": status,
        "status": "complete" if status == "paid" else "expired",
        "payment_intent": "pi_gift_card_1" if status == "paid" else None,
        "metadata": {"gift_card_purchase": str(purchase.pk)},
    }


def start_buying(fake):
    scheme_with()
    browser = client_for(UserFactory())
    response = browser.post(
        "/giftcard/", {"amount": "25.00", "email": "ontvanger@example.test", "message": "Hoi"}
    )
    purchase = Purchase.objects.select_related("card").get()
    return browser, response, purchase


def test_a_card_bought_on_stripe_checkout_is_activated_and_mailed_once(stripe_on):  # noqa: F811
    browser, response, purchase = start_buying(stripe_on)

    [call] = stripe_on.calls("/v1/checkout/sessions")
    [session] = stripe_on.created("cs_")
    assert response.status_code == 302
    assert response["Location"] == session["url"]
    assert call.idempotency_key == f"checkout-gift-card-{purchase.pk}"
    assert call.form["line_items[0][price_data][unit_amount]"] == "2500"
    assert call.form["metadata[gift_card_purchase]"] == str(purchase.pk)
    assert call.form["success_url"].endswith(f"/giftcard/bought/{purchase.token}/")
    assert (purchase.status, purchase.gateway) == (PurchaseStatus.PENDING, "stripe")
    assert purchase.card.status == CardStatus.PENDING
    # Back from Checkout before the webhook: the card is not shown yet.
    assert (
        purchase.card.code
        not in browser.get(f"/giftcard/bought/{purchase.token}/").content.decode()
    )

    paid = event("checkout.session.completed", session_of(purchase), event_id="evt_gift_paid")
    webhook = client_for()
    assert post_event(webhook, paid).status_code == 200
    purchase.refresh_from_db()
    purchase.card.refresh_from_db()
    assert (purchase.status, purchase.reference) == (PurchaseStatus.PAID, "pi_gift_card_1")
    assert (purchase.card.status, purchase.card.balance) == (CardStatus.ACTIVE, Decimal("25.00"))
    assert WebhookEvent.objects.get(event_id="evt_gift_paid").status == EventStatus.APPLIED
    assert [message.to for message in mail.outbox] == [["ontvanger@example.test"]]

    # The same event again and a second event of the same payment: nothing changes.
    assert post_event(webhook, paid).status_code == 200
    post_event(webhook, event("checkout.session.completed", session_of(purchase)))
    purchase.card.refresh_from_db()
    assert purchase.card.balance == Decimal("25.00")
    assert Entry.objects.filter(idempotency_key=f"sale-purchase-{purchase.pk}").count() == 1
    assert len(mail.outbox) == 1


def test_an_expired_checkout_cancels_the_purchase(stripe_on):  # noqa: F811
    _browser, _response, purchase = start_buying(stripe_on)
    expired = event("checkout.session.expired", session_of(purchase, status="unpaid"))
    assert post_event(client_for(), expired).status_code == 200
    purchase.refresh_from_db()
    purchase.card.refresh_from_db()
    assert purchase.status == PurchaseStatus.CANCELLED
    assert purchase.card.status == CardStatus.CANCELLED
    assert mail.outbox == []


def test_when_stripe_is_down_the_buyer_is_told_and_no_card_waits(stripe_on):  # noqa: F811
    stripe_on.fail_next("/v1/checkout/sessions")
    _browser, response, purchase = start_buying(stripe_on)
    assert response.status_code == 200
    assert "could not be opened" in response.content.decode()
    assert purchase.status == PurchaseStatus.CANCELLED
