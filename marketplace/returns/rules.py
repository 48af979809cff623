"""The money and time rules of a return. Pure: no ORM.

A line's paid price is spread over its units to the cent so that returning units one at a
time adds up to exactly the line's price: the refund of units r+1..r+k of a line of q units
costing p is round(p·(r+k)/q) − round(p·r/q). The delivery fee is refunded only with the
last goods of the part (the whole part withdrawn).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

LEGAL_DAYS = 14
ZERO = Decimal("0.00")


def deadline(*, received_at: datetime, shop_days: int) -> datetime:
    """The last moment of the return period: the law's 14 days, or the shop's longer one."""
    return received_at + timedelta(days=max(LEGAL_DAYS, shop_days))


def share(price: Decimal, units: int, of: int) -> Decimal:
    """`units` of `of` units' worth of `price`, to the cent (half up)."""
    if of <= 0 or not 0 <= units <= of:
        raise ValueError(f"cannot take {units} of {of} units")
    return (price * units / of).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineState:
    """One order line: what was paid, how many units, how many already returned."""

    price: Decimal
    quantity: int
    returned: int = 0


def line_refund(line: LineState, units: int) -> Decimal:
    if units <= 0 or line.returned + units > line.quantity:
        raise ValueError(
            f"cannot return {units}: {line.quantity - line.returned} of {line.quantity} left"
        )
    return share(line.price, line.returned + units, line.quantity) - share(
        line.price, line.returned, line.quantity
    )


def return_amount(
    lines: dict[int, LineState], chosen: dict[int, int], delivery_fee: Decimal
) -> tuple[Decimal, bool]:
    """The refund of returning `chosen` (line id -> units) of a part's `lines`, and whether
    the delivery fee is in it (every unit of the part returned with this one)."""
    goods = sum((line_refund(lines[line_id], units) for line_id, units in chosen.items()), ZERO)
    whole = all(
        line.returned + chosen.get(line_id, 0) == line.quantity for line_id, line in lines.items()
    )
    return (goods + delivery_fee if whole else goods), whole


def units_left(lines: Iterable[LineState]) -> int:
    return sum(line.quantity - line.returned for line in lines)
