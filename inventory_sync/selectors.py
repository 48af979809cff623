"""Reads of stock: reservations and how fresh the counts are (what can be sold online:
availability.py)."""

from django.db.models import Sum

from .models import Reservation, ReservationState


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
