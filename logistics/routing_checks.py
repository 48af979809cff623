"""Shipments that no courier can take, found before solving so they get a specific reason.

VROOM only says "unassigned"; these checks say why when the data alone shows it.
"""

from collections.abc import Hashable, Sequence

from logistics.routing_types import CARGO_SKILL, Shipment, Vehicle, Window

NO_COURIER = "no courier on shift"
NO_CARGO_VEHICLE = "no cargo bike or van for a bulky shipment"
TOO_LARGE = "larger than any courier's capacity"
SHOP_CLOSED_TODAY = "shop is closed all day"
SHOP_CLOSED_BEFORE_READY = "shop closed before the shipment is ready"
DELIVERY_BEFORE_PICKUP = "delivery window ends before the shipment can be picked up"
OUTSIDE_SHIFTS = "outside every courier's shift"
CARRIER_NOT_PLANNED = "carried by a courier who is not in this plan"
OUTSIDE_CARRIER_SHIFT = "delivery window outside the shift of the courier carrying it"
ASSIGNED_NOT_PLANNED = "given to a courier who is not in this plan"
NO_FEASIBLE_ROUTE = "no feasible route"


def unplannable(vehicles: Sequence[Vehicle], shipments: Sequence[Shipment]) -> dict[Hashable, str]:
    """Shipment id -> reason, for the shipments that cannot be on any route."""
    by_id = {vehicle.id: vehicle for vehicle in vehicles}
    reasons = {shipment.id: _reason(shipment, vehicles, by_id) for shipment in shipments}
    return {shipment_id: reason for shipment_id, reason in reasons.items() if reason}


def pickup_windows(shipment: Shipment) -> list[Window]:
    """The shop's opening windows from the moment the shipment is ready, sorted and merged."""
    windows: list[Window] = []
    for start, end in sorted(shipment.pickup_windows):
        start = max(start, shipment.ready_at)
        if start > end:
            continue
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _reason(shipment: Shipment, vehicles: Sequence[Vehicle], by_id: dict) -> str | None:
    if shipment.picked_up_by is not None:
        return _carried_reason(shipment, by_id.get(shipment.picked_up_by))
    if shipment.assigned_to is not None:
        assigned = by_id.get(shipment.assigned_to)
        if assigned is None:
            return ASSIGNED_NOT_PLANNED
        vehicles = [assigned]
    if not vehicles:
        return NO_COURIER
    return _size_reason(shipment, vehicles) or _time_reason(shipment, _fitting(shipment, vehicles))


def _carried_reason(shipment: Shipment, carrier: Vehicle | None) -> str | None:
    if carrier is None:
        return CARRIER_NOT_PLANNED
    if not _overlap(shipment.delivery_window, (carrier.shift_start, carrier.shift_end)):
        return OUTSIDE_CARRIER_SHIFT
    return None


def _size_reason(shipment: Shipment, vehicles: Sequence[Vehicle]) -> str | None:
    if shipment.bulky and not any(CARGO_SKILL in vehicle.all_skills for vehicle in vehicles):
        return NO_CARGO_VEHICLE
    return None if _fitting(shipment, vehicles) else TOO_LARGE


def _time_reason(shipment: Shipment, vehicles: Sequence[Vehicle]) -> str | None:
    windows = pickup_windows(shipment)
    if not shipment.pickup_windows:
        return SHOP_CLOSED_TODAY
    if not windows:
        return SHOP_CLOSED_BEFORE_READY
    if shipment.delivery_window[1] < windows[0][0]:
        return DELIVERY_BEFORE_PICKUP
    if not any(_shift_allows(vehicle, windows, shipment.delivery_window) for vehicle in vehicles):
        return OUTSIDE_SHIFTS
    return None


def _fitting(shipment: Shipment, vehicles: Sequence[Vehicle]) -> list[Vehicle]:
    """Vehicles with room and the skills for this shipment, ignoring time."""
    return [
        vehicle
        for vehicle in vehicles
        if shipment.parts <= vehicle.capacity_parts
        and shipment.litres <= vehicle.capacity_litres
        and (not shipment.bulky or CARGO_SKILL in vehicle.all_skills)
    ]


def _shift_allows(vehicle: Vehicle, pickups: list[Window], delivery: Window) -> bool:
    """Whether some pickup window and the delivery window fall in the shift, in that order."""
    shift = (vehicle.shift_start, vehicle.shift_end)
    on_delivery = _overlap(delivery, shift)
    starts = [window[0] for window in (_overlap(pickup, shift) for pickup in pickups) if window]
    return bool(on_delivery and starts and min(starts) <= on_delivery[1])


def _overlap(a: Window, b: Window) -> Window | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None
