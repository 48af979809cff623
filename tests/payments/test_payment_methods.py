"""iDEAL, Bancontact and cards through Stripe Checkout, against the local fake Stripe: the
methods offered, each method's happy path with the real fee read from the charge's balance
transaction, a bank payment that waits and then succeeds or fails, and a partial refund of an
iDEAL order that reverses the right share of its fee.

The two-shop order (conftest.two_shop_order, 5% plan): books 2 × 19.95 = 39.90 (commission
2.00, VAT 0.42) and cheese 12.50 (commission 0.63, VAT 0.13), charged 52.40 in all.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from marketplace.commission.models import PartPayout
from marketplace.commission.part_transfers import refund_part_payment
from marketplace.ordering.services import expire_unpaid_orders
from marketplace.payments.models import Payment, PaymentStatus, Refund, TransferReversal
from marketplace.payments.stripe_gateway import StripeGateway
from tests.conftest import client_for

from .conftest import event, post_event, session_completed
from .test_transfers import hand_over_part

pytestmark = pytest.mark.django_db(transaction=True)
CHARGED = 5240  # cents


def completed(order, *, intent: str, paid: bool = True) -> dict:
    session = session_completed(order, intent=intent)
    session["payment_status"] = "paid" if paid else "unpaid"
    return session


def send(kind: str, obj: dict):
    response = post_event(client_for(), event(kind, obj))
    assert response.status_code == 200
    return response


def payment_of(order) -> Payment:
    return Payment.objects.get(order=order)


def test_checkout_offers_the_towns_methods(two_shop_order, fake_stripe, settings):
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    offered = [call.form[f"payment_method_types[{i}]"] for i in range(3)]
    assert offered == ["ideal", "bancontact", "card"]
    session = fake_stripe.created("cs_")[0]
    assert session["payment_method_types"] == ["ideal", "bancontact", "card"]

    # Another town offers only iDEAL and cards.
    settings.PAYMENT_METHODS = ["ideal", "card"]
    from marketplace.payments.stripe_gateway import checkout_params

    params = checkout_params(payment_of(two_shop_order["order"]))
    assert params["payment_method_types"] == ["ideal", "card"]


def test_an_unknown_method_in_settings_is_refused_with_its_name(two_shop_order, settings):
    settings.PAYMENT_METHODS = ["ideal", "sofort"]
    from marketplace.payments.stripe_gateway import checkout_params

    with pytest.raises(ValueError, match="sofort"):
        checkout_params(payment_of(two_shop_order["order"]))


@pytest.mark.parametrize(
    ("method", "fee", "books_fee", "cheese_fee"),
    [
        # iDEAL's fixed €0.29, spread by gross: 39.90/52.40 of 29 cents is 22.08.
        ("ideal", 29, "0.22", "0.07"),
        # Bancontact 1.4% + €0.25 of 52.40 = 0.98: 74.62 and 23.38 cents.
        ("bancontact", 98, "0.75", "0.23"),
        # A card (or Apple Pay / Google Pay, which Stripe books as card): 1.04.
        ("card", 104, "0.79", "0.25"),
    ],
)
def test_each_method_is_paid_and_its_real_fee_is_split_over_the_parts(
    two_shop_order, fake_stripe, method, fee, books_fee, cheese_fee
):
    order = two_shop_order["order"]
    fake_stripe.pay(f"pi_test_{method}", amount=CHARGED, method=method, fee=fee)

    send("checkout.session.completed", completed(order, intent=f"pi_test_{method}"))

    payment = payment_of(order)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert (payment.method, payment.fee) == (method, Decimal(fee) / 100)
    assert payment.charge_id == f"ch_{method}"
    [lookup] = fake_stripe.calls(f"/v1/payment_intents/pi_test_{method}")
    assert lookup.method == "GET"
    assert lookup.form["expand[0]"] == "latest_charge.balance_transaction"
    assert set(OrderPart.objects.filter(order=order).values_list("status", flat=True)) == {
        PartStatus.PLACED
    }

    hand_over_part(two_shop_order["books_part"])
    hand_over_part(two_shop_order["cheese_part"])

    books = PartPayout.objects.get(part=two_shop_order["books_part"])
    cheese = PartPayout.objects.get(part=two_shop_order["cheese_part"])
    assert (books.payment_fee, cheese.payment_fee) == (Decimal(books_fee), Decimal(cheese_fee))
    assert books.payment_fee + cheese.payment_fee == Decimal(fee) / 100
    assert books.transferred == Decimal("39.90") - Decimal("2.42") - Decimal(books_fee)
    transfers = {call.form["amount"] for call in fake_stripe.calls("/v1/transfers")}
    assert transfers == {
        str(int((books.transferred) * 100)),
        str(int((cheese.transferred) * 100)),
    }


def test_until_stripe_books_the_fee_the_methods_rate_stands_in(two_shop_order, fake_stripe):
    order = two_shop_order["order"]
    fake_stripe.pay("pi_test_late", amount=CHARGED, method="ideal", fee=None)

    send("checkout.session.completed", completed(order, intent="pi_test_late"))

    payment = payment_of(order)
    assert (payment.method, payment.fee) == ("ideal", None)
    hand_over_part(two_shop_order["books_part"])
    # iDEAL's configured €0.29 on the goods, 0.22 of it on the books.
    assert PartPayout.objects.get(part=two_shop_order["books_part"]).payment_fee == Decimal("0.22")

    # Stripe books it later; asking again keeps it, once.
    from marketplace.payments.services import record_payment_details

    fake_stripe.book_fee("ch_late", 30)
    assert record_payment_details(payment_id=payment.pk)
    assert payment_of(order).fee == Decimal("0.30")


def test_a_bank_payment_waits_keeps_its_stock_and_then_succeeds(two_shop_order, fake_stripe):
    order = two_shop_order["order"]
    send("checkout.session.completed", completed(order, intent="pi_test_bank", paid=False))

    payment = payment_of(order)
    assert payment.status == PaymentStatus.PROCESSING
    assert payment.processing_since is not None
    # Long past the reservation's own expiry, but within the hold for a waiting bank.
    assert expire_unpaid_orders(now=timezone.now() + timedelta(hours=3)) == 0
    reservations = Reservation.objects.filter(order_line__order=order)
    assert {r.state for r in reservations} == {ReservationState.ACTIVE}
    page = client_for(order.user).get(f"/orders/{order.number}/")
    assert b"Your bank has not confirmed your payment yet" in page.content

    fake_stripe.pay("pi_test_bank", amount=CHARGED, method="ideal", fee=29)
    session = completed(order, intent="pi_test_bank")
    send("checkout.session.async_payment_succeeded", session)

    payment.refresh_from_db()
    assert (payment.status, payment.method, payment.fee) == (
        PaymentStatus.SUCCEEDED,
        "ideal",
        Decimal("0.29"),
    )
    assert set(OrderPart.objects.filter(order=order).values_list("status", flat=True)) == {
        PartStatus.PLACED
    }
    page = client_for(order.user).get(f"/orders/{order.number}/")
    assert b"Paid with iDEAL." in page.content


def test_a_bank_payment_that_fails_releases_the_order(two_shop_order, fake_stripe):
    order = two_shop_order["order"]
    send("checkout.session.completed", completed(order, intent="pi_test_bank", paid=False))

    send(
        "checkout.session.async_payment_failed", completed(order, intent="pi_test_bank", paid=False)
    )

    assert payment_of(order).status == PaymentStatus.FAILED
    assert set(OrderPart.objects.filter(order=order).values_list("status", flat=True)) == {
        PartStatus.CANCELLED
    }
    reservations = Reservation.objects.filter(order_line__order=order)
    assert {r.state for r in reservations} == {ReservationState.EXPIRED}
    page = client_for(order.user).get(f"/orders/{order.number}/")
    assert b"Your bank did not confirm the payment" in page.content


def test_a_bank_payment_waiting_past_the_hold_is_released_and_a_late_yes_refunded(
    two_shop_order, fake_stripe, settings
):
    order = two_shop_order["order"]
    send("checkout.session.completed", completed(order, intent="pi_test_slow", paid=False))
    hours = settings.PAYMENT_PENDING_HOLD_HOURS

    assert expire_unpaid_orders(now=timezone.now() + timedelta(hours=hours, minutes=1)) == 1

    assert payment_of(order).status == PaymentStatus.CANCELLED
    # The bank says yes after all: the money goes back in full.
    fake_stripe.pay("pi_test_slow", amount=CHARGED, method="ideal", fee=29)
    send("checkout.session.async_payment_succeeded", completed(order, intent="pi_test_slow"))
    [refund] = fake_stripe.calls("/v1/refunds")
    assert (refund.form["amount"], refund.form["payment_intent"]) == (str(CHARGED), "pi_test_slow")


def test_part_of_an_ideal_order_is_refunded_and_its_fee_share_reversed(two_shop_order, fake_stripe):
    order, books_part = two_shop_order["order"], two_shop_order["books_part"]
    fake_stripe.pay("pi_test_ideal", amount=CHARGED, method="ideal", fee=29)
    send("checkout.session.completed", completed(order, intent="pi_test_ideal"))
    hand_over_part(books_part)
    # 39.90 − 2.00 − 0.42 − 0.22 (the books' share of iDEAL's 0.29)
    assert fake_stripe.calls("/v1/transfers")[0].form["amount"] == "3726"

    # One of the two novels comes back.
    with transaction.atomic():
        refund = refund_part_payment(
            part=books_part, amount=Decimal("19.95"), key="return-novel-1", reason="returned"
        )

    [call] = fake_stripe.calls("/v1/refunds")
    assert call.form["amount"] == "1995"
    assert call.form["payment_intent"] == "pi_test_ideal"
    assert Refund.objects.get(pk=refund.pk).reference == fake_stripe.created("re_")[0]["id"]
    payout = PartPayout.objects.get(part=books_part)
    # Half of the part refunded: half of each fee reversed, the iDEAL fee share too.
    assert (
        payout.commission_reversed,
        payout.vat_on_commission_reversed,
        payout.payment_fee_reversed,
        payout.transfer_reversed,
    ) == (Decimal("1.00"), Decimal("0.21"), Decimal("0.11"), Decimal("18.63"))
    reversal = TransferReversal.objects.get(refund=refund)
    assert reversal.amount == Decimal("18.63")
    [reversal_call] = [c for c in fake_stripe.requests if c.path.endswith("/reversals")]
    assert reversal_call.form["amount"] == "1863"
    # The books part still adds up: kept by the shop + by the platform == charged − refunded.
    kept = payout.transferred - payout.transfer_reversed
    fees = (
        payout.commission
        - payout.commission_reversed
        + payout.vat_on_commission
        - payout.vat_on_commission_reversed
        + payout.payment_fee
        - payout.payment_fee_reversed
    )
    assert kept + fees == payout.charged - payout.refunded == Decimal("19.95")


def test_a_stripe_gateway_without_a_charge_yet_reports_nothing(two_shop_order, fake_stripe):
    payment = payment_of(two_shop_order["order"])
    payment.reference = "pi_test_missing"
    from marketplace.payments.gateway import GatewayUnavailable

    with pytest.raises(GatewayUnavailable):
        StripeGateway().payment_details(payment=payment)
