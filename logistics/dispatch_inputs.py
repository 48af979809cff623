"""The day's couriers and delivery parts, read from the database as routing inputs.

Times are wall-clock seconds since midnight of the planned day in the centre's time zone,
as the routing layer wants them (logistics.routing_types). A moment on an earlier day counts
as 0 and one on a later day as the day's end, so windows clip rather than wrap.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from shops.hours import schedule_for
from shops.models import OpeningHoursException

from . import return_pickups
from .models import (
    Courier,
    DeliverySettings,
    Hub,
    OrderPart,
    PartMethod,
    PartStatus,
    PostcodeArea,
    RouteStop,
    StopKind,
    StopStatus,
)
from .routing import Location, Shipment, Vehicle

DAY = 24 * 3600
S = PartStatus
PLANNED_STATES = (S.ACCEPTED, S.READY, S.HANDED_OVER)
# Reasons found here, before routing; the routing layer adds its own (logistics.routing_checks).
NO_ADDRESS = "no coordinates for the delivery address"
NOT_ON_A_ROUTE = "handed over outside a planned route"


@dataclass
class DayInputs:
    vehicles: list[Vehicle] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)  # part id -> why it is left out
    statuses: dict[int, str] = field(default_factory=dict)  # part id -> status when loaded


def seconds_of(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def seconds_into(day: date, moment: datetime) -> int:
    local = timezone.localtime(moment)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY
    return seconds_of(local.time())


def location(latitude, longitude) -> Location | None:
    if latitude is None or longitude is None:
        return None
    return position(latitude, longitude)


def position(latitude, longitude) -> Location:
    """Of a place whose coordinates are required (a shop, the hub)."""
    return Location(float(latitude), float(longitude))


def load(*, day: date, now: datetime) -> DayInputs:
    inputs = DayInputs()
    parts = day_parts(day)
    carriers = carriers_of(day)
    preparation = timedelta(minutes=DeliverySettings.current().preparation_minutes)
    for part in parts:
        inputs.statuses[part.pk] = part.status
        carrier = carriers.get(part.pk)
        built = shipment_for(
            part, day=day, ready=ready_moment(part, now, preparation), carrier=carrier
        )
        if isinstance(built, str):
            inputs.reasons[part.pk] = built
        else:
            inputs.shipments.append(built)
    # Consumers' returns ride along as shipments from their door to the shop.
    returns, _reasons = return_pickups.day_shipments(day)
    inputs.shipments.extend(returns)
    start = depot(parts)
    inputs.vehicles = vehicles_for(day, now, start, positions_of(day))
    return inputs


def day_parts(day: date) -> list[OrderPart]:
    """Delivery parts of the day still to move, minus those whose stop failed: a failed
    part waits to be rebooked (logistics.rebooking), which clears delivery_failed_at and
    brings it back here for its new slot's day."""
    exceptions = OpeningHoursException.objects.filter(date=day)
    on_day = Q(method=PartMethod.DELIVERY, slot__date=day)
    if day == timezone.localdate():
        on_day |= Q(method=PartMethod.HUB)  # hub parts go the day they are ready
    return list(
        OrderPart.objects.filter(on_day, status__in=PLANNED_STATES)
        .filter(delivery_failed_at__isnull=True)
        .select_related("shop", "slot")
        .prefetch_related(
            "shop__opening_hours", Prefetch("shop__opening_exceptions", queryset=exceptions)
        )
        .order_by("shop_id", "pk")
    )


def carriers_of(day: date) -> dict[int, int]:
    """Part id -> the courier whose pickup stop for it is done today: they carry it."""
    done = RouteStop.objects.filter(
        route__date=day, kind=StopKind.PICKUP, status=StopStatus.DONE
    ).values_list("part_id", "route__courier_id")
    return dict(done)


def ready_moment(part: OrderPart, now: datetime, preparation: timedelta) -> datetime:
    """Ready parts are ready since they were marked so; accepted ones after the usual
    preparation time from now."""
    if part.status == S.ACCEPTED:
        return now + preparation
    return part.ready_at or now


