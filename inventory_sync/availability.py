"""What can be sold online: on hand − reserved − the shop's safety buffer, never below 0.

On hand is `StockRecord.num_in_stock` (the POS's count), reserved is `num_allocated`.
"""

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")


def available_from(*, on_hand: int, reserved: int, safety_buffer: int) -> int:
    return max(0, on_hand - reserved - safety_buffer)


def available_online(record, *, safety_buffer: int | None = None) -> int:
    """The units of one stock record for sale online; pass the shop's buffer when at hand."""
    if safety_buffer is None:
        safety_buffer = safety_buffer_of(record)
    return available_from(
        on_hand=record.num_in_stock or 0,
        reserved=record.num_allocated or 0,
        safety_buffer=safety_buffer,
    )


def safety_buffer_of(stockrecord) -> int:
    shop = getattr(stockrecord.partner, "shop", None)
    return shop.safety_buffer if shop else 0


def available_units(*, stockrecord_id: int) -> int:
    record = StockRecord.objects.select_related("partner__shop").get(pk=stockrecord_id)
    return available_online(record)


def in_stock_online() -> Q:
    """The same rule in the database: stock records with at least one unit for sale online."""
    return Q(num_in_stock__gt=Coalesce(F("num_allocated"), 0) + F("partner__shop__safety_buffer"))
