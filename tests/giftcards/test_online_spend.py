"""A city gift card paying part of an online order across two shops (issue 21, point 1):
held when the order is placed, spent per shop part when the rest is paid, released when the
payment ends unpaid, put back first when a part is refunded; the payment fee only on what
the gateway charged, and the shop's transfer without the card's share."""

from decimal import Decimal

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from logistics.models import OrderPart
from logistics.part_states import reject_part
from marketplace.commission.models import PartPayout
from marketplace.commission.part_transfers import refund_part_payment, schedule_part_transfer
from marketplace.giftcards import ledger, selectors, services
from marketplace.giftcards.models import (
    Entry,
    EntryKind,
    GiftCard,
    OrderCardUse,
    PartCardShare,
    UseStatus,
)
from marketplace.giftcards.online import split_over_parts
from marketplace.ordering.services import (
    CheckoutRefused,
    cancel_unpaid_order,
    record_payment_success,
)
from marketplace.payments.models import Payment, PaymentStatus, Refund, Transfer
from marketplace.payments.transfers import reversed_of

from .online_helpers import card_with, place_with_card

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


def shares_by_shop(order) -> dict[int, Decimal]:
    return {
        share.part.shop_id: share.amount
        for share in PartCardShare.objects.filter(use__order=order).select_related("part")
    }


def test_split_over_parts_adds_up_and_gives_the_last_part_the_remainder():
    assert split_over_parts(Decimal("20.00"), [Decimal("39.90"), Decimal("12.50")]) == [
        Decimal("15.22"),
        Decimal("4.78"),
    ]
    assert split_over_parts(Decimal("0.01"), [Decimal("1"), Decimal("1"), Decimal("1")]) == [
        ZERO,
        ZERO,
        Decimal("0.01"),
    ]
    with pytest.raises(ValueError):
        split_over_parts(Decimal("10.01"), [Decimal("10.00")])


@given(
    total_cents=st.integers(min_value=0, max_value=10**6),
    weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=6),
)
def test_split_over_parts_is_exact_and_never_negative(total_cents, weights):
    weights_eur = [Decimal(w) / 100 for w in weights]
    total = min(Decimal(total_cents) / 100, sum(weights_eur))
    shares = split_over_parts(total, weights_eur)
    assert sum(shares) == total
    assert all(share >= 0 and share == share.quantize(Decimal("0.01")) for share in shares)


def test_the_card_is_held_and_the_gateway_asked_for_the_rest_only():
    card = card_with("30.00")
    order, books, cheese = place_with_card(card, "20.00")

    assert order.total_incl_tax == Decimal("52.40")
    assert Payment.objects.get(order=order).amount == Decimal("32.40")
    card.refresh_from_db()
    assert card.balance == Decimal("10.00")
    use = OrderCardUse.objects.get(order=order)
    assert (use.amount, use.status) == (Decimal("20.00"), UseStatus.HELD)
    shares = shares_by_shop(order)
    assert sum(shares.values()) == Decimal("20.00")
    # By the parts' totals (39.90 : 12.50), rounded down; the last part gets the rest.
    assert shares == {books.pk: Decimal("15.22"), cheese.pk: Decimal("4.78")}
    assert list(Entry.objects.filter(card=card).values_list("kind", "amount")) == [
        (EntryKind.SALE, Decimal("30.00")),
        (EntryKind.HOLD, Decimal("20.00")),
    ]
    assert ledger.unbalanced_entries() == []
    figures = selectors.centre_figures()
    assert (figures["held"], figures["owed_to_holders"]) == (Decimal("20.00"), Decimal("10.00"))


def test_paid_the_hold_is_spent_at_each_shop_with_the_fee_on_the_gateway_share_only():
    card = card_with("30.00")
    order, books, cheese = place_with_card(card, "20.00")
    shares = shares_by_shop(order)

    record_payment_success(order_id=order.pk, reference="pi_1")
    record_payment_success(order_id=order.pk, reference="pi_1")  # a replay spends nothing more

    assert OrderCardUse.objects.get(order=order).status == UseStatus.SPENT
    spent = dict(Entry.objects.filter(kind=EntryKind.ONLINE_SPEND).values_list("shop_id", "amount"))
    assert spent == shares
    totals = ledger.trial_balance()
    assert totals["held"] == ZERO and sum(totals.values()) == ZERO
    # The card rate (1.5% + € 0.25) on the € 32.40 the gateway charged: € 0.74, not the
    # € 1.04 it would be on € 52.40.
    payouts = PartPayout.objects.filter(part__order=order)
    for part in OrderPart.objects.filter(order=order):
        schedule_part_transfer(part=part)
    assert sum(p.payment_fee for p in payouts.all()) == Decimal("0.74")
    # Each shop's transfer leaves out what the card paid it (that comes on its statement).
    for payout in payouts.all():
        transfer = Transfer.objects.get(payout=payout)
        assert transfer.amount == payout.transferred - shares[payout.shop_id]


