"""Reads of stock: what can be sold online."""

from django.db.models import Sum
from oscar.core.loading import get_model

from .models import Reservation, ReservationState

StockRecord = get_model("partner", "StockRecord")


def available_from(*, on_hand: int, reserved: int, safety_buffer: int) -> int:
    return max(0, on_hand - reserved - safety_buffer)


def safety_buffer_of(stockrecord) -> int:
    shop = getattr(stockrecord.partner, "shop", None)
    return shop.safety_buffer if shop else 0


def available_units(*, stockrecord_id: int) -> int:
    record = StockRecord.objects.select_related("partner__shop").get(pk=stockrecord_id)
    return available_from(
        on_hand=record.num_in_stock,
        reserved=record.num_allocated,
        safety_buffer=safety_buffer_of(record),
    )


def active_reserved_units(*, stockrecord_id: int) -> int:
    total = Reservation.objects.filter(
        stockrecord_id=stockrecord_id, state=ReservationState.ACTIVE
    ).aggregate(total=Sum("quantity"))["total"]
    return total or 0


def stock_is_stale(shop, now) -> bool:
    """True if the shop's POS has not been heard from within its stock_feed_max_age.

    A shop without a connection keeps its stock by hand: never stale. A connection never
    synced yet counts from its creation, so connecting does not hide counts at once.
    """
    from django.core.exceptions import ObjectDoesNotExist

    try:
        connection = shop.pos_connection
    except ObjectDoesNotExist:
        return False
    last = connection.last_synced_at or connection.created_at
    return now - last > shop.stock_feed_max_age
