"""Consumers' returns fetched by a courier: a pickup at the door within the booked slot and a
drop at the shop within its opening hours (the goods go back to the shop that sold them, so
the shop can check them and confirm receipt; no hub in between).

marketplace.returns makes and cancels them; the dispatcher plans each open one of the day as
a shipment from the consumer to the shop, with the id `return-<pk>` so it never mixes with the
order parts' ids.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shops.hours import schedule_for

from . import route_progress
from .models import DeliverySlot, ReturnPickup, ReturnPickupStatus, RouteStop, StopKind, StopStatus
from .part_states import TransitionRefused
from .routing import Location, Shipment

PREFIX = "return-"
NO_OPENING = "the shop is closed after the pickup slot"
NOT_ON_A_ROUTE = "picked up outside a planned route"


def create(
    *,
    return_id: int,
    shop_id: int,
    slot: DeliverySlot,
    address_line: str,
    postcode: str,
    city: str,
    phone: str,
    latitude,
    longitude,
    location_approximate: bool = True,
) -> ReturnPickup:
    return ReturnPickup.objects.create(
        return_id=return_id,
        shop_id=shop_id,
        slot=slot,
        address_line=address_line[:200],
        postcode=postcode[:10],
        city=city[:100],
        phone=phone[:30],
        latitude=latitude,
        longitude=longitude,
        location_approximate=location_approximate,
    )


def cancel(*, return_id: int) -> bool:
    """The return was cancelled: the job and its pending stops go (done stops stay). False,
    changing nothing, when a courier already picked the goods up (a guarded update: the
    courier's step and this one cannot both win)."""
    jobs = ReturnPickup.objects.filter(return_id=return_id)
    ids = list(jobs.values_list("pk", flat=True))
    if not ids:
        return True
    if not jobs.filter(status=ReturnPickupStatus.OPEN).update(
        status=ReturnPickupStatus.CANCELLED, cancelled_at=timezone.now()
    ):
        return jobs.filter(status=ReturnPickupStatus.CANCELLED).exists()
    RouteStop.objects.filter(return_pickup_id__in=ids, status=StopStatus.PENDING).delete()
    return True


def shipment_id(pickup_id: int) -> str:
    return f"{PREFIX}{pickup_id}"


def pickup_id_of(shipment_id) -> int | None:
    if isinstance(shipment_id, str) and shipment_id.startswith(PREFIX):
        return int(shipment_id[len(PREFIX) :])
    return None


def seconds_of(moment) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def day_shipments(day: date) -> tuple[list[Shipment], dict[str, str]]:
    """Open return pickups of the day: (shipments, reasons for those that cannot be)."""
    shipments, reasons = [], {}
    pickups = ReturnPickup.objects.filter(
        slot__date=day, status__in=[ReturnPickupStatus.OPEN, ReturnPickupStatus.PICKED_UP]
    ).select_related("shop", "slot")
    carriers = dict(
        RouteStop.objects.filter(
            route__date=day,
            kind=StopKind.PICKUP,
            status=StopStatus.DONE,
            return_pickup__in=pickups,
        ).values_list("return_pickup_id", "route__courier_id")
    )
    for pickup in pickups.order_by("pk"):
        slot_start, slot_end = seconds_of(pickup.slot.starts), seconds_of(pickup.slot.ends)
        # The shop's opening period that ends after the slot begins: the drop fits in it.
        periods = [
            (seconds_of(opens), seconds_of(closes))
            for opens, closes in schedule_for(pickup.shop).periods_on(day)
            if seconds_of(closes) > slot_start
        ]
        if not periods:
            reasons[shipment_id(pickup.pk)] = NO_OPENING
            continue
        carrier = carriers.get(pickup.pk)
        if pickup.status == ReturnPickupStatus.PICKED_UP and carrier is None:
            reasons[shipment_id(pickup.pk)] = NOT_ON_A_ROUTE
            continue
        shipments.append(
            Shipment(
                id=shipment_id(pickup.pk),
                pickup=Location(float(pickup.latitude), float(pickup.longitude)),
                pickup_windows=[(slot_start, slot_end)],
                ready_at=slot_start,
                delivery=Location(float(pickup.shop.latitude), float(pickup.shop.longitude)),
                delivery_window=periods[0],
                picked_up_by=carrier if pickup.status == ReturnPickupStatus.PICKED_UP else None,
            )
        )
    return shipments, reasons


def close_stop(stop: RouteStop) -> str:
    """The courier picked the goods up at the door, or dropped them at the shop."""
    assert stop.return_pickup_id is not None
    with transaction.atomic():
        pickup = ReturnPickup.objects.select_for_update().get(pk=stop.return_pickup_id)
        now = timezone.now()
        if stop.kind == StopKind.PICKUP and pickup.status == ReturnPickupStatus.OPEN:
            pickup.status, pickup.picked_up_at = ReturnPickupStatus.PICKED_UP, now
            message = _("Return picked up.")
        elif stop.kind == StopKind.DELIVERY and pickup.status == ReturnPickupStatus.PICKED_UP:
            pickup.status, pickup.dropped_at = ReturnPickupStatus.DROPPED, now
            message = _("Return left at the shop.")
        else:
            raise TransitionRefused(_("That action does not fit this stop."))
        pickup.save(update_fields=["status", "picked_up_at", "dropped_at"])
        route_progress.close_stops([stop.pk], status=StopStatus.DONE)
    return message


def fail_stop(stop: RouteStop, *, reason: str) -> str:
    """Nobody home (or the shop closed): this stop and, after a failed pickup, the drop fail
    too; the return stays as it was for centre management to follow up."""
    stops = RouteStop.objects.filter(pk=stop.pk)
    if stop.kind == StopKind.PICKUP:
        stops = RouteStop.objects.filter(
            route_id=stop.route_id, return_pickup_id=stop.return_pickup_id
        )
    ids = list(stops.filter(status=StopStatus.PENDING).values_list("pk", flat=True))
    route_progress.close_stops(ids, status=StopStatus.FAILED, reason=reason)
    return _("Recorded as failed.")
