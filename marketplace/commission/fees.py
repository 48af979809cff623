"""Pure money maths of commission and payouts: no ORM, no I/O, standard library only
(and `marketplace.money`, itself pure).

Every amount is a Decimal in euros of whole cents; floats are refused with a TypeError because
they cannot hold cents exactly. Internally the maths runs on integer cents and exact fractions,
rounding ROUND_HALF_UP, so no result depends on the active decimal context.

Definitions, per part (one shop's part of an order):

- gross: what the consumer pays for the part, VAT included.
- commission: the plan's percentage of each line total incl. VAT (that is what the shop is
  paid on), clamped to the plan's minimum and maximum per line and never above the line total,
  plus the plan's fixed fee once per part. Commission is an amount excluding VAT.
- VAT on commission: the platform invoices the shop commission plus VAT on top
  (VAT_ON_COMMISSION, 21%), computed once on the part's commission total, so the
  invoice has one VAT line and one rounding. The fixed fee is part of the commission, so it
  carries VAT too.
- platform fee: commission + VAT on commission, capped so that it never exceeds the gross
  (the fixed fee gives way first, then the line commissions in proportion).
- payment fee: the card fee of the whole order (e.g. 1.5% + €0.25), spread over the parts in
  proportion to their gross and passed on to the shops.
- transfer: gross − platform fee − payment fee share. It is never negative: when a small part
  owes more card fee than is left, the platform absorbs the rest of the card fee.

The per-part ledger, refunds and settlement figures are in `marketplace.commission.refunds`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from marketplace.money import cents, check_decimal, check_money

ZERO = Decimal("0.00")
# Percent, like CommissionPlan.percentage; a PlanTerms snapshot keeps the rate of its day.
VAT_ON_COMMISSION = Decimal("21")

__all__ = [
    "VAT_ON_COMMISSION",
    "ZERO",
    "PartCommissionFigures",
    "Payout",
    "PlanTerms",
    "SaleLine",
    "allocate_proportionally",
    "commission_for_line",
    "part_commission",
    "payment_fee",
    "shop_payout",
    "what_shop_keeps",
]


# --- checked conversions between Decimal euros and integer cents -------------------------
# check_decimal, check_money and cents are in marketplace.money (the gateways use them too).


def check_percentage(value: object, *, name: str) -> Decimal:
    """Return `value` if it is a Decimal percentage between 0 and 100."""
    percentage = check_decimal(value, name=name)
    if not 0 <= percentage <= 100:
        raise ValueError(f"{name} must be between 0 and 100 percent, got {percentage}")
    return percentage


def euros(amount_in_cents: int) -> Decimal:
    """The Decimal euro amount of whole cents, always with two decimals."""
    sign = "-" if amount_in_cents < 0 else ""
    whole, cent = divmod(abs(amount_in_cents), 100)
    return Decimal(f"{sign}{whole}.{cent:02d}")


def round_half_up(value: Fraction) -> int:
    """ROUND_HALF_UP to a whole number, for the non-negative values used here."""
    return math.floor(value + Fraction(1, 2))


def percent_of(amount_in_cents: int, percentage: Decimal) -> int:
    """`percentage` percent of an amount, in cents, rounded half up."""
    return round_half_up(amount_in_cents * Fraction(percentage) / 100)


def largest_remainder(total: int, weights: Sequence[Fraction]) -> list[int]:
    """Split `total` cents in proportion to `weights`; the parts add up to `total` exactly.

    Each part gets the floor of its exact quota; the cents left over go to the largest
    fractional remainders, ties to the lower index so the result never depends on ordering
    tricks of the caller.
    """
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        if total:
            raise ValueError(f"cannot allocate {euros(total)} over weights that are all zero")
        return [0] * len(weights)
    quotas = [total * weight / weight_sum for weight in weights]
    parts = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (parts[i] - quotas[i], i))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _check_category_path(category_path: Sequence[str]) -> tuple[str, ...]:
    # A bare string is a sequence of characters, which would match single-letter slugs.
    if isinstance(category_path, str):
        raise TypeError("category_path must be a sequence of category keys, not a string")
    return tuple(category_path)


# --- commission ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTerms:
    """A snapshot of a CommissionPlan, taken when an order is placed; percentages in percent.

    `category_percentages` maps a category key (slug or full slug path, whichever the caller
    uses in `category_path`) to a percentage that replaces the plan's for that category and
    everything below it; the minimum and maximum per line still apply.
    """

    percentage: Decimal
    fixed_fee_per_part: Decimal = ZERO
    minimum_per_line: Decimal | None = None
    maximum_per_line: Decimal | None = None
    category_percentages: Mapping[str, Decimal] = field(default_factory=dict)
    vat_on_commission: Decimal = VAT_ON_COMMISSION

    def __post_init__(self) -> None:
        check_percentage(self.percentage, name="percentage")
        check_money(self.fixed_fee_per_part, name="fixed_fee_per_part")
        check_percentage(self.vat_on_commission, name="vat_on_commission")
        self._check_clamps()
        overrides = dict(self.category_percentages)
        for key, percentage in overrides.items():
            check_percentage(percentage, name=f"category_percentages[{key!r}]")
        # A read-only copy, so the snapshot cannot change behind the order's back.
        object.__setattr__(self, "category_percentages", MappingProxyType(overrides))

    def _check_clamps(self) -> None:
        low, high = self.minimum_per_line, self.maximum_per_line
        if low is not None:
            check_money(low, name="minimum_per_line")
        if high is not None:
            check_money(high, name="maximum_per_line")
        if low is not None and high is not None and low > high:
            raise ValueError(f"minimum_per_line {low} is above maximum_per_line {high}")

    def percentage_for(self, category_path: Sequence[str]) -> Decimal:
        """The percentage for a line in `category_path` (root to leaf): most specific wins."""
        for category in reversed(_check_category_path(category_path)):
            if category in self.category_percentages:
                return self.category_percentages[category]
        return self.percentage


@dataclass(frozen=True)
class SaleLine:
    """One order line as the fee maths sees it: its total incl. VAT and its category path."""

    line_total_incl_vat: Decimal
    category_path: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_money(self.line_total_incl_vat, name="line_total_incl_vat")
        object.__setattr__(self, "category_path", _check_category_path(self.category_path))


def commission_for_line(
    *, terms: PlanTerms, line_total_incl_vat: Decimal, category_path: Sequence[str]
) -> Decimal:
    """The commission (excl. VAT) on one line: its percentage, clamped, within the line total."""
    total = cents(check_money(line_total_incl_vat, name="line_total_incl_vat"))
    raw = percent_of(total, terms.percentage_for(category_path))
    return euros(_clamp_line(raw, terms=terms, line_total=total))


def _clamp_line(commission: int, *, terms: PlanTerms, line_total: int) -> int:
    if terms.minimum_per_line is not None:
        commission = max(commission, cents(terms.minimum_per_line))
    if terms.maximum_per_line is not None:
        commission = min(commission, cents(terms.maximum_per_line))
    # A minimum above a cheap line's price must not charge more than was sold.
    return max(0, min(commission, line_total))


@dataclass(frozen=True)
class PartCommissionFigures:
    """The commission on one shop's part of an order.

    sum(line_commissions) + fixed_fee == commission_total (excl. VAT);
    commission_total + vat_on_commission == platform_fee_total <= gross.
    """

    line_commissions: tuple[Decimal, ...]
    fixed_fee: Decimal
    commission_total: Decimal
    vat_on_commission: Decimal
    platform_fee_total: Decimal
    gross: Decimal


def part_commission(*, terms: PlanTerms, lines: Sequence[SaleLine]) -> PartCommissionFigures:
    """Commission, VAT on it and the platform fee for one part's lines."""
    per_line = [_line_commission_cents(terms, line) for line in lines]
    gross = sum(cents(line.line_total_incl_vat) for line in lines)
    wanted = sum(per_line) + cents(terms.fixed_fee_per_part)
    total = min(wanted, _commission_cap(gross, terms.vat_on_commission))
    per_line, fixed_fee = _fit_commission(per_line, total)
    vat = percent_of(total, terms.vat_on_commission)
    return PartCommissionFigures(
        line_commissions=tuple(euros(amount) for amount in per_line),
        fixed_fee=euros(fixed_fee),
        commission_total=euros(total),
        vat_on_commission=euros(vat),
        platform_fee_total=euros(total + vat),
        gross=euros(gross),
    )


