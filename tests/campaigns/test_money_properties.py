"""Property: with campaign discounts paid by the centre or by the shop, for any order and any
sequence of hand-overs and partial refunds, to the cent:

    Σ paid to shops (+ transfers still due) + Σ platform fees
        == consumer paid − consumer refunded + centre contribution − contribution reversed

A centre-paid discount leaves the shop's part exactly as without the discount; a full refund
leaves nothing with anyone. Runs the pure maths the services use (commission.part_money and
commission.contributions)."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.commission.contributions import consumer_refundable, refund_with_contribution
from marketplace.commission.fees import ZERO, SaleLine, part_commission
from marketplace.commission.part_money import PartMoney, open_parts, transfer_due
from tests.commission.test_fee_properties import card_fees, euros, money, plans

CENTRE, SHOP = "centre", "shop"
# A line: its price, a discount of 0–50% of it, and who pays that discount.
lines = st.tuples(money(1, 50000), st.integers(0, 50), st.sampled_from([CENTRE, SHOP]))
shop_parts = st.tuples(
    plans(), st.lists(lines, min_size=1, max_size=4), st.one_of(st.just(ZERO), money(0, 995))
)
baskets = st.lists(shop_parts, min_size=1, max_size=4)
steps = st.lists(
    st.tuples(st.sampled_from(["hand over", "refund"]), st.integers(0, 3), st.integers(1, 1000)),
    max_size=10,
)


def discount_of(price: Decimal, percent: int) -> Decimal:
    return (price * percent / 100).quantize(Decimal("0.01"))


def part_terms(terms, part_lines):
    """(sale lines as commission sees them, consumer paid for goods, centre contribution)."""
    sale, paid, contribution = [], ZERO, ZERO
    for price, percent, payer in part_lines:
        discount = discount_of(price, percent)
        paid += price - discount
        if payer == CENTRE:
            contribution += discount
            sale.append(SaleLine(line_total_incl_vat=price))
        else:
            sale.append(SaleLine(line_total_incl_vat=price - discount))
    return part_commission(terms=terms, lines=sale), paid, contribution


def open_order(basket, card_fee):
    opened = [part_terms(terms, part_lines) for terms, part_lines, _fee in basket]
    parts = open_parts(
        commissions=[commission for commission, _, _ in opened],
        delivery_fees=[fee for _, _, fee in basket],
        card_fee_percentage=card_fee[0],
        card_fee_fixed=card_fee[1],
    )
    return list(parts), [paid for _, paid, _ in opened], [c for _, _, c in opened]


def hand_over(part: PartMoney) -> PartMoney:
    return part if part.transfer is not None else replace(part, transfer=transfer_due(part))


def contribution_reversed(part: PartMoney, contribution: Decimal, paid: Decimal) -> Decimal:
    """Ledger (sale value) refunded − consumer goods refunded."""
    consumer_goods_left = consumer_refundable(part, contribution) - (
        part.delivery_fee - part.delivery_fee_refunded
    )
    return part.ledger.refunded - (paid - consumer_goods_left)


def check(parts, paids, contributions, basket, refunded):
    pending = sum((p.ledger.net_transfer for p in parts if p.transfer is None), ZERO)
    shops = sum((p.paid_to_shop for p in parts), ZERO)
    fees = sum((p.platform_fees for p in parts), ZERO)
    consumer_paid = sum(paids, ZERO) + sum((fee for _, _, fee in basket), ZERO)
    together = list(zip(parts, contributions, paids, strict=True))
    centre = sum((c - contribution_reversed(p, c, paid) for p, c, paid in together), ZERO)
    assert shops + pending + fees == consumer_paid - refunded + centre
    for part, contribution, paid in zip(parts, contributions, paids, strict=True):
        assert part.paid_to_shop >= 0 and part.platform_fees >= 0
        assert ZERO <= contribution_reversed(part, contribution, paid) <= contribution


@settings(max_examples=300, deadline=None)
@given(basket=baskets, card_fee=card_fees, sequence=steps)
def test_money_adds_up_with_campaign_discounts_of_both_kinds(basket, card_fee, sequence):
    parts, paids, contributions = open_order(basket, card_fee)
    refunded = ZERO
    for action, index, share in sequence:
        index %= len(parts)
        if action == "hand over":
            parts[index] = hand_over(parts[index])
            continue
        left = consumer_refundable(parts[index], contributions[index])
        if left <= 0:
            continue
        amount = euros(max(1, int(left * 100) * share // 1000))
        effect = refund_with_contribution(parts[index], amount, contributions[index])
        assert effect.consumer_refund == amount and effect.transfer_reversal >= 0
        parts[index] = effect.part
        refunded += amount
        check(parts, paids, contributions, basket, refunded)


@settings(max_examples=100, deadline=None)
@given(basket=baskets, card_fee=card_fees, handed_over=st.booleans())
def test_a_full_refund_of_a_discounted_order_leaves_nothing_with_anyone(
    basket, card_fee, handed_over
):
    parts, paids, contributions = open_order(basket, card_fee)
    if handed_over:
        parts = [hand_over(part) for part in parts]
    for index, part in enumerate(parts):
        left = consumer_refundable(part, contributions[index])
        assert left == paids[index] + part.delivery_fee  # the consumer gets back what they paid
        if left > 0:
            parts[index] = refund_with_contribution(part, left, contributions[index]).part
    parts = [hand_over(part) for part in parts]
    assert all(part.paid_to_shop == 0 and part.platform_fees == 0 for part in parts)


@settings(max_examples=100, deadline=None)
@given(
    terms=plans(),
    prices=st.lists(money(1, 50000), min_size=1, max_size=4),
    percent=st.integers(1, 50),
    card_fee=card_fees,
)
def test_a_centre_paid_discount_leaves_the_shop_as_without_it(terms, prices, percent, card_fee):
    with_campaign = [(price, percent, CENTRE) for price in prices]
    without = [(price, 0, CENTRE) for price in prices]
    discounted, _, _ = open_order([(terms, with_campaign, ZERO)], card_fee)
    full, _, _ = open_order([(terms, without, ZERO)], card_fee)
    assert discounted[0].ledger == full[0].ledger
