"""Property: for any order, whenever its parts are handed over and however it is partly
refunded, Σ transfers − Σ transfer reversals + Σ platform fees == charged − refunds, to the
cent, and no transfer or reversal is negative. It runs the computation the services use
(`marketplace.commission.part_money`): the transfer made at hand-over, the reversal of a
refund after it, delivery fees kept by the platform and refunded with the last goods.
"""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.commission.fees import ZERO, part_commission
from marketplace.commission.part_money import (
    PartMoney,
    open_parts,
    order_platform_fees,
    refund_part_money,
    transfer_due,
)

from .test_fee_properties import card_fees, euros, money, plans, sale_lines

shop_parts = st.tuples(
    plans(),
    st.lists(sale_lines, min_size=1, max_size=5),
    st.one_of(st.just(ZERO), money(0, 995)),  # collect, or a delivery fee up to €9.95
)
baskets = st.lists(shop_parts, min_size=1, max_size=5)
# Per step: hand a part over, or refund a share (in thousandths) of what it has left.
steps = st.lists(
    st.tuples(st.sampled_from(["hand over", "refund"]), st.integers(0, 4), st.integers(1, 1000)),
    max_size=12,
)


def open_order(basket, card_fee) -> list[PartMoney]:
    return list(
        open_parts(
            commissions=[part_commission(terms=terms, lines=lines) for terms, lines, _ in basket],
            delivery_fees=[fee for _, _, fee in basket],
            card_fee_percentage=card_fee[0],
            card_fee_fixed=card_fee[1],
        )
    )


def hand_over(part: PartMoney) -> PartMoney:
    if part.transfer is not None:
        return part
    amount = transfer_due(part)
    assert amount >= 0
    return replace(part, transfer=amount)


def refund(part: PartMoney, thousandths: int) -> tuple[PartMoney, Decimal]:
    left = int(part.refundable * 100)
    amount = euros(max(1, left * thousandths // 1000))
    effect = refund_part_money(part, amount)
    assert effect.consumer_refund == amount == effect.goods + effect.delivery_fee
    assert effect.transfer_reversal >= 0
    assert effect.part.reversed_ <= (effect.part.transfer or ZERO)
    return effect.part, amount


def check(parts: list[PartMoney], charged: Decimal, refunded: Decimal) -> None:
    pending = sum((p.ledger.net_transfer for p in parts if p.transfer is None), ZERO)
    paid = sum((p.paid_to_shop for p in parts), ZERO)
    assert paid + pending + order_platform_fees(parts) == charged - refunded
    for part in parts:
        assert part.paid_to_shop >= 0 and part.platform_fees >= 0
        assert part.delivery_fee_refunded <= part.delivery_fee


@settings(max_examples=300, deadline=None)
@given(basket=baskets, card_fee=card_fees, sequence=steps)
def test_transfers_and_platform_fees_add_up_to_what_was_kept(basket, card_fee, sequence):
    parts = open_order(basket, card_fee)
    charged = sum(
        (sum((line.line_total_incl_vat for line in lines), ZERO) + fee for _, lines, fee in basket),
        ZERO,
    )
    assert sum((part.charged for part in parts), ZERO) == charged
    refunded = ZERO
    for action, index, share in sequence:
        index %= len(parts)
        if action == "hand over":
            parts[index] = hand_over(parts[index])
        elif parts[index].refundable > 0:
            parts[index], amount = refund(parts[index], share)
            refunded += amount
        check(parts, charged, refunded)

    parts = [hand_over(part) for part in parts]
    transfers = sum((part.transfer for part in parts), ZERO)
    reversals = sum((part.reversed_ for part in parts), ZERO)
    assert transfers - reversals + order_platform_fees(parts) == charged - refunded
    assert all(part.transfer >= 0 for part in parts)


@settings(max_examples=100, deadline=None)
@given(basket=baskets, card_fee=card_fees, handed_over=st.booleans())
def test_a_full_refund_leaves_nothing_with_anyone(basket, card_fee, handed_over):
    parts = open_order(basket, card_fee)
    if handed_over:
        parts = [hand_over(part) for part in parts]
    for index, part in enumerate(parts):
        parts[index] = refund_part_money(part, part.refundable).part
    parts = [hand_over(part) for part in parts]
    assert all(part.paid_to_shop == 0 for part in parts)
    assert order_platform_fees(parts) == 0