def test_an_order_the_card_pays_in_full_is_paid_at_once():
    card = card_with("100.00")
    order, _books, _cheese = place_with_card(card, None)  # as much as possible: € 52.40

    payment = Payment.objects.get(order=order)
    assert (payment.amount, payment.status) == (ZERO, PaymentStatus.SUCCEEDED)
    card.refresh_from_db()
    assert card.balance == Decimal("47.60")
    assert OrderCardUse.objects.get(order=order).status == UseStatus.SPENT
    assert {p.status for p in OrderPart.objects.filter(order=order)} == {"placed"}


def test_an_unpaid_order_gives_the_held_money_back_to_the_card_once():
    card = card_with("30.00")
    order, _books, _cheese = place_with_card(card, "20.00")

    assert cancel_unpaid_order(order_id=order.pk, expired=True)
    assert not cancel_unpaid_order(order_id=order.pk, expired=True)

    card.refresh_from_db()
    assert card.balance == Decimal("30.00")
    assert OrderCardUse.objects.get(order=order).status == UseStatus.RELEASED
    assert Entry.objects.filter(kind=EntryKind.RELEASE).count() == 1
    assert ledger.trial_balance()["held"] == ZERO


@pytest.mark.parametrize(
    ("amount", "field", "message"),
    [
        ("30.01", "gift_card_amount", "Only 30,00 euros are left on this card."),
        ("52.41", "gift_card_amount", "use at most that much"),
        ("0.001", "gift_card_amount", "whole cents"),
    ],
)
def test_a_refused_amount_leaves_nothing_behind(amount, field, message):
    card = card_with("30.00")
    with pytest.raises(CheckoutRefused) as refused:
        place_with_card(card, amount)
    assert refused.value.field == field
    assert message.replace("30,00", "30.00") in str(refused.value).replace("30,00", "30.00")
    card.refresh_from_db()
    assert card.balance == Decimal("30.00")
    assert not OrderCardUse.objects.exists() and not Payment.objects.exists()
    assert not Entry.objects.exclude(kind=EntryKind.SALE).exists()


def test_a_spent_card_is_refused_naming_the_card():
    card = card_with("30.00")
    GiftCard.objects.filter(pk=card.pk).update(balance=ZERO)
    with pytest.raises(CheckoutRefused) as refused:
        place_with_card(card, None)
    assert refused.value.field == "gift_card_code"
    assert not Payment.objects.exists()


def test_a_refund_puts_the_part_card_share_back_on_the_card_first(
    django_capture_on_commit_callbacks,
):
    card = card_with("30.00")
    order, books, cheese = place_with_card(card, "20.00")
    record_payment_success(order_id=order.pk, reference="pi_1")
    cheese_part = OrderPart.objects.get(order=order, shop=cheese)
    share = shares_by_shop(order)[cheese.pk]

    with django_capture_on_commit_callbacks(execute=False):
        refund = refund_part_payment(part=cheese_part, amount=Decimal("12.50"), key="reject-1")
        again = refund_part_payment(part=cheese_part, amount=Decimal("12.50"), key="reject-1")

    assert again.pk == refund.pk
    assert (refund.amount, refund.gift_card_amount) == (Decimal("12.50"), share)
    assert refund.gateway_amount == Decimal("12.50") - share
    card.refresh_from_db()
    assert card.balance == Decimal("10.00") + share
    returned = Entry.objects.get(kind=EntryKind.CARD_RETURN)
    assert (returned.amount, returned.shop_id) == (share, cheese.pk)
    assert PartCardShare.objects.get(part=cheese_part).returned == share
    assert Refund.objects.count() == 1
    assert ledger.unbalanced_entries() == [] and sum(ledger.trial_balance().values()) == ZERO


