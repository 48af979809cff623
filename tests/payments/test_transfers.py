"""Each shop's share is transferred once its goods leave the shop; a refund of a part
reverses the shop's share of it; a shop's account gets its transfers once Stripe says so.

Figures of the two-shop order (5% plan, 21% VAT on commission, card fee 1.5% + 0.25):
books 2 × 19.95 = 39.90: commission 2.00, VAT 0.42, card fee share 0.79 -> transfer 36.69;
cheese 12.50: commission 0.63, VAT 0.13, card fee share 0.25 -> transfer 11.49.
"""

from decimal import Decimal

import pytest

from logistics.part_states import accept_part, hand_over, mark_ready, reject_part
from marketplace.commission.models import PartPayout
from marketplace.commission.part_transfers import refund_part_payment
from marketplace.payments.models import (
    EventStatus,
    PayoutAccount,
    Refund,
    Transfer,
    TransferReversal,
    TransferStatus,
    WebhookEvent,
)
from marketplace.payments.transfers import resend_unsent
from marketplace.payments.webhooks import retry_waiting_events
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer, make_owner

from .conftest import event, intent_succeeded, post_event, unpaid_order

pytestmark = pytest.mark.django_db(transaction=True)


def pay(order):
    post_event(client_for(), event("payment_intent.succeeded", intent_succeeded(order)))


def hand_over_part(part):
    accept_part(part_id=part.pk, shop_id=part.shop_id)
    mark_ready(part_id=part.pk, shop_id=part.shop_id)
    return hand_over(part_id=part.pk, shop_id=part.shop_id, code=part.pickup_code)


def test_each_part_is_transferred_after_hand_over_with_its_key(two_shop_order, fake_stripe):
    order, books_part = two_shop_order["order"], two_shop_order["books_part"]
    pay(order)
    assert fake_stripe.calls("/v1/transfers") == [], "nothing moves before the goods do"

    hand_over_part(books_part)
    hand_over_part(two_shop_order["cheese_part"])

    books_call, cheese_call = fake_stripe.calls("/v1/transfers")
    assert books_call.idempotency_key == f"transfer-part-{books_part.pk}"
    assert books_call.form == {
        "amount": "3669",
        "currency": "eur",
        "destination": two_shop_order["books"].stripe_account_id,
        "transfer_group": order.number,
        "source_transaction": "ch_test_1",
        "metadata[idempotency_key]": f"transfer-part-{books_part.pk}",
    }
    assert (cheese_call.form["amount"], cheese_call.form["transfer_group"]) == (
        "1149",
        order.number,
    )
    transfer = Transfer.objects.get(payout__part=books_part)
    assert (transfer.status, transfer.amount, transfer.reference) == (
        TransferStatus.SENT,
        Decimal("36.69"),
        fake_stripe.created("tr_")[0]["id"],
    )
    # Sending again (a retried task, the sweep) makes no second call.
    from marketplace.payments.transfers import send_transfer_to_gateway

    send_transfer_to_gateway(transfer_id=transfer.pk)
    resend_unsent()
    assert len(fake_stripe.calls("/v1/transfers")) == 2

    # For the order: transfers + what the platform keeps == charged, to the cent.
    payouts = PartPayout.objects.filter(part__order=order)
    kept = sum(p.commission + p.vat_on_commission + p.payment_fee + p.delivery_fee for p in payouts)
    assert sum(Transfer.objects.values_list("amount", flat=True)) + kept == order.total_incl_tax


def test_a_part_refund_after_hand_over_reverses_the_shops_transfer(two_shop_order, fake_stripe):
    order, books_part = two_shop_order["order"], two_shop_order["books_part"]
    pay(order)
    hand_over_part(books_part)

    from django.db import transaction

    with transaction.atomic():
        refund = refund_part_payment(
            part=books_part, amount=Decimal("19.95"), key="damaged-novel", reason="damaged"
        )

    [refund_call] = fake_stripe.calls("/v1/refunds")
    assert refund_call.idempotency_key == "damaged-novel"
    assert (refund_call.form["amount"], refund_call.form["payment_intent"]) == ("1995", "pi_test_1")
    transfer = Transfer.objects.get(payout__part=books_part)
    [reversal_call] = fake_stripe.calls(f"/v1/transfers/{transfer.reference}/reversals")
    assert reversal_call.idempotency_key == f"reversal-{refund.pk}"
    # Of the 19.95 refunded, the platform gives back half its 3.21 (1.61) and the shop 18.34.
    assert reversal_call.form["amount"] == "1834"
    payout = PartPayout.objects.get(part=books_part)
    assert (payout.refunded, payout.transfer_reversed, payout.commission_reversed) == (
        Decimal("19.95"),
        Decimal("18.34"),
        Decimal("1.00"),
    )
    assert TransferReversal.objects.get().reference == fake_stripe.created("trr_")[0]["id"]

    # The same refund asked again (same key) moves nothing.
    with transaction.atomic():
        refund_part_payment(part=books_part, amount=Decimal("19.95"), key="damaged-novel")
    moves = [request for request in fake_stripe.requests if request.method == "POST"]
    assert len(moves) == 4  # session, transfer, refund, reversal

    # Stripe confirms the refund (matched by our key, whatever the order of answers).
    charge = {
        "id": "ch_test_1",
        "object": "charge",
        "payment_intent": "pi_test_1",
        "amount_refunded": 1995,
        "refunds": {"data": [{"id": "re_x", "metadata": {"idempotency_key": "damaged-novel"}}]},
    }
    post_event(client_for(), event("charge.refunded", charge))
    assert Refund.objects.get(pk=refund.pk).confirmed_at is not None


