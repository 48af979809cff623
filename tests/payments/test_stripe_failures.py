"""Stripe answering 500 or not answering in time when the payment starts: the order keeps
waiting for its payment, its reservation expires on time, and paying again never makes a
second Checkout Session (the same idempotency key)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from marketplace.ordering.services import expire_unpaid_orders
from marketplace.payments.models import Payment, PaymentStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db(transaction=True)
SESSIONS = "/v1/checkout/sessions"


def checkout(stripe_on, break_stripe):
    shop = ShopFactory()
    record = make_offer(shop, price="10.00", on_hand=3)
    consumer = UserFactory()
    browser = client_for(consumer)
    browser.post(f"/basket/add-offer/{record.pk}/", {"quantity": "1"})
    break_stripe(SESSIONS)
    response = browser.post("/checkout/", {f"method_{shop.partner_id}": "collect"})
    return browser, Order.objects.get(user=consumer), response


@pytest.mark.parametrize("fault", ["fail_next", "hang_next"])
def test_a_failed_payment_start_keeps_the_order_and_a_retry_charges_once(stripe_on, fault):
    browser, order, response = checkout(stripe_on, getattr(stripe_on, fault))

    assert response.status_code == 302
    assert response["Location"] == f"/payments/orders/{order.number}/pay/"
    page = browser.get(response["Location"])
    assert "The payment service does not answer right now" in page.content.decode()
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.PENDING
    assert OrderPart.objects.get(order=order).status == PartStatus.PENDING_PAYMENT
    assert Reservation.objects.get(order_line__order=order).state == ReservationState.ACTIVE

    again = browser.post(f"/payments/orders/{order.number}/pay/")

    first, second = stripe_on.calls(SESSIONS)
    assert first.idempotency_key == second.idempotency_key == f"checkout-payment-{payment.pk}"
    assert first.form == second.form
    [session] = stripe_on.created("cs_")
    assert again["Location"] == session["url"]
    # A hung call was carried out by Stripe: the retry gets that session back.
    assert second.replayed is (fault == "hang_next")


def test_an_unpaid_order_expires_after_stripe_failed(stripe_on):
    browser, order, _ = checkout(stripe_on, stripe_on.fail_next)

    assert expire_unpaid_orders(now=timezone.now() + timedelta(hours=2)) == 1

    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED
    assert Reservation.objects.get(order_line__order=order).state == ReservationState.EXPIRED
    page = browser.post(f"/payments/orders/{order.number}/pay/", follow=True)
    assert "no longer awaiting payment" in page.content.decode()
    assert len(stripe_on.calls(SESSIONS)) == 1, "an expired order is not sent to Stripe again"
