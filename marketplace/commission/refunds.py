"""One shop's part of an order as a ledger: opened at payment, moved by refunds, summed by settle.

Pure like `fees`: no ORM, no I/O, standard library only; see `fees` for the definitions of
commission, VAT on commission, platform fee and payment fee.

Of a part's charge the shop gets the transfer and the platform keeps the rest, `retained`:
the platform fee (commission + VAT on commission) plus the card fee passed on to the shop.
That is what ARCHITECTURE.md calls the platform fees in its invariant, which holds for every
order after any sequence of refunds, to the cent:

    Σ(transferred − transfer_reversed) + Σ(retained − retained_reversed) == Σcharged − Σrefunded

and no amount, reversal or remaining transfer is ever negative. PartLedger checks the
per-part form of it on construction, so a ledger that breaks it cannot exist.

A refund of part of a shop's part refunds the consumer that amount and reverses the transfer,
the commission, the VAT on it and the card fee passed on, in proportion (a refunded sale costs
the shop nothing; the platform bears the card fee Stripe keeps). The cumulative reversals are a
function of the cumulative amount refunded only, so any sequence of partial refunds ends in the
same state as one refund of their sum, and a full refund reverses everything exactly to zero.
If the transfer has not been made yet, the caller transfers `net_transfer` instead of reversing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from marketplace.commission.fees import (
    ZERO,
    PartCommissionFigures,
    allocate_proportionally,
    cents,
    check_money,
    euros,
    round_half_up,
    shop_payout,
)

__all__ = [
    "PartLedger",
    "RefundEffect",
    "SettlementFigures",
    "open_order",
    "open_part_ledger",
    "refund_part",
    "settle",
]


@dataclass(frozen=True)
class PartLedger:
    """The money of one shop's part of an order, as charged and as refunded so far.

    transferred + commission + vat_on_commission + payment_fee == charged, and each
    `*_reversed` figure adds up to `refunded` the same way. `payment_fee` is the card fee
    charged to the shop (after what the platform absorbed).
    """

    charged: Decimal
    transferred: Decimal
    commission: Decimal
    vat_on_commission: Decimal
    payment_fee: Decimal
    refunded: Decimal = ZERO
    transfer_reversed: Decimal = ZERO
    commission_reversed: Decimal = ZERO
    vat_on_commission_reversed: Decimal = ZERO
    payment_fee_reversed: Decimal = ZERO

    def __post_init__(self) -> None:
        for each in fields(self):
            check_money(getattr(self, each.name), name=each.name)
        _check_adds_up(self.charged, _amounts(self), name="charged")
        _check_adds_up(self.refunded, _reversed(self), name="refunded")
        for name, amount, reversed_ in zip(
            _Split._fields, _amounts(self), _reversed(self), strict=True
        ):
            if reversed_ > amount:
                raise ValueError(f"{name} reversed ({euros(reversed_)}) exceeds {euros(amount)}")

    @property
    def platform_fee(self) -> Decimal:
        """Commission + VAT on commission: what the platform invoices the shop."""
        return self.commission + self.vat_on_commission

    @property
    def platform_fee_reversed(self) -> Decimal:
        return self.commission_reversed + self.vat_on_commission_reversed

    @property
    def retained(self) -> Decimal:
        """Everything of the charge the platform keeps: platform fee + card fee passed on."""
        return self.platform_fee + self.payment_fee

    @property
    def retained_reversed(self) -> Decimal:
        return self.platform_fee_reversed + self.payment_fee_reversed

    @property
    def refundable(self) -> Decimal:
        return self.charged - self.refunded

    @property
    def net_transfer(self) -> Decimal:
        """What the shop ends up with: the transfer less what refunds reversed of it."""
        return self.transferred - self.transfer_reversed


class _Split(NamedTuple):
    """A part's charge or refund in cents, split the way the ledger books it."""

    transfer: int
    commission: int
    vat_on_commission: int
    payment_fee: int


def _amounts(part: PartLedger) -> _Split:
    return _Split(
        cents(part.transferred),
        cents(part.commission),
        cents(part.vat_on_commission),
        cents(part.payment_fee),
    )


def _reversed(part: PartLedger) -> _Split:
    return _Split(
        cents(part.transfer_reversed),
        cents(part.commission_reversed),
        cents(part.vat_on_commission_reversed),
        cents(part.payment_fee_reversed),
    )


def _check_adds_up(total: Decimal, split: _Split, *, name: str) -> None:
    if cents(total) != sum(split):
        raise ValueError(
            f"{name} {total} must equal transfer + commission + VAT on commission + payment fee"
            f" ({euros(sum(split))})"
        )


def open_part_ledger(
    *, commission: PartCommissionFigures, payment_fee_share: Decimal
) -> PartLedger:
    """The ledger of a freshly paid part: its charge split into transfer and fees."""
    payout = shop_payout(
        gross=commission.gross,
        platform_fee=commission.platform_fee_total,
        payment_fee_share=payment_fee_share,
    )
    return PartLedger(
        charged=commission.gross,
        transferred=payout.transfer,
        commission=commission.commission_total,
        vat_on_commission=commission.vat_on_commission,
        payment_fee=payout.payment_fee,
    )


