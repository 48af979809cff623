"""What moves to and from a shop's Stripe account for its part of an order. Pure: no ORM.

A part's charge is its goods (the ledger of `refunds.PartLedger`) plus the delivery fee,
which the platform keeps because it runs the couriers. The shop's transfer is made once,
when the goods leave the shop, for what the ledger says the shop gets at that moment
(`net_transfer`: refunds before it are simply not transferred). A refund after it reverses
that share of the transfer. So for every order, after any sequence of refunds:

    Σ transfers − Σ reversals + Σ platform fees == charged − refunded

where a part's platform fees are its net retained fees (commission, VAT on commission, card
fee passed on) plus the delivery fee not refunded. `OrderMoney` checks this, to the cent.

A part paid partly with the city gift card still has its whole charge here (commission on
it all); its card share reaches the shop on the gift card statement instead of in the
transfer (`part_transfers`), and only the gateway's share pays the payment fee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .fees import ZERO, PartCommissionFigures, allocate_proportionally, check_money, payment_fee
from .refunds import PartLedger, open_order, refund_part

__all__ = [
    "PartMoney",
    "PartRefund",
    "card_share_of",
    "goods_share_of_fee",
    "open_parts",
    "order_platform_fees",
    "refund_part_money",
    "split_refund",
    "transfer_due",
]


@dataclass(frozen=True)
class PartMoney:
    """One part's money as it stands: ledger, delivery fee, and the transfer once made."""

    ledger: PartLedger
    delivery_fee: Decimal = ZERO
    delivery_fee_refunded: Decimal = ZERO
    transfer: Decimal | None = None
    reversed_: Decimal = ZERO

    @property
    def charged(self) -> Decimal:
        return self.ledger.charged + self.delivery_fee

    @property
    def refunded(self) -> Decimal:
        return self.ledger.refunded + self.delivery_fee_refunded

    @property
    def refundable(self) -> Decimal:
        return self.charged - self.refunded

    @property
    def platform_fees(self) -> Decimal:
        """What the platform keeps of this part now: fees net of reversals, delivery fee."""
        ledger = self.ledger
        return (
            ledger.retained
            - ledger.retained_reversed
            + self.delivery_fee
            - (self.delivery_fee_refunded)
        )

    @property
    def paid_to_shop(self) -> Decimal:
        return (self.transfer or ZERO) - self.reversed_


def open_parts(
    *,
    commissions: Sequence[PartCommissionFigures],
    delivery_fees: Sequence[Decimal],
    card_fee_percentage: Decimal,
    card_fee_fixed: Decimal,
    known_fee: Decimal | None = None,
    gift_card_paid: Decimal = ZERO,
) -> tuple[PartMoney, ...]:
    """Every part of a paid order. Shops bear the payment fee on their goods only, spread by
    gross; the fee on the delivery fee is the platform's, like the delivery fee.

    The fee is the gateway's real one (`known_fee`, for the whole charge: the goods' share
    of it by amount) when known, else the payment method's rate on the goods. A city gift
    card pays `gift_card_paid` of the order, spread over goods and delivery by amount, and
    that share costs no payment fee: only what the gateway charged does."""
    goods = sum((commission.gross for commission in commissions), ZERO)
    delivery = sum((check_money(fee, name="delivery_fee") for fee in delivery_fees), ZERO)
    gateway_goods = goods - card_share_of(goods, paid=gift_card_paid, total=goods + delivery)
    if known_fee is None:
        card_fee = payment_fee(
            amount=gateway_goods, percentage=card_fee_percentage, fixed=card_fee_fixed
        )
    else:
        gateway_delivery = (
            goods + delivery - check_money(gift_card_paid, name="paid") - gateway_goods
        )
        card_fee = goods_share_of_fee(known_fee, goods=gateway_goods, delivery=gateway_delivery)
    ledgers = open_order(parts=commissions, order_payment_fee=card_fee)
    return tuple(
        PartMoney(ledger=ledger, delivery_fee=check_money(fee, name="delivery_fee"))
        for ledger, fee in zip(ledgers, delivery_fees, strict=True)
    )


def card_share_of(amount: Decimal, *, paid: Decimal, total: Decimal) -> Decimal:
    """The gift card's share of `amount` when it paid `paid` of `total`, to the cent."""
    check_money(paid, name="paid")
    if paid <= 0 or total <= 0:
        return ZERO
    if paid > total:
        raise ValueError(f"a gift card cannot pay {paid} of {total}")
    return allocate_proportionally(total=paid, weights=[amount, total - amount])[0]


def goods_share_of_fee(fee: Decimal, *, goods: Decimal, delivery: Decimal) -> Decimal:
    """The part of a whole charge's fee that falls on its goods, in proportion to amount."""
    check_money(fee, name="fee")
    if goods + delivery == 0:
        return ZERO
    return allocate_proportionally(total=fee, weights=[goods, delivery])[0]


def transfer_due(part: PartMoney) -> Decimal:
    """The transfer to make when the goods leave the shop; made once, never negative."""
    if part.transfer is not None:
        raise ValueError("this part's transfer was already made")
    return part.ledger.net_transfer


def split_refund(part: PartMoney, amount: Decimal) -> tuple[Decimal, Decimal]:
    """A refund of `amount` of a part as (goods, delivery fee): goods first, since a delivery
    fee is only refunded with the last of the goods (a rejected or lost part)."""
    check_money(amount, name="amount")
    if amount <= 0 or amount > part.refundable:
        raise ValueError(
            f"cannot refund {amount}: {part.refundable} of this part's {part.charged} is left"
        )
    goods = min(amount, part.ledger.refundable)
    return goods, amount - goods


@dataclass(frozen=True)
class PartRefund:
    """What one refund moves: the consumer's money, and the reversal of a made transfer."""

    consumer_refund: Decimal
    goods: Decimal
    delivery_fee: Decimal
    transfer_reversal: Decimal
    part: PartMoney


def refund_part_money(part: PartMoney, amount: Decimal) -> PartRefund:
    """Refund `amount` of a part. Before the transfer is made, nothing is reversed: the
    transfer will be smaller instead."""
    goods, delivery = split_refund(part, amount)
    ledger, reversal = part.ledger, ZERO
    if goods:
        effect = refund_part(part=ledger, refund_amount=goods)
        ledger = effect.ledger
        reversal = effect.transfer_reversal if part.transfer is not None else ZERO
    after = replace(
        part,
        ledger=ledger,
        delivery_fee_refunded=part.delivery_fee_refunded + delivery,
        reversed_=part.reversed_ + reversal,
    )
    return PartRefund(
        consumer_refund=amount,
        goods=goods,
        delivery_fee=delivery,
        transfer_reversal=reversal,
        part=after,
    )


def order_platform_fees(parts: Sequence[PartMoney]) -> Decimal:
    return sum((part.platform_fees for part in parts), ZERO)
