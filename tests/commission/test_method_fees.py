"""Property: for any mix of orders paid with iDEAL, Bancontact or a card, with the gateway's
real fee known or not yet, handed over and partly refunded in any order, what the consumers
were charged is, to the cent,

    Σ charges == Σ transfers (net of reversals) + Σ commission + Σ VAT on it
                 + Σ payment fees + Σ delivery fees kept + Σ refunds

(each fee net of what refunds reversed of it), and the shops of an order bear exactly its
payment fee on their goods: the method's rate, or their share of the real fee.
"""

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.commission.fees import ZERO, part_commission, payment_fee
from marketplace.commission.part_money import PartMoney, goods_share_of_fee, open_parts
from marketplace.payments.fees import rate_for

from .test_fee_properties import money
from .test_order_money_properties import baskets, hand_over, refund, steps

methods = st.sampled_from(["ideal", "bancontact", "card"])
# The fee Stripe booked for the whole charge, or None while it is not booked yet.
known_fees = st.one_of(st.none(), money(0, 400))
orders = st.lists(st.tuples(baskets, methods, known_fees, steps), min_size=1, max_size=4)


def open_paid_order(basket, method: str, known_fee) -> list[PartMoney]:
    rate = rate_for(method)
    return list(
        open_parts(
            commissions=[part_commission(terms=terms, lines=lines) for terms, lines, _ in basket],
            delivery_fees=[fee for _, _, fee in basket],
            card_fee_percentage=rate.percentage,
            card_fee_fixed=rate.fixed,
            known_fee=known_fee,
        )
    )


def fee_on_goods(parts: list[PartMoney], method: str, known_fee) -> Decimal:
    goods = sum((part.ledger.charged for part in parts), ZERO)
    if known_fee is None:
        rate = rate_for(method)
        return payment_fee(amount=goods, percentage=rate.percentage, fixed=rate.fixed)
    delivery = sum((part.delivery_fee for part in parts), ZERO)
    return goods_share_of_fee(known_fee, goods=goods, delivery=delivery)


def figures(part: PartMoney) -> dict[str, Decimal]:
    ledger = part.ledger
    return {
        "charged": part.charged,
        "transfers": part.paid_to_shop if part.transfer is not None else ledger.net_transfer,
        "commission": ledger.commission - ledger.commission_reversed,
        "vat": ledger.vat_on_commission - ledger.vat_on_commission_reversed,
        "fees": ledger.payment_fee - ledger.payment_fee_reversed,
        "delivery": part.delivery_fee - part.delivery_fee_refunded,
        "refunds": part.refunded,
    }


@settings(max_examples=200, deadline=None)
@given(mix=orders)
def test_charges_are_transfers_commission_fees_and_refunds_for_any_mix_of_methods(mix):
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for basket, method, known_fee, sequence in mix:
        parts = open_paid_order(basket, method, known_fee)
        # The order's shops bear its whole payment fee on the goods, unless a part had too
        # little left for its share (the platform absorbs that, never a negative transfer).
        borne = sum((part.ledger.payment_fee for part in parts), ZERO)
        due = fee_on_goods(parts, method, known_fee)
        assert borne <= due
        if all(part.ledger.transferred > 0 for part in parts):
            assert borne == due
        for action, index, share in sequence:
            index %= len(parts)
            if action == "hand over":
                parts[index] = hand_over(parts[index])
            elif parts[index].refundable > 0:
                parts[index], _amount = refund(parts[index], share)
        for part in parts:
            for name, amount in figures(part).items():
                totals[method][name] += amount
                totals["all"][name] += amount

    for method, sums in totals.items():
        kept = sum(sums[name] for name in ("transfers", "commission", "vat", "fees", "delivery"))
        assert sums["charged"] == kept + sums["refunds"], method
        assert all(amount >= 0 for amount in sums.values()), method


def test_ideal_keeps_more_of_a_40_euro_basket_than_a_card():
    """The promise to shops: at least 92% of a €40 basket kept, paid with iDEAL, at 5%."""
    from marketplace.commission.fees import PlanTerms
    from marketplace.commission.previews import keeps_per_method

    terms = PlanTerms(percentage=Decimal("5.00"))
    rows = {row.method: row for row in keeps_per_method(terms, Decimal("40.00"))}
    # 40.00 − 2.00 commission − 0.42 VAT − 0.29 iDEAL
    assert (rows["ideal"].keeps, rows["ideal"].share) == (Decimal("37.29"), Decimal("93.2"))
    # − 0.81 Bancontact (1.4% + 0.25); − 0.85 card (1.5% + 0.25), as today
    assert rows["bancontact"].keeps == Decimal("36.77")
    assert (rows["card"].keeps, rows["card"].share) == (Decimal("36.73"), Decimal("91.8"))
    assert rows["ideal"].share >= 92


def test_a_wrong_rate_in_settings_is_refused_with_what_and_where(settings):
    settings.PAYMENT_METHOD_RATES = {**settings.PAYMENT_METHOD_RATES, "ideal": ("0", "abc")}
    with pytest.raises(ValueError, match=r"PAYMENT_METHOD_RATES\['ideal'\].*'abc'"):
        rate_for("ideal")
    settings.PAYMENT_METHOD_RATES = {**settings.PAYMENT_METHOD_RATES, "ideal": ("0", "0.295")}
    with pytest.raises(ValueError, match="whole cents"):
        rate_for("ideal")
    # A method without a rate of its own pays the card rate.
    assert rate_for("").method == rate_for("giropay").method == "card"
