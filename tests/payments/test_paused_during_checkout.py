"""Issue 15: a shop paused or closed while its consumer is on Stripe's Checkout page. When the
payment is confirmed, that shop's part is refused: refunded, its stock released, the consumer
told; the other shop's part goes ahead (marketplace/ordering/closed_shops.py)."""

from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from marketplace.payments.models import Payment, PaymentStatus, Refund
from shops.models import ShopStatus
from tests.conftest import client_for

from .conftest import event, post_event, session_completed

StockRecord = get_model("partner", "StockRecord")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("status", [ShopStatus.PAUSED, ShopStatus.CLOSED])
def test_a_shop_paused_during_checkout_has_its_part_refunded_and_released(
    two_shop_order, fake_stripe, status
):
    order, books = two_shop_order["order"], two_shop_order["books"]
    books.status = status
    books.save(update_fields=["status"])  # management pauses the shop mid-payment
    mail.outbox.clear()

    response = post_event(
        client_for(), event("checkout.session.completed", session_completed(order))
    )

    assert response.status_code == 200
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    books_part = OrderPart.objects.get(pk=two_shop_order["books_part"].pk)
    cheese_part = OrderPart.objects.get(pk=two_shop_order["cheese_part"].pk)
    assert (books_part.status, cheese_part.status) == (
        PartStatus.REJECTED,
        PartStatus.PLACED,
    )
    assert "stopped taking orders" in books_part.reason or "geen bestellingen" in books_part.reason
    [refund] = Refund.objects.filter(payment__order=order)
    assert (refund.part_id, refund.amount) == (books_part.pk, Decimal("39.90"))
    [call] = fake_stripe.calls("/v1/refunds")
    assert (call.form["payment_intent"], call.form["amount"]) == ("pi_test_1", "3990")
    states = dict(
        Reservation.objects.filter(order_line__order=order).values_list(
            "order_line__partner_id", "state"
        )
    )
    assert states == {
        books.partner_id: ReservationState.RELEASED,
        two_shop_order["cheese"].partner_id: ReservationState.ACTIVE,
    }
    novel = StockRecord.objects.get(partner=books.partner)
    assert (novel.num_in_stock, novel.num_allocated or 0) == (5, 0)
    # The consumer reads it in an e-mail and on the order page.
    [rejected] = [m for m in mail.outbox if "terugbetaald" in m.subject]
    assert order.user.email in rejected.to and books_part.reason in rejected.body
    page = client_for(order.user).get(f"/orders/{order.number}/").content.decode()
    assert books_part.reason in page.replace("&#x27;", "'")


def test_a_replayed_confirmation_refunds_the_part_once(two_shop_order, fake_stripe):
    order, books = two_shop_order["order"], two_shop_order["books"]
    books.status = ShopStatus.PAUSED
    books.save(update_fields=["status"])
    paid = event("checkout.session.completed", session_completed(order))
    webhook = client_for()

    post_event(webhook, paid)
    post_event(webhook, event("checkout.session.completed", session_completed(order)))

    assert Refund.objects.filter(payment__order=order).count() == 1
    assert len(fake_stripe.calls("/v1/refunds")) == 1