def open_order(
    *, parts: Sequence[PartCommissionFigures], order_payment_fee: Decimal
) -> tuple[PartLedger, ...]:
    """Ledgers for every part of a paid order, the order's card fee spread by gross."""
    shares = allocate_proportionally(
        total=order_payment_fee, weights=[part.gross for part in parts]
    )
    return tuple(
        open_part_ledger(commission=part, payment_fee_share=share)
        for part, share in zip(parts, shares, strict=True)
    )


# --- refunds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundEffect:
    """What one refund moves, and the part's ledger after it.

    consumer_refund == transfer_reversal + commission_reversal + vat_on_commission_reversal
    + payment_fee_reversal; none of them is negative.
    """

    consumer_refund: Decimal
    transfer_reversal: Decimal
    commission_reversal: Decimal
    vat_on_commission_reversal: Decimal
    payment_fee_reversal: Decimal
    ledger: PartLedger

    @property
    def platform_fee_reversal(self) -> Decimal:
        return self.commission_reversal + self.vat_on_commission_reversal


def refund_part(*, part: PartLedger, refund_amount: Decimal) -> RefundEffect:
    """Refund `refund_amount` of a part; `part` itself is left as it was."""
    amount = cents(check_money(refund_amount, name="refund_amount"))
    _check_refundable(part, amount)
    refunded = cents(part.refunded) + amount
    target = _reversals_at(part, refunded)
    step = _Split(*(after - before for after, before in zip(target, _reversed(part), strict=True)))
    if min(step) < 0:
        # Only a ledger whose reversals were not made by refund_part can get here.
        raise ValueError(f"the ledger's reversals do not follow refund_part's schedule: {part}")
    return RefundEffect(
        consumer_refund=euros(amount),
        transfer_reversal=euros(step.transfer),
        commission_reversal=euros(step.commission),
        vat_on_commission_reversal=euros(step.vat_on_commission),
        payment_fee_reversal=euros(step.payment_fee),
        ledger=_ledger_at(part, refunded, target),
    )


def _ledger_at(part: PartLedger, refunded: int, reversed_: _Split) -> PartLedger:
    return replace(
        part,
        refunded=euros(refunded),
        transfer_reversed=euros(reversed_.transfer),
        commission_reversed=euros(reversed_.commission),
        vat_on_commission_reversed=euros(reversed_.vat_on_commission),
        payment_fee_reversed=euros(reversed_.payment_fee),
    )


def _check_refundable(part: PartLedger, amount: int) -> None:
    if amount == 0:
        raise ValueError("refund_amount must be more than 0.00")
    if amount > cents(part.refundable):
        raise ValueError(
            f"cannot refund {euros(amount)}: only {part.refundable} of this part's"
            f" {part.charged} is still refundable ({part.refunded} already refunded)"
        )


def _reversals_at(part: PartLedger, refunded: int) -> _Split:
    """The cumulative reversals once `refunded` cents of the part are refunded.

    Splitting into four at once with largest remainder is not monotone in the amount (the
    Alabama paradox), so a later, bigger refund could take back a cent already reversed. So
    the refund is split in two at each step instead, transfer | retained, then payment fee |
    platform fee, then VAT | commission: for two parts largest remainder is rounding half up,
    which only grows with the amount and hits every total exactly once all is refunded.
    """
    retained = _share(cents(part.retained), refunded, cents(part.charged))
    card = _share(cents(part.payment_fee), retained, cents(part.retained))
    platform = retained - card
    vat = _share(cents(part.vat_on_commission), platform, cents(part.platform_fee))
    return _Split(refunded - retained, platform - vat, vat, card)


def _share(amount: int, done: int, whole: int) -> int:
    """`amount` × done / whole, rounded half up: the larger share of the two-way split."""
    return 0 if whole == 0 else round_half_up(Fraction(amount * done, whole))


# --- settlement --------------------------------------------------------------------------


@dataclass(frozen=True)
class SettlementFigures:
    """A shop's statement over a set of parts, fees net of what refunds reversed of them.

    net == gross − refunds − commission − vat_on_commission − payment_fees, to the cent, and
    it is also the sum of the parts' net transfers. VAT on commission is charged to the shop
    on top of the commission (the platform invoices commission + 21% VAT).
    """

    gross: Decimal
    refunds: Decimal
    commission: Decimal
    vat_on_commission: Decimal
    payment_fees: Decimal
    net: Decimal


def settle(*, parts: Sequence[PartLedger]) -> SettlementFigures:
    """The statement figures of `parts` as their ledgers stand now."""
    amounts = [_amounts(part) for part in parts]
    reversed_ = [_reversed(part) for part in parts]
    gross = sum(cents(part.charged) for part in parts)
    refunds = sum(cents(part.refunded) for part in parts)
    commission = _net(amounts, reversed_, lambda split: split.commission)
    vat = _net(amounts, reversed_, lambda split: split.vat_on_commission)
    card = _net(amounts, reversed_, lambda split: split.payment_fee)
    return SettlementFigures(
        gross=euros(gross),
        refunds=euros(refunds),
        commission=euros(commission),
        vat_on_commission=euros(vat),
        payment_fees=euros(card),
        net=euros(gross - refunds - commission - vat - card),
    )


def _net(amounts: list[_Split], reversed_: list[_Split], pick: Callable[[_Split], int]) -> int:
    """One fee summed over the parts, less what refunds reversed of it."""
    return sum(pick(amount) - pick(back) for amount, back in zip(amounts, reversed_, strict=True))