def _line_commission_cents(terms: PlanTerms, line: SaleLine) -> int:
    if not isinstance(line, SaleLine):
        raise TypeError(f"lines must be SaleLine instances, got {type(line).__name__}")
    return cents(
        commission_for_line(
            terms=terms,
            line_total_incl_vat=line.line_total_incl_vat,
            category_path=line.category_path,
        )
    )


def _commission_cap(gross: int, vat_percentage: Decimal) -> int:
    """The largest commission whose commission + VAT on it still fits in the gross."""
    rate = Fraction(vat_percentage) / 100
    # floor(gross / (1 + rate)) always fits; VAT rounding can leave room for one cent more.
    cap = math.floor(gross / (1 + rate))
    while cap + 1 + round_half_up((cap + 1) * rate) <= gross:
        cap += 1
    return cap


def _fit_commission(per_line: list[int], total: int) -> tuple[list[int], int]:
    """Line commissions and fixed fee adding up to `total`, the fixed fee giving way first."""
    lines_total = sum(per_line)
    if total >= lines_total:
        return per_line, total - lines_total
    # Only a cap below the lines' own commission gets here (minimums on cheap lines, or very
    # high percentages); the lines then shrink in proportion, none above its own figure.
    return largest_remainder(total, [Fraction(amount) for amount in per_line]), 0


