"""A dearer second chance paid through Stripe Checkout (the local fake Stripe) and its
webhooks: paid once, replays change nothing, an expired page reopens the choice."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from logistics.models import OrderPart, PartStatus
from logistics.part_states import refuse_line, reject_part
from marketplace.payments.models import (
    EventStatus,
    Payment,
    Refund,
    RefundPiece,
    Transfer,
    TransferStatus,
    WebhookEvent,
)
from marketplace.payments.refund_pieces import ChargesExhausted
from marketplace.payments.services import request_refund
from marketplace.reroute import services
from marketplace.reroute.models import ChanceStatus, SecondChance, TopUp, TopUpStatus
from tests.conftest import client_for
from tests.factories import make_offer
from tests.payments.conftest import (  # noqa: F401 (fixtures used by name)
    connected_shop,
    default_plan,
    event,
    fake_stripe,
    intent_succeeded,
    post_event,
    stripe_on,
    unpaid_order,
)
from tests.payments.test_transfers import hand_over_part

from .helpers import also_sold_by, two_line_order

pytestmark = pytest.mark.django_db(transaction=True)


def session_of(top_up: TopUp, *, status: str = "paid", session_id: str = "cs_top_up") -> dict:
    return {
        "id": session_id,
        "object": "checkout.session",
        "payment_status": status,
        "status": "complete" if status == "paid" else "expired",
        "payment_intent": "pi_top_up_1" if status == "paid" else None,
        "metadata": {"top_up": str(top_up.pk)},
    }


def dearer_move_with_stripe():
    """The consumer moves a refused 10.00 book to a shop asking 12.35, and is sent on."""
    order, part, line, elsewhere = two_line_order(other_price="12.35")
    refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")
    chance = SecondChance.objects.get(line=line)
    browser = client_for(order.user)
    moved = browser.post(
        reverse("reroute:move", args=[order.number, chance.pk]), {"offer": elsewhere.pk}
    )
    top_up = TopUp.objects.get()
    assert moved.url == reverse("reroute:pay-top-up", args=[order.number, top_up.pk])
    sent_on = browser.get(moved.url)
    return order, chance, top_up, browser, sent_on


def test_a_dearer_move_is_paid_on_stripe_checkout_once(stripe_on):  # noqa: F811
    order, chance, top_up, browser, sent_on = dearer_move_with_stripe()

    [call] = stripe_on.calls("/v1/checkout/sessions")
    [session] = stripe_on.created("cs_")
    assert sent_on.status_code == 302
    assert sent_on["Location"] == session["url"]
    assert call.idempotency_key == f"checkout-top-up-{top_up.pk}"
    assert call.form["line_items[0][price_data][unit_amount]"] == "235"
    assert call.form["metadata[top_up]"] == str(top_up.pk)
    assert call.form["payment_intent_data[metadata][top_up]"] == str(top_up.pk)
    assert (top_up.amount, top_up.gateway) == (Decimal("2.35"), "stripe")
    assert OrderPart.objects.get(pk=top_up.part_id).status == PartStatus.PENDING_PAYMENT

    # A second visit (back button) gets the same session, not a second charge.
    again = browser.get(reverse("reroute:pay-top-up", args=[order.number, top_up.pk]))
    assert again["Location"] == session["url"]
    assert len(stripe_on.created("cs_")) == 1

    paid = event("checkout.session.completed", session_of(top_up), event_id="evt_top_up_paid")
    webhook = client_for()
    assert post_event(webhook, paid).status_code == 200
    top_up.refresh_from_db()
    assert (top_up.status, top_up.reference) == (TopUpStatus.PAID, "pi_top_up_1")
    assert OrderPart.objects.get(pk=top_up.part_id).status == PartStatus.PLACED
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED
    assert WebhookEvent.objects.get(event_id="evt_top_up_paid").status == EventStatus.APPLIED

    # The same event again, and another event of the same payment: nothing changes.
    paid_at = top_up.paid_at
    assert post_event(webhook, paid).status_code == 200
    assert post_event(webhook, event("checkout.session.completed", session_of(top_up)))
    top_up.refresh_from_db()
    assert (top_up.status, top_up.paid_at) == (TopUpStatus.PAID, paid_at)
    assert OrderPart.objects.filter(order=order, shop=top_up.part.shop).count() == 1
    # The intent's own event names the top-up, not an order: applied, nothing to do.
    intent = {"id": "pi_top_up_1", "object": "payment_intent", "metadata": {"top_up": "1"}}
    post_event(webhook, event("payment_intent.succeeded", intent, event_id="evt_top_up_pi"))
    assert WebhookEvent.objects.get(event_id="evt_top_up_pi").status == EventStatus.APPLIED


def test_an_expired_checkout_cancels_the_difference_and_reopens_the_choice(stripe_on):  # noqa: F811
    order, chance, top_up, browser, sent_on = dearer_move_with_stripe()
    new_stock = top_up.part.lines().get().stockrecord

    expired = event("checkout.session.expired", session_of(top_up, status="unpaid"))
    assert post_event(client_for(), expired).status_code == 200

    top_up.refresh_from_db()
    new_stock.refresh_from_db()
    assert top_up.status == TopUpStatus.CANCELLED
    assert OrderPart.objects.get(pk=top_up.part_id).status == PartStatus.CANCELLED
    assert new_stock.num_allocated == 0
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.OPEN
    # Paid after all (a late webhook): the part stays cancelled and the money goes back, once.
    late = event("checkout.session.completed", session_of(top_up), event_id="evt_late")
    assert post_event(client_for(), late).status_code == 200
    assert post_event(client_for(), late).status_code == 200
    again = event("checkout.session.completed", session_of(top_up), event_id="evt_late_2")
    assert post_event(client_for(), again).status_code == 200
    top_up.refresh_from_db()
    assert top_up.status == TopUpStatus.REFUNDED
    assert OrderPart.objects.get(pk=top_up.part_id).status == PartStatus.CANCELLED
    [refund] = stripe_on.calls("/v1/refunds")
    assert (refund.form["payment_intent"], refund.form["amount"]) == ("pi_top_up_1", "235")
    assert refund.idempotency_key == f"late-top-up-{top_up.pk}"
    assert top_up.refund_reference == stripe_on.created("re_")[0]["id"]
    # Back on the order page the choice is open; the pay page says the difference is gone.
    gone = browser.get(reverse("reroute:pay-top-up", args=[order.number, top_up.pk]))
    assert gone.url == f"{reverse('ordering:order', args=[order.number])}#refused-{chance.line_id}"


def test_a_top_up_webhook_with_a_bad_id_is_kept_for_a_person(stripe_on):  # noqa: F811
    bad = {
        "id": "cs_bad",
        "object": "checkout.session",
        "payment_status": "paid",
        "metadata": {"top_up": "12; drop"},
    }
    post_event(client_for(), event("checkout.session.completed", bad, event_id="evt_bad"))
    record = WebhookEvent.objects.get(event_id="evt_bad")
    assert record.status == EventStatus.WAITING
    assert "not an id" in record.error


def test_the_new_parts_transfer_is_drawn_from_the_balance_when_past_the_orders_charge(
    stripe_on,  # noqa: F811
):
    """Order charge 12.50 (book 10.00 + pen 2.50); the book moves to a shop asking 12.35 and
    the top-up of 2.35 is a second charge. The transfers together pass 12.50, so the new
    part's transfer cannot be drawn from the order's charge (Stripe would refuse it)."""
    default_plan()
    shop, other = connected_shop(), connected_shop()
    book = make_offer(shop, price="10.00", title="Book")
    pen = make_offer(shop, price="2.50", title="Pen")
    elsewhere = also_sold_by(other, book, price="12.35")
    order = unpaid_order((book, 1), (pen, 1))
    webhook = client_for()
    post_event(webhook, event("payment_intent.succeeded", intent_succeeded(order)))
    part = OrderPart.objects.get(order=order, shop=shop)
    line = order.lines.get(stockrecord=book)
    refuse_line(part_id=part.pk, shop_id=shop.pk, line_id=line.pk, reason="gone")
    chance = SecondChance.objects.get(line=line)
    top_up = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk).top_up
    post_event(webhook, event("checkout.session.completed", session_of(top_up)))

    hand_over_part(OrderPart.objects.get(pk=part.pk))
    hand_over_part(OrderPart.objects.get(pk=top_up.part_id))

    first, second = stripe_on.calls("/v1/transfers")
    sent = {t.payout.part_id: t for t in Transfer.objects.select_related("payout")}
    assert first.form["source_transaction"] == "ch_test_1"
    assert first.form["amount"] == str(int(sent[part.pk].amount * 100))
    assert "source_transaction" not in second.form
    assert second.form["amount"] == str(int(sent[top_up.part_id].amount * 100))
    assert sent[part.pk].amount + sent[top_up.part_id].amount > order.payment.amount
    assert {t.status for t in sent.values()} == {TransferStatus.SENT}


def test_refunding_the_whole_order_draws_on_the_top_up_once_the_payment_is_used_up(stripe_on):  # noqa: F811
    order, chance, top_up, browser, sent_on = dearer_move_with_stripe()
    Payment.objects.filter(order=order).update(reference="pi_order_1")
    paid = event("checkout.session.completed", session_of(top_up), event_id="evt_top_up_paid")
    assert post_event(client_for(), paid).status_code == 200
    new_part = OrderPart.objects.get(pk=top_up.part_id)
    old_part = OrderPart.objects.get(order=order, pk__lt=new_part.pk)

    # The new shop rejects its 12.35 part: the order's own charge (12.50) holds it.
    reject_part(part_id=new_part.pk, shop_id=new_part.shop_id, reason="broken")
    # The first shop rejects the pen (2.50): 0.15 is left on the order's charge, the other
    # 2.35 comes off the top-up's charge.
    reject_part(part_id=old_part.pk, shop_id=old_part.shop_id, reason="closed")

    calls = [
        (call.form["payment_intent"], call.form["amount"], call.idempotency_key)
        for call in stripe_on.calls("/v1/refunds")
    ]
    first, second = Refund.objects.order_by("pk")
    assert calls == [
        ("pi_order_1", "1235", first.idempotency_key),
        ("pi_order_1", "15", second.idempotency_key),
        ("pi_top_up_1", "235", f"{second.idempotency_key}~1"),
    ]
    assert (first.amount, second.amount) == (Decimal("12.35"), Decimal("2.50"))
    assert [(p.charge_reference, p.amount) for p in second.pieces.order_by("pk")] == [
        ("pi_order_1", Decimal("0.15")),
        ("pi_top_up_1", Decimal("2.35")),
    ]
    # Stripe confirms each piece; the refund is final when both are.
    top_up_refund = stripe_on.created("re_")[-1]
    charge = {"id": "ch_top_up", "object": "charge", "payment_intent": "pi_top_up_1"}
    charge["refunds"] = {"data": [top_up_refund]}
    assert post_event(client_for(), event("charge.refunded", charge)).status_code == 200
    assert Refund.objects.get(pk=second.pk).confirmed_at is None
    order_refund = stripe_on.created("re_")[-2]
    charge = {"id": "ch_order", "object": "charge", "payment_intent": "pi_order_1"}
    charge["refunds"] = {"data": [order_refund]}
    assert post_event(client_for(), event("charge.refunded", charge)).status_code == 200
    assert Refund.objects.get(pk=second.pk).confirmed_at is not None


def test_a_refund_larger_than_all_charges_is_refused_and_records_nothing(stripe_on):  # noqa: F811
    order, chance, top_up, browser, sent_on = dearer_move_with_stripe()
    paid = event("checkout.session.completed", session_of(top_up), event_id="evt_top_up_paid")
    assert post_event(client_for(), paid).status_code == 200
    payment = Payment.objects.get(order=order)
    with pytest.raises(ChargesExhausted), transaction.atomic():
        request_refund(payment=payment, amount=Decimal("14.86"), key="too-much")
    assert not Refund.objects.filter(idempotency_key="too-much").exists()
    assert not RefundPiece.objects.exists()
