"""Stock truth: reserve, release, consume, and POS on-hand updates.

On hand is `StockRecord.num_in_stock` (the POS's count); reserved is `num_allocated`, the sum
of active reservations. Available online = on hand - reserved - the shop's safety buffer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from oscar.core.loading import get_model

from shops.models import Shop

from .availability import available_units
from .models import Reservation, ReservationState

StockRecord = get_model("partner", "StockRecord")


class OutOfStock(Exception):
    """Not enough units available for one line; carries what the consumer needs to know."""

    def __init__(
        self, *, stockrecord_id: int, title: str, requested: int, available: int | None = None
    ):
        self.stockrecord_id = stockrecord_id
        self.title = title
        self.requested = requested
        self._available = available
        super().__init__(f"{title}: {requested} requested, not available")

    @property
    def available(self) -> int:
        """Read when first asked, after the refused order has rolled back: the buyer's
        transaction ends at once, and a caller that never shows the count pays nothing."""
        if self._available is None:
            self._available = available_units(stockrecord_id=self.stockrecord_id)
        return self._available


@dataclass(frozen=True)
class StockRequest:
    stockrecord_id: int
    quantity: int
    title: str = ""


def safety_buffer_of_partner():
    buffer = Shop.objects.filter(partner_id=OuterRef("partner_id")).values("safety_buffer")[:1]
    return Coalesce(Subquery(buffer), Value(0))


def reserve_stock(*, requests: Iterable[StockRequest]) -> None:
    """Raises reserved for every request with one guarded UPDATE each, in stockrecord-id order.

    Precondition: inside the order-placing transaction (the row locks are held until it
    ends, and an OutOfStock must roll the whole order back). The fixed order means two
    buyers of the same products never wait on each other in a cycle.
    """
    assert transaction.get_connection().in_atomic_block, "reserve_stock needs a transaction"
    for request in sorted(requests, key=lambda r: r.stockrecord_id):
        updated = StockRecord.objects.filter(
            pk=request.stockrecord_id,
            num_in_stock__gte=F("num_allocated") + request.quantity + safety_buffer_of_partner(),
        ).update(num_allocated=F("num_allocated") + request.quantity)
        if updated != 1:
            raise OutOfStock(
                stockrecord_id=request.stockrecord_id,
                title=request.title,
                requested=request.quantity,
            )


def record_reservations(*, lines, expires_at: datetime | None) -> list[Reservation]:
    """Creates the reservation rows for order lines whose stock `reserve_stock` already reserved."""
    return Reservation.objects.bulk_create(
        [
            Reservation(
                stockrecord_id=line.stockrecord_id,
                order_line=line,
                quantity=line.quantity,
                expires_at=expires_at,
            )
            for line in lines
        ]
    )


def close_reservations(*, reservation_ids: Iterable[int], state: str) -> int:
    """Releases, expires or consumes active reservations; returns how many it closed.

    Idempotent: a reservation already closed is skipped, so retries change nothing.
    Consuming also takes the units off on hand: the goods have left the shop, and records
    the sale for the shop's POS (write_back.py; sent after commit).
    """
    closed = 0
    consumed = []
    with transaction.atomic():
        for reservation in (
            Reservation.objects.select_for_update(of=("self",))
            .select_related("stockrecord__partner__shop")
            .filter(pk__in=list(reservation_ids), state=ReservationState.ACTIVE)
            .order_by("stockrecord_id", "id")
        ):
            change: dict[str, Combinable] = {
                "num_allocated": F("num_allocated") - reservation.quantity
            }
            if state == ReservationState.CONSUMED:
                change["num_in_stock"] = Greatest(F("num_in_stock") - reservation.quantity, 0)
            StockRecord.objects.filter(pk=reservation.stockrecord_id).update(**change)
            reservation.state = state
            reservation.closed_at = timezone.now()
            reservation.save(update_fields=["state", "closed_at"])
            closed += 1
            if state == ReservationState.CONSUMED:
                consumed.append(reservation)
        if consumed:
            from .write_back import record_sales  # the POS side of a sale; sent on commit

            record_sales(reservations=consumed)
    return closed


def confirm_reservations(*, reservation_ids: Iterable[int]) -> None:
    """Paid: the reservations no longer expire."""
    Reservation.objects.filter(pk__in=list(reservation_ids), state=ReservationState.ACTIVE).update(
        expires_at=None
    )


def set_on_hand(*, stockrecord_id: int, quantity: int) -> None:
    """The POS's count of units on the shelf. Never touches reservations."""
    if quantity < 0:
        raise ValueError(f"on hand cannot be negative, got {quantity}")
    StockRecord.objects.filter(pk=stockrecord_id).update(
        num_in_stock=quantity, date_updated=timezone.now()
    )


def put_back(*, stockrecord_id: int, quantity: int) -> None:
    """Returned units the shop puts back on the shelf; a later till count still wins."""
    if quantity <= 0:
        raise ValueError(f"put back a positive number of units, got {quantity}")
    StockRecord.objects.filter(pk=stockrecord_id).update(
        num_in_stock=F("num_in_stock") + quantity, date_updated=timezone.now()
    )
