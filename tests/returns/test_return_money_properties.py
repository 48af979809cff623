"""Property: any sequence of payments (orders of several shops' parts), hand-overs, partial
returns of lines and whole withdrawals of parts keeps, per order and in total,

    Σcharged == Σ(transfers − reversals) + Σ(transfers still due)
                + Σ(commission + VAT on it + card fee, net of reversals)
                + Σ(delivery fees kept) + Σrefunds

to the cent; nothing is negative and no part is refunded more than it was paid. It runs the
money the services run: `returns.rules.return_amount` for what a return refunds, and the
ledger's `part_money.refund_part_money` / `transfer_due` for what that moves.
"""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.commission.fees import ZERO, SaleLine, part_commission
from marketplace.commission.part_money import (
    PartMoney,
    open_parts,
    refund_part_money,
    transfer_due,
)
from marketplace.returns.rules import LineState, return_amount
from tests.commission.test_fee_properties import card_fees, euros, money, plans

lines = st.lists(st.tuples(st.integers(1, 50_000), st.integers(1, 5)), min_size=1, max_size=4)
shop_part = st.tuples(plans(), lines, st.one_of(st.just(ZERO), money(0, 995)))
orders = st.lists(st.lists(shop_part, min_size=1, max_size=3), min_size=1, max_size=3)
# Per step: (what, order, part, seed for the units returned of each line)
steps = st.lists(
    st.tuples(
        st.sampled_from(["hand over", "return lines", "withdraw part"]),
        st.integers(0, 2),
        st.integers(0, 2),
        st.lists(st.integers(0, 5), min_size=4, max_size=4),
    ),
    max_size=15,
)


class Part:
    def __init__(self, money_: PartMoney, sold: list[tuple[int, int]]):
        self.money = money_
        self.lines = {
            index: LineState(price=euros(cents * quantity), quantity=quantity)
            for index, (cents, quantity) in enumerate(sold)
        }
        self.refunds: list[Decimal] = []

    def hand_over(self) -> None:
        if self.money.transfer is None:
            due = transfer_due(self.money)
            assert due >= 0
            self.money = replace(self.money, transfer=due)

    def give_back(self, chosen: dict[int, int]) -> None:
        chosen = {i: units for i, units in chosen.items() if units}
        if not chosen:
            return
        amount, whole = return_amount(self.lines, chosen, self.money.delivery_fee)
        assert amount <= self.money.refundable, "never more back than is left"
        if whole:
            assert amount == self.money.refundable, "a withdrawal gives back all that is left"
        if amount == 0:
            return
        effect = refund_part_money(self.money, amount)
        assert effect.transfer_reversal >= 0
        self.money = effect.part
        self.refunds.append(amount)
        self.lines = {
            i: replace(line, returned=line.returned + chosen.get(i, 0))
            for i, line in self.lines.items()
        }


def pay(order, card_fee) -> list[Part]:
    money_parts = open_parts(
        commissions=[
            part_commission(
                terms=terms,
                lines=[SaleLine(line_total_incl_vat=euros(c * q)) for c, q in sold],
            )
            for terms, sold, _ in order
        ],
        delivery_fees=[fee for _, _, fee in order],
        card_fee_percentage=card_fee[0],
        card_fee_fixed=card_fee[1],
    )
    return [Part(m, sold) for m, (_, sold, _) in zip(money_parts, order, strict=True)]


def check(parts: list[Part]) -> None:
    charged = sum((p.money.charged for p in parts), ZERO)
    refunds = sum((sum(p.refunds, ZERO) for p in parts), ZERO)
    to_shops = sum((p.money.paid_to_shop for p in parts), ZERO)
    still_due = sum((p.money.ledger.net_transfer for p in parts if p.money.transfer is None), ZERO)
    fees = ZERO
    for part in parts:
        ledger = part.money.ledger
        kept = (
            ledger.commission
            - ledger.commission_reversed
            + ledger.vat_on_commission
            - ledger.vat_on_commission_reversed
            + ledger.payment_fee
            - ledger.payment_fee_reversed
        )
        delivery_kept = part.money.delivery_fee - part.money.delivery_fee_refunded
        assert kept >= 0 and delivery_kept >= 0 and part.money.paid_to_shop >= 0
        assert sum(part.refunds, ZERO) == part.money.refunded <= part.money.charged
        fees += kept + delivery_kept
    assert charged == to_shops + still_due + fees + refunds


@settings(max_examples=250, deadline=None)
@given(paid=orders, card_fee=card_fees, sequence=steps)
def test_payments_returns_and_withdrawals_add_up_to_the_cent(paid, card_fee, sequence):
    placed = [pay(order, card_fee) for order in paid]
    for what, order_index, part_index, seeds in sequence:
        parts = placed[order_index % len(placed)]
        part = parts[part_index % len(parts)]
        if what == "hand over":
            part.hand_over()
        elif what == "withdraw part":
            part.give_back({i: line.quantity - line.returned for i, line in part.lines.items()})
        else:
            part.give_back(
                {
                    i: min(seeds[i % len(seeds)], line.quantity - line.returned)
                    for i, line in part.lines.items()
                }
            )
        for order in placed:
            check(order)
    everything = [part for order in placed for part in order]
    check(everything)
    for part in everything:  # withdrawing what is left ends with nothing kept by anyone
        part.hand_over()
        part.give_back({i: line.quantity - line.returned for i, line in part.lines.items()})
        assert part.money.paid_to_shop == 0
        assert part.money.refunded == part.money.charged
    check(everything)