def shipment_for(
    part: OrderPart, *, day: date, ready: datetime, carrier: Hashable | None
) -> Shipment | str:
    hub = Hub.objects.order_by("pk").first() if part.method == PartMethod.HUB else None
    window: tuple[int, int] | None
    if hub is not None:
        delivery = location(hub.latitude, hub.longitude)
        window = (seconds_of(hub.opens), seconds_of(hub.closes))
    else:
        delivery = location(part.latitude, part.longitude) or postcode_centroid(part.postcode)
        window = (seconds_of(part.slot.starts), seconds_of(part.slot.ends)) if part.slot else None
    if delivery is None or window is None:
        return NO_ADDRESS
    if part.status == S.HANDED_OVER and carrier is None:
        return NOT_ON_A_ROUTE
    periods = schedule_for(part.shop).periods_on(day)
    return Shipment(
        id=part.pk,
        pickup=position(part.shop.latitude, part.shop.longitude),
        pickup_windows=[(seconds_of(opens), seconds_of(closes)) for opens, closes in periods],
        ready_at=seconds_into(day, ready),
        delivery=delivery,
        delivery_window=window,
        litres=part.volume_litres,
        bulky=part.bulky,
        picked_up_by=carrier if part.status == S.HANDED_OVER else None,
        assigned_to=part.pinned_courier_id if part.status != S.HANDED_OVER else None,
        pickup_group=f"shop-{part.shop_id}",
    )


def postcode_centroid(postcode: str) -> Location | None:
    digits = "".join(ch for ch in postcode if ch.isdigit())[:4]
    area = PostcodeArea.objects.filter(pc4=digits).first() if len(digits) == 4 else None
    return location(area.latitude, area.longitude) if area else None


def depot(parts: list[OrderPart]) -> Location:
    """Where routes start and end: the hub, else the first shop of the day, else the centre."""
    hub = Hub.objects.order_by("pk").first()
    if hub is not None:
        return position(hub.latitude, hub.longitude)
    if parts:
        return position(parts[0].shop.latitude, parts[0].shop.longitude)
    return Location(settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE)


def positions_of(day: date) -> dict[int, Location]:
    """Courier id -> where their last closed stop of the day was: a re-planned route goes on
    from there rather than from the depot."""
    closed = (
        RouteStop.objects.filter(route__date=day)
        .exclude(status=StopStatus.PENDING)
        .select_related("route", "part__shop", "return_pickup__shop")
        .order_by("done_at", "sequence")
    )
    positions = {}
    for stop in closed:
        part = stop.part
        returned = stop.return_pickup
        if part is None and returned is not None:
            # A return: picked up at the consumer's door, dropped at the shop.
            at_door = stop.kind == StopKind.PICKUP
            place = returned if at_door else returned.shop
            positions[stop.route.courier_id] = location(place.latitude, place.longitude)
            continue
        if part is None:
            continue
        if stop.kind == StopKind.PICKUP:
            positions[stop.route.courier_id] = location(part.shop.latitude, part.shop.longitude)
        else:
            positions[stop.route.courier_id] = location(part.latitude, part.longitude)
    return {courier: where for courier, where in positions.items() if where is not None}


def vehicles_for(
    day: date, now: datetime, depot_at: Location, positions: dict[int, Location]
) -> list[Vehicle]:
    """Active couriers with a shift that weekday; today, only what is left of the shift."""
    earliest = seconds_into(day, now)
    couriers = Courier.objects.filter(is_active=True, shifts__weekday=day.weekday()).order_by("pk")
    vehicles = []
    for courier in couriers.prefetch_related("shifts"):
        shift = next(s for s in courier.shifts.all() if s.weekday == day.weekday())
        starts, ends = max(seconds_of(shift.starts), earliest), seconds_of(shift.ends)
        if starts >= ends:
            continue  # the shift is over: their shipments are listed as not planned
        vehicles.append(
            Vehicle(
                id=courier.pk,
                kind=courier.vehicle,
                capacity_parts=courier.capacity_parts,
                capacity_litres=courier.capacity_litres,
                shift_start=starts,
                shift_end=ends,
                start=positions.get(courier.pk, depot_at),
                end=depot_at,
            )
        )
    return vehicles
