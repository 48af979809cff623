"""Checked conversions between Decimal euros and integer cents, standard library only.

Shared by the fee maths (`marketplace.commission.fees`) and the gateways, which send cents.
"""

from decimal import Decimal
from fractions import Fraction


def check_decimal(value: object, *, name: str) -> Decimal:
    """Return `value` if it is a finite Decimal; floats and other types raise TypeError."""
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, not a float: floats cannot hold cents exactly")
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


def check_money(value: object, *, name: str) -> Decimal:
    """Return `value` if it is a non-negative Decimal amount of whole cents."""
    amount = check_decimal(value, name=name)
    if amount < 0:
        raise ValueError(f"{name} must not be negative, got {amount}")
    # Sub-cent input means something upstream computed money wrongly; rounding it here would
    # hide that, so it is refused instead.
    if (Fraction(amount) * 100).denominator != 1:
        raise ValueError(f"{name} must be a whole number of cents, got {amount}")
    return amount


def cents(amount: Decimal) -> int:
    """Whole cents of an amount already passed through `check_money`."""
    return int(Fraction(amount) * 100)
