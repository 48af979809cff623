"""Parcels that no courier can take, found before solving so they get a specific reason.

VROOM only says "unassigned"; these checks say why when the data alone shows it.
"""

from collections.abc import Hashable, Sequence

from logistics.routing_types import CARGO_SKILL, Parcel, Vehicle, Window

NO_COURIER = "no courier on shift"
NO_CARGO_VEHICLE = "no cargo bike or van for a bulky parcel"
TOO_LARGE = "larger than any courier's capacity"
SHOP_CLOSED_TODAY = "shop is closed all day"
SHOP_CLOSED_BEFORE_READY = "shop closed before the parcel is ready"
DELIVERY_BEFORE_PICKUP = "delivery window ends before the parcel can be picked up"
OUTSIDE_SHIFTS = "outside every courier's shift"
CARRIER_NOT_PLANNED = "carried by a courier who is not in this plan"
OUTSIDE_CARRIER_SHIFT = "delivery window outside the shift of the courier carrying it"
ASSIGNED_NOT_PLANNED = "given to a courier who is not in this plan"
NO_FEASIBLE_ROUTE = "no feasible route"


def unplannable(vehicles: Sequence[Vehicle], parcels: Sequence[Parcel]) -> dict[Hashable, str]:
    """Parcel id -> reason, for the parcels that cannot be on any route."""
    by_id = {vehicle.id: vehicle for vehicle in vehicles}
    reasons = {parcel.id: _reason(parcel, vehicles, by_id) for parcel in parcels}
    return {parcel_id: reason for parcel_id, reason in reasons.items() if reason}


def pickup_windows(parcel: Parcel) -> list[Window]:
    """The shop's opening windows from the moment the parcel is ready, sorted and merged."""
    windows: list[Window] = []
    for start, end in sorted(parcel.pickup_windows):
        start = max(start, parcel.ready_at)
        if start > end:
            continue
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def _reason(parcel: Parcel, vehicles: Sequence[Vehicle], by_id: dict) -> str | None:
    if parcel.picked_up_by is not None:
        return _carried_reason(parcel, by_id.get(parcel.picked_up_by))
    if parcel.assigned_to is not None:
        assigned = by_id.get(parcel.assigned_to)
        if assigned is None:
            return ASSIGNED_NOT_PLANNED
        vehicles = [assigned]
    if not vehicles:
        return NO_COURIER
    return _size_reason(parcel, vehicles) or _time_reason(parcel, _fitting(parcel, vehicles))


def _carried_reason(parcel: Parcel, carrier: Vehicle | None) -> str | None:
    if carrier is None:
        return CARRIER_NOT_PLANNED
    if not _overlap(parcel.delivery_window, (carrier.shift_start, carrier.shift_end)):
        return OUTSIDE_CARRIER_SHIFT
    return None


def _size_reason(parcel: Parcel, vehicles: Sequence[Vehicle]) -> str | None:
    if parcel.bulky and not any(CARGO_SKILL in vehicle.all_skills for vehicle in vehicles):
        return NO_CARGO_VEHICLE
    return None if _fitting(parcel, vehicles) else TOO_LARGE


def _time_reason(parcel: Parcel, vehicles: Sequence[Vehicle]) -> str | None:
    windows = pickup_windows(parcel)
    if not parcel.pickup_windows:
        return SHOP_CLOSED_TODAY
    if not windows:
        return SHOP_CLOSED_BEFORE_READY
    if parcel.delivery_window[1] < windows[0][0]:
        return DELIVERY_BEFORE_PICKUP
    if not any(_shift_allows(vehicle, windows, parcel.delivery_window) for vehicle in vehicles):
        return OUTSIDE_SHIFTS
    return None


def _fitting(parcel: Parcel, vehicles: Sequence[Vehicle]) -> list[Vehicle]:
    """Vehicles with room and the skills for this parcel, ignoring time."""
    return [
        vehicle
        for vehicle in vehicles
        if parcel.parcels <= vehicle.capacity_parcels
        and parcel.litres <= vehicle.capacity_litres
        and (not parcel.bulky or CARGO_SKILL in vehicle.all_skills)
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