def test_a_rejected_part_is_refunded_whole_and_never_transferred(two_shop_order, fake_stripe):
    order, cheese_part = two_shop_order["order"], two_shop_order["cheese_part"]
    pay(order)

    reject_part(part_id=cheese_part.pk, shop_id=cheese_part.shop_id, reason="sold out")

    [refund_call] = fake_stripe.calls("/v1/refunds")
    assert (refund_call.form["amount"], refund_call.idempotency_key) == (
        "1250",
        f"rejected-part-{cheese_part.pk}",
    )
    payout = PartPayout.objects.get(part=cheese_part)
    assert payout.transferred == payout.transfer_reversed == Decimal("11.49")
    assert fake_stripe.calls("/v1/transfers") == []
    assert not Transfer.objects.filter(payout=payout).exists()


def test_transfers_wait_for_the_account_and_go_when_account_updated_says_so(stripe_on, fake_stripe):
    shop = ShopFactory()
    owner = make_owner(shop)
    browser = client_for(owner)

    # The owner opens our onboarding URL: an Express account, then a fresh link.
    first = browser.get(f"/payments/payouts/{shop.slug}/")
    [account] = fake_stripe.created("acct_")
    assert first["Location"].startswith(f"https://connect.stripe.test/setup/e/{account['id']}/")
    [account_call] = fake_stripe.calls("/v1/accounts")
    assert account_call.idempotency_key == f"account-shop-{shop.pk}"
    assert account_call.form["type"] == "express"
    [link_call] = fake_stripe.calls("/v1/account_links")
    assert link_call.form["refresh_url"].endswith(f"/payments/payouts/{shop.slug}/")
    second = browser.get(f"/payments/payouts/{shop.slug}/")
    assert second["Location"] != first["Location"]
    assert len(fake_stripe.calls("/v1/accounts")) == 1, "a second visit reuses the account"
    assert (
        client_for(make_owner(ShopFactory())).get(f"/payments/payouts/{shop.slug}/").status_code
        == 404
    )

    order = unpaid_order((make_offer(shop, price="20.00"), 1))
    pay(order)
    part = order.parts.get()
    hand_over_part(part)
    assert Transfer.objects.get().status == TransferStatus.HELD
    assert fake_stripe.calls("/v1/transfers") == []

    ready = {
        "id": account["id"],
        "object": "account",
        "charges_enabled": True,
        "payouts_enabled": True,
        "details_submitted": True,
        "capabilities": {"transfers": "active"},
        "requirements": {"currently_due": []},
    }
    post_event(client_for(), event("account.updated", ready))

    payout = PayoutAccount.objects.get(shop=shop)
    assert (payout.payouts_enabled, payout.transfers_active) == (True, True)
    [transfer_call] = fake_stripe.calls("/v1/transfers")
    assert transfer_call.form["destination"] == account["id"]
    assert Transfer.objects.get().status == TransferStatus.SENT


def test_an_account_event_before_the_account_is_stored_waits(stripe_on, fake_stripe):
    from marketplace.payments.accounts import record_account

    shop = ShopFactory()
    update = {
        "id": "acct_racing",
        "object": "account",
        "payouts_enabled": True,
        "capabilities": {"transfers": "active"},
    }
    post_event(client_for(), event("account.updated", update))
    assert WebhookEvent.objects.get().status == EventStatus.WAITING

    record_account(shop=shop, account_id="acct_racing")
    from datetime import timedelta

    from django.utils import timezone

    assert retry_waiting_events(now=timezone.now() + timedelta(minutes=5)) == 1
    assert PayoutAccount.objects.get(shop=shop).transfers_active is True