# --- payment fees and payouts -----------------------------------------------------------


def payment_fee(*, amount: Decimal, percentage: Decimal, fixed: Decimal) -> Decimal:
    """The card fee on a charge of `amount`, e.g. 1.5% + €0.25; nothing on a zero charge."""
    charged = cents(check_money(amount, name="amount"))
    rate = check_percentage(percentage, name="percentage")
    fixed_cents = cents(check_money(fixed, name="fixed"))
    if charged == 0:
        return ZERO
    return euros(percent_of(charged, rate) + fixed_cents)


def allocate_proportionally(*, total: Decimal, weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Split `total` over parts in proportion to `weights`, adding up exactly to the cent.

    Largest-remainder rounding, ties to the lower index. Used to spread the order's payment
    fee over the shops' parts by their gross. Weights are non-negative Decimals.
    """
    amount = cents(check_money(total, name="total"))
    shares = []
    for index, weight in enumerate(weights):
        if check_decimal(weight, name=f"weights[{index}]") < 0:
            raise ValueError(f"weights[{index}] must not be negative, got {weight}")
        shares.append(Fraction(weight))
    return tuple(euros(part) for part in largest_remainder(amount, shares))


@dataclass(frozen=True)
class Payout:
    """What one part's gross becomes: transfer + platform_fee + payment_fee == gross.

    `payment_fee` is the card fee charged to the shop; `platform_absorbs` is the rest of its
    share, which the platform pays itself because a transfer cannot be negative.
    """

    transfer: Decimal
    platform_fee: Decimal
    payment_fee: Decimal
    platform_absorbs: Decimal


def shop_payout(*, gross: Decimal, platform_fee: Decimal, payment_fee_share: Decimal) -> Payout:
    """The transfer to a shop for its part: gross − platform fee − payment fee share, >= 0."""
    gross_cents = cents(check_money(gross, name="gross"))
    fee_cents = cents(check_money(platform_fee, name="platform_fee"))
    card_cents = cents(check_money(payment_fee_share, name="payment_fee_share"))
    if fee_cents > gross_cents:
        raise ValueError(
            f"platform_fee {platform_fee} exceeds gross {gross}; "
            "part_commission caps the platform fee at the gross"
        )
    absorbed = max(0, fee_cents + card_cents - gross_cents)
    return Payout(
        transfer=euros(gross_cents - fee_cents - (card_cents - absorbed)),
        platform_fee=euros(fee_cents),
        payment_fee=euros(card_cents - absorbed),
        platform_absorbs=euros(absorbed),
    )


def what_shop_keeps(
    *,
    terms: PlanTerms,
    price_incl_vat: Decimal,
    category_path: Sequence[str],
    card_fee_percentage: Decimal,
    card_fee_fixed: Decimal,
) -> Decimal:
    """What a shop keeps of one item sold alone in an order: "of €X you keep €Y".

    Sold alone, the item carries the whole fixed fee and the whole fixed card fee; in a bigger
    basket those are shared, so this is the cautious figure to show.
    """
    line = SaleLine(line_total_incl_vat=price_incl_vat, category_path=tuple(category_path))
    fees = part_commission(terms=terms, lines=[line])
    card = payment_fee(amount=price_incl_vat, percentage=card_fee_percentage, fixed=card_fee_fixed)
    payout = shop_payout(
        gross=fees.gross, platform_fee=fees.platform_fee_total, payment_fee_share=card
    )
    return payout.transfer
