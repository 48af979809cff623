"""A whole order paid through Stripe Checkout and its webhooks: replays, bad signatures and
events out of order."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from marketplace.payments.models import EventStatus, Payment, PaymentStatus, WebhookEvent
from marketplace.payments.webhooks import retry_waiting_events
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

from .conftest import (
    WEBHOOK_URL,
    default_plan,
    event,
    intent_succeeded,
    post_event,
    session_completed,
    unpaid_order,
)

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_whole_order_is_paid_through_checkout_and_the_webhook(stripe_on):
    default_plan()
    books, cheese = ShopFactory(), ShopFactory()
    novel = make_offer(books, price="19.95", on_hand=4)
    gouda = make_offer(cheese, price="12.50", on_hand=4)
    consumer = UserFactory()
    browser = client_for(consumer)
    browser.post(f"/basket/add-offer/{novel.pk}/", {"quantity": "2"})
    browser.post(f"/basket/add-offer/{gouda.pk}/", {"quantity": "1"})

    response = browser.post(
        "/checkout/",
        {f"method_{books.partner_id}": "collect", f"method_{cheese.partner_id}": "collect"},
    )

    order = Order.objects.get(user=consumer)
    payment = Payment.objects.get(order=order)
    [call] = stripe_on.calls("/v1/checkout/sessions")
    assert response.status_code == 302
    assert response["Location"] == f"https://checkout.stripe.test/c/pay/{payment.session_id}"
    assert call.idempotency_key == f"checkout-payment-{payment.pk}"
    assert call.form["mode"] == "payment"
    assert call.form["line_items[0][price_data][unit_amount]"] == "5240"
    assert call.form["line_items[0][price_data][currency]"] == "eur"
    assert call.form["payment_intent_data[transfer_group]"] == order.number
    assert call.form["payment_intent_data[metadata][order_number]"] == order.number
    assert call.form["metadata[order_number]"] == order.number
    assert payment.status == PaymentStatus.PENDING

    webhook = client_for()
    assert (
        post_event(
            webhook, event("checkout.session.completed", session_completed(order))
        ).status_code
        == 200
    )
    assert (
        post_event(webhook, event("payment_intent.succeeded", intent_succeeded(order))).status_code
        == 200
    )

    payment.refresh_from_db()
    assert (payment.status, payment.reference, payment.charge_id) == (
        PaymentStatus.SUCCEEDED,
        "pi_test_1",
        "ch_test_1",
    )
    assert Order.objects.get(pk=order.pk).status == "Paid"
    assert set(OrderPart.objects.filter(order=order).values_list("status", flat=True)) == {
        PartStatus.PLACED
    }
    reservations = Reservation.objects.filter(order_line__order=order)
    # Paid: held until the goods leave the shop, no longer expiring.
    assert set(reservations.values_list("state", "expires_at")) == {(ReservationState.ACTIVE, None)}
    assert list(WebhookEvent.objects.values_list("type", "status")) == [
        ("checkout.session.completed", EventStatus.APPLIED),
        ("payment_intent.succeeded", EventStatus.APPLIED),
    ]
    assert len([m for m in mail.outbox if order.number in m.subject]) == 1


def test_a_replayed_webhook_changes_nothing(stripe_on):
    shop = ShopFactory()
    order = unpaid_order((make_offer(shop, price="10.00"), 1))
    paid = event("checkout.session.completed", session_completed(order))
    webhook = client_for()
    assert post_event(webhook, paid).status_code == 200
    payment = Payment.objects.get(order=order)
    mails = len(mail.outbox)

    replay = post_event(webhook, paid)

    assert replay.status_code == 200
    assert WebhookEvent.objects.get().attempts == 1
    assert Payment.objects.get(order=order).updated_at == payment.updated_at
    assert len(mail.outbox) == mails


@pytest.mark.parametrize("secret", ["whsec_someone_else", ""])
def test_a_bad_signature_is_refused_logged_and_stores_nothing(stripe_on, caplog, secret):
    shop = ShopFactory()
    order = unpaid_order((make_offer(shop, price="10.00"), 1))
    paid = event("checkout.session.completed", session_completed(order))
    webhook = client_for()
    with caplog.at_level(logging.WARNING, logger="marketplace.payments.views"):
        if secret:
            response = post_event(webhook, paid, secret=secret)
        else:  # no signature header at all
            response = webhook.post(WEBHOOK_URL, data="{}", content_type="application/json")

    assert response.status_code == 400
    assert "bad signature" in caplog.text
    assert WebhookEvent.objects.count() == 0
    assert Payment.objects.get(order=order).status == PaymentStatus.PENDING
    assert Order.objects.get(pk=order.pk).status != "Paid"


def test_a_payment_event_before_its_order_waits_and_is_applied_later(stripe_on):
    shop = ShopFactory()
    record = make_offer(shop, price="10.00")
    consumer = UserFactory()
    basket = make_basket(consumer, (record, 1))
    number = str(100000 + basket.pk)  # the number the order will get
    early = event(
        "payment_intent.succeeded",
        {
            "id": "pi_early",
            "object": "payment_intent",
            "latest_charge": "ch_early",
            "metadata": {"order_number": number},
        },
    )
    assert post_event(client_for(), early).status_code == 200
    waiting = WebhookEvent.objects.get()
    assert (waiting.status, waiting.attempts) == (EventStatus.WAITING, 1)
    assert "no order" in waiting.error

    # Not due yet: the back-off holds it.
    assert retry_waiting_events(now=timezone.now()) == 0
    from marketplace.ordering.services import PartChoice, place_order

    order = place_order(
        basket=basket,
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    assert order.number == number
    assert retry_waiting_events(now=timezone.now() + timedelta(minutes=2)) == 1

    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (EventStatus.APPLIED, 2)
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.reference, payment.charge_id) == (
        PaymentStatus.SUCCEEDED,
        "pi_early",
        "ch_early",
    )


def test_waiting_events_back_off_and_are_kept_after_the_last_attempt(stripe_on):
    from marketplace.payments import webhooks

    orphan = event(
        "payment_intent.succeeded",
        {"id": "pi_orphan", "object": "payment_intent", "metadata": {"order_number": "999"}},
    )
    post_event(client_for(), orphan)
    record = WebhookEvent.objects.get()
    first_wait = record.next_attempt_at - record.received_at
    later = timezone.now() + timedelta(minutes=2)
    retry_waiting_events(now=later)
    record.refresh_from_db()
    assert record.attempts == 2
    assert record.next_attempt_at - later == timedelta(minutes=2)
    assert timedelta(seconds=55) < first_wait < timedelta(seconds=65)

    WebhookEvent.objects.filter(pk=record.pk).update(attempts=webhooks.MAX_ATTEMPTS - 1)
    retry_waiting_events(now=timezone.now() + timedelta(days=1))
    record.refresh_from_db()
    assert (record.status, record.next_attempt_at) == (EventStatus.FAILED, None)
    assert record.payload["data"]["object"]["id"] == "pi_orphan"


def test_a_declined_card_keeps_the_order_awaiting_payment(stripe_on):
    shop = ShopFactory()
    order = unpaid_order((make_offer(shop, price="10.00"), 1))
    declined = {
        "id": "pi_declined",
        "object": "payment_intent",
        "metadata": {"order_number": order.number},
        "last_payment_error": {"message": "Your card was declined."},
    }
    assert (
        post_event(client_for(), event("payment_intent.payment_failed", declined)).status_code
        == 200
    )
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.last_error) == (
        PaymentStatus.PENDING,
        "Your card was declined.",
    )
    assert Decimal(payment.amount) == Decimal("10.00")


def test_an_expired_checkout_gives_the_stock_back(stripe_on):
    shop = ShopFactory()
    order = unpaid_order((make_offer(shop, price="10.00"), 1))
    expired = session_completed(order) | {"status": "expired", "payment_status": "unpaid"}
    post_event(client_for(), event("checkout.session.expired", expired))
    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED
    assert set(
        Reservation.objects.filter(order_line__order=order).values_list("state", flat=True)
    ) == {ReservationState.EXPIRED}