def test_a_hold_released_after_its_card_expired_expires_too():
    card = card_with("30.00")
    order, _books, _cheese = place_with_card(card, "20.00")
    services.take_whole_balance(
        card_id=card.pk, status="expired", kind=EntryKind.EXPIRY, key="expire-test"
    )

    cancel_unpaid_order(order_id=order.pk, expired=True)

    card.refresh_from_db()
    assert card.balance == ZERO
    expired = Entry.objects.filter(kind=EntryKind.EXPIRY).order_by("pk")
    assert [entry.amount for entry in expired] == [Decimal("10.00"), Decimal("20.00")]
    assert -ledger.balance_of(ledger.card_account(card)) == ZERO
    assert ledger.trial_balance()["held"] == ZERO


def shop_received(part) -> Decimal:
    """All the shop got for the part: its transfer less reversals, plus the card's share
    on its gift card statement less what went back onto the card and the set-offs."""
    transfer = Transfer.objects.filter(payout__part=part).first()
    by_transfer = (transfer.amount - reversed_of(transfer)) if transfer else ZERO
    entries = Entry.objects.filter(shop_id=part.shop_id)

    def total(kind):
        return sum((e.amount for e in entries.filter(kind=kind)), ZERO)

    return (
        by_transfer
        + total(EntryKind.ONLINE_SPEND)
        - total(EntryKind.CARD_RETURN)
        - total(EntryKind.SHOP_OWES)
        + total(EntryKind.CENTRE_OWES)
    )


@pytest.mark.parametrize("card_amount", ["5.00", "40.00", "52.40"])
@pytest.mark.parametrize("refund_after_handover", [False, True])
def test_each_shop_ends_with_its_part_net_to_the_cent(
    card_amount, refund_after_handover, django_capture_on_commit_callbacks
):
    """Whatever the card paid, and whether a refund comes before or after the transfer:
    transfer − reversals + card share − returned − set-offs == the part's net."""
    card = card_with("60.00")
    order, books, cheese = place_with_card(card, card_amount)
    if Payment.objects.get(order=order).status != PaymentStatus.SUCCEEDED:
        record_payment_success(order_id=order.pk, reference="pi_1")
    parts = list(OrderPart.objects.filter(order=order).order_by("pk"))
    with django_capture_on_commit_callbacks(execute=False):
        if refund_after_handover:
            for part in parts:
                schedule_part_transfer(part=part)
        refund_part_payment(part=parts[0], amount=Decimal("19.95"), key="one-book")
        refund_part_payment(part=parts[1], amount=Decimal("12.50"), key="the-cheese")
        if not refund_after_handover:
            for part in parts:
                schedule_part_transfer(part=part)

    for part in parts:
        payout = PartPayout.objects.get(part=part)
        assert shop_received(part) == payout.transferred - payout.transfer_reversed, part
    refunds = Refund.objects.filter(payment__order=order)
    card.refresh_from_db()
    # What went back onto the card plus what the gateway refunds is what was refunded.
    assert sum(r.gift_card_amount for r in refunds) == card.balance - (
        Decimal("60.00") - Decimal(card_amount)
    )
    assert sum(r.amount for r in refunds) == Decimal("32.45")
    assert ledger.unbalanced_entries() == [] and sum(ledger.trial_balance().values()) == ZERO


def test_a_rejected_part_goes_back_onto_the_card_and_its_e_mail_says_so(
    django_capture_on_commit_callbacks,
):
    card = card_with("30.00")
    order, _books, cheese = place_with_card(card, "20.00")
    with django_capture_on_commit_callbacks(execute=True):
        record_payment_success(order_id=order.pk, reference="pi_1")
    cheese_part = OrderPart.objects.get(order=order, shop=cheese)

    with django_capture_on_commit_callbacks(execute=True):
        reject_part(part_id=cheese_part.pk, shop_id=cheese.pk, reason="Uitverkocht")

    card.refresh_from_db()
    assert card.balance == Decimal("14.78")  # 10.00 left + the cheese part's 4.78
    refund = Refund.objects.get(part=cheese_part)
    assert (refund.amount, refund.gift_card_amount) == (Decimal("12.50"), Decimal("4.78"))
    [rejected] = [m for m in mail.outbox if "Uitverkocht" in m.body]
    assert "Daarvan gaat €4.78 terug op je cadeaubon." in rejected.body
    assert "We refund €12.50, €4.78 of it onto your gift card;" in rejected.body
