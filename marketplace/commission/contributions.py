"""What the centre pays towards a shop's sale: a campaign discount the centre funds.

The consumer pays the discounted price; the centre pays the shop the discount, so the shop's
part is booked at its sale value (consumer paid + centre contribution) and the shop's net is
as without the campaign: commission, VAT on it and the card fee share are those of the
undiscounted price. Campaigns (a layer above) registers where the contributions come from;
commission never imports it. With no provider or no contribution nothing here changes a figure.

Refunds. The consumer gets back what they paid; the ledger refunds at sale value, so the
centre's contribution is reversed in the same proportion. The ledger's cumulative refund is a
function of the consumer's cumulative goods refund only,

    ledger_refunded(r) = round_half_up(r × sale / paid),  ledger_refunded(paid) = sale,

which grows by at least a cent per cent refunded (sale ≥ paid), so it can be inverted from
the stored ledger and any sequence of partial refunds ends where one refund of their sum does.
For every part, to the cent:

    transferred − transfer_reversed + retained − retained_reversed
        == (paid − consumer refunded) + (contribution − contribution reversed)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from .fees import ZERO, cents, check_money, euros, round_half_up
from .part_money import PartMoney, PartRefund, refund_part_money

Provider = Callable[[object], dict[int, Decimal]]
providers: list[Provider] = []


def register(provider: Provider) -> None:
    """`provider(part)` -> {order line id: the centre's contribution to that line}."""
    if provider not in providers:
        providers.append(provider)


def line_contributions(part) -> dict[int, Decimal]:
    found: dict[int, Decimal] = {}
    for provider in providers:
        for line_id, amount in provider(part).items():
            found[line_id] = found.get(line_id, ZERO) + check_money(amount, name="contribution")
    return found


def contribution_of(part) -> Decimal:
    return sum(line_contributions(part).values(), ZERO)


# --- pure maths ----------------------------------------------------------------------------


def ledger_refunded_at(consumer_refunded: int, *, sale: int, paid: int) -> int:
    """Cents of the sale value refunded once `consumer_refunded` cents of goods went back."""
    if paid == 0:
        return sale if sale == 0 else 0
    if consumer_refunded >= paid:
        return sale
    return round_half_up(Fraction(consumer_refunded * sale, paid))


def consumer_refunded_of(ledger_refunded: int, *, sale: int, paid: int) -> int:
    """The inverse of `ledger_refunded_at` (unique: it rises by a cent or more per cent)."""
    if ledger_refunded >= sale:
        return paid
    guess = int(Fraction(ledger_refunded * paid, sale)) if sale else 0
    for candidate in range(max(0, guess - 2), min(paid, guess + 3) + 1):
        if ledger_refunded_at(candidate, sale=sale, paid=paid) == ledger_refunded:
            return candidate
    raise ValueError(f"ledger refund {euros(ledger_refunded)} is not on the refund schedule")


def consumer_refundable(money: PartMoney, contribution: Decimal) -> Decimal:
    """What the consumer can still get back of this part: what they paid, less refunds."""
    sale, paid = cents(money.ledger.charged), cents(money.ledger.charged) - cents(contribution)
    back = consumer_refunded_of(cents(money.ledger.refunded), sale=sale, paid=paid)
    return euros(paid - back) + money.delivery_fee - money.delivery_fee_refunded


def refund_with_contribution(
    money: PartMoney, amount: Decimal, contribution: Decimal
) -> PartRefund:
    """Refund `amount` to the consumer (goods first, like `split_refund`); the ledger refunds
    the matching share of the sale value. Without a contribution this is refund_part_money."""
    check_money(contribution, name="contribution")
    if contribution == 0:
        return refund_part_money(money, amount)
    check_money(amount, name="amount")
    left = consumer_refundable(money, contribution)
    if amount <= 0 or amount > left:
        raise ValueError(f"cannot refund {amount}: {left} of this part is left to refund")
    sale = cents(money.ledger.charged)
    paid = sale - cents(contribution)
    before = consumer_refunded_of(cents(money.ledger.refunded), sale=sale, paid=paid)
    goods = min(cents(amount), paid - before)
    ledger_goods = ledger_refunded_at(before + goods, sale=sale, paid=paid) - cents(
        money.ledger.refunded
    )
    effect = refund_part_money(money, euros(ledger_goods) + (amount - euros(goods)))
    return replace(effect, consumer_refund=amount, goods=euros(goods))


def refund_of_part(part, money: PartMoney, amount: Decimal) -> PartRefund:
    return refund_with_contribution(money, amount, contribution_of(part))


def refundable_of_part(part, money: PartMoney) -> Decimal:
    return consumer_refundable(money, contribution_of(part))


# --- the statement's campaign lines ---------------------------------------------------------

StatementRows = Callable[[object], list[tuple[str, Decimal]]]
statement_providers: list[StatementRows] = []


def register_statement_rows(provider: StatementRows) -> None:
    """`provider(settlement)` -> [(label, amount)], the campaign lines of its statement."""
    if provider not in statement_providers:
        statement_providers.append(provider)


def statement_rows(settlement) -> list[tuple[str, Decimal]]:
    return [row for provider in statement_providers for row in provider(settlement)]
