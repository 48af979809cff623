"""What the connectors read from a POS, as the rest of inventory_sync uses it: items, times
and whole unit counts. A value that is no count raises BadEvent."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime


@dataclass(frozen=True, slots=True)
class ItemData:
    """One item as a POS describes it; quantity and price when the POS gave them."""

    external_id: str
    sku: str = ""
    ean: str = ""
    title: str = ""
    price: Decimal | None = None


class BadEvent(Exception):
    pass


def parse_time(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = parse_datetime(text.strip())
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        return None  # a time without zone cannot be ordered against others
    return moment


def whole_units(value) -> int:
    """Square sends "5" or "5.0"; a fraction or a negative count is not a shelf count."""
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise BadEvent(f"quantity {str(value)[:20]!r} is not a number") from error
    if not number.is_finite() or number != number.to_integral_value():
        raise BadEvent(f"quantity {value!r} is not a whole number")
    return max(int(number), 0)  # a POS oversold below zero: nothing is on the shelf
