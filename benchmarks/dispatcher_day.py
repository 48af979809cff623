"""The dispatcher on city days: batched courier routes against one trip per order.

Built in memory, without the database: the shops (coordinates, opening hours) come from the
demo-city generator; orders and couriers are drawn here from a fixed seed. Each order is one
shipment from one shop to an address within 3 km of the centre, in a 2-hour slot between 10:00
and 20:00, ready during the shop's opening hours. Couriers ride bikes and cargo bikes on
shifts 9-17 and 12-20, starting and ending at a hub at the centre.

Sizes: smoke plans 40 orders on 3 couriers; full plans the demo-city day of 200 orders on
10 couriers and a large day of 1,000 orders on 30 couriers, each in the planner's own budget.

Our path: `logistics.routing.plan_routes` with the `HaversineProvider` (the dispatcher's
default) and its own time budget (`planning_budget`, as the production dispatcher). Baseline,
same run and same provider: one courier trip per order, hub -> shop -> customer -> hub.
Figures: km per delivered order for both and their ratio, on-time rate (delivery service
starting within the slot, read from the plan's stop times), delivered and unplanned counts,
seconds spent planning (matrices included). Every route is re-checked
(windows, pickup before delivery on the same courier, capacity) and breaches are counted.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date

from benchmarks import benchmark
from logistics.routing import Location, RoutePlan, Shipment, Vehicle, plan_routes, planning_budget
from logistics.travel_times import HaversineProvider
from marketplace.demo_city.generator import SIZES as CITY_SIZES
from marketplace.demo_city.generator import ShopSpec, generate_city, point_near

CENTRE = (52.2551, 6.1599)  # Deventer
DAY = date(2026, 11, 27)  # a Friday: shops open 8:30 or 9:30 until 18:00
CITY_SEED = 20261127
ORDER_SEED = 7
ADDRESS_RADIUS_METRES = 3000
SLOT_STARTS_HOURS = (10, 12, 14, 16, 18)  # 2-hour slots, the last ends at 20:00
BULKY_SHARE = 0.05
# (orders, couriers) per day planned; full plans the demo-city day (goal <= 10 s) and a
# larger city day (goal <= 30 s), each in the planner's own budget (`planning_budget`).
SIZES = {"smoke": [(40, 3)], "full": [(200, 10), (1000, 30)]}
SECONDS_GOALS = {200: 10, 1000: 30}
# Kind, shipments, litres (as the demo city's couriers); shifts alternate early and late.
VEHICLE_ROTATION = (("bike", 6, 60), ("cargo_bike", 20, 300))
SHIFTS = ((9 * 3600, 17 * 3600), (12 * 3600, 20 * 3600))
HOUR = 3600


@dataclass(frozen=True)
class Day:
    hub: Location
    vehicles: tuple[Vehicle, ...]
    shipments: tuple[Shipment, ...]


def build_day(orders: int, couriers: int) -> Day:
    city = generate_city(CITY_SIZES["demo"], seed=CITY_SEED, today=DAY, centre=CENTRE)
    shops = [shop for shop in city.shops if opening_windows(shop)]
    rng = random.Random(ORDER_SEED)
    hub = Location(*CENTRE)
    shipments = tuple(make_shipment(rng, number, rng.choice(shops)) for number in range(orders))
    return Day(hub, tuple(make_vehicle(number, hub) for number in range(couriers)), shipments)


def opening_windows(shop: ShopSpec) -> list[tuple[int, int]]:
    return [
        (_seconds(opens), _seconds(closes))
        for weekday, opens, closes in shop.hours
        if weekday == DAY.weekday()
    ]


def _seconds(moment) -> int:
    return moment.hour * HOUR + moment.minute * 60


def make_shipment(rng: random.Random, number: int, shop: ShopSpec) -> Shipment:
    slot_start = rng.choice(SLOT_STARTS_HOURS) * HOUR
    windows = opening_windows(shop)
    opens, closes = windows[0][0], windows[-1][1]
    # Ready during opening hours, by the slot's start (or a quarter before closing).
    latest = max(opens, min(closes - 15 * 60, slot_start))
    latitude, longitude = point_near(rng, CENTRE, ADDRESS_RADIUS_METRES)
    bulky = rng.random() < BULKY_SHARE
    return Shipment(
        id=f"order-{number + 1:03d}",
        pickup=Location(float(shop.latitude), float(shop.longitude)),
        pickup_windows=windows,
        ready_at=rng.randint(opens, latest),
        delivery=Location(float(latitude), float(longitude)),
        delivery_window=(slot_start, slot_start + 2 * HOUR),
        litres=rng.randint(40, 90) if bulky else rng.randint(2, 15),
        bulky=bulky,
        pickup_group=shop.slug,
    )


def make_vehicle(number: int, hub: Location) -> Vehicle:
    kind, shipments, litres = VEHICLE_ROTATION[number % len(VEHICLE_ROTATION)]
    # Pairs of couriers share a shift, so both kinds ride early and late.
    shift_start, shift_end = SHIFTS[(number // 2) % len(SHIFTS)]
    return Vehicle(
        id=f"courier-{number + 1:02d}",
        kind=kind,
        capacity_parts=shipments,
        capacity_litres=litres,
        shift_start=shift_start,
        shift_end=shift_end,
        start=hub,
        end=hub,
    )


def one_trip_per_order_metres(day: Day, provider: HaversineProvider) -> dict[str, int]:
    """Shipment id -> metres of its own trip hub -> shop -> customer -> hub."""
    locations = [day.hub]
    for shipment in day.shipments:
        locations += [shipment.pickup, shipment.delivery]
    _, metres = provider.matrix(locations, "bike")
    trips = {}
    for number, shipment in enumerate(day.shipments):
        shop, customer = 1 + 2 * number, 2 + 2 * number
        trips[shipment.id] = metres[0][shop] + metres[shop][customer] + metres[customer][0]
    return trips


def check_plan(day: Day, plan: RoutePlan) -> tuple[int, int]:
    """(deliveries on time, breaches of windows, capacity or pickup-before-delivery order)."""
    shipments = {shipment.id: shipment for shipment in day.shipments}
    vehicles = {vehicle.id: vehicle for vehicle in day.vehicles}
    on_time = breaches = 0
    for route in plan.routes:
        vehicle, on_board, load = vehicles[route.vehicle_id], set(), [0, 0]
        for stop in route.stops:
            shipment, sign = shipments[stop.shipment_id], 1 if stop.kind == "pickup" else -1
            if stop.kind == "pickup":
                breaches += not _in_any(stop.service_start, shipment.pickup_windows)
                breaches += stop.service_start < shipment.ready_at
                on_board.add(shipment.id)
            else:
                inside = _in_any(stop.service_start, [shipment.delivery_window])
                on_time += inside
                breaches += (not inside) + (shipment.id not in on_board)
            load = [load[0] + sign * shipment.parts, load[1] + sign * shipment.litres]
            breaches += load[0] > vehicle.capacity_parts or load[1] > vehicle.capacity_litres
            breaches += shipment.bulky and vehicle.kind == "bike"
            breaches += not vehicle.shift_start <= stop.arrival <= vehicle.shift_end
    return on_time, breaches


def _in_any(moment: int, windows) -> bool:
    return any(start <= moment <= end for start, end in windows)


def measure(orders: int, couriers: int) -> dict:
    day = build_day(orders, couriers)
    provider = HaversineProvider()
    started = time.perf_counter()
    plan = plan_routes(vehicles=day.vehicles, shipments=day.shipments, travel_times=provider)
    seconds = time.perf_counter() - started
    delivered = [
        stop.shipment_id for r in plan.routes for stop in r.stops if stop.kind == "delivery"
    ]
    on_time, breaches = check_plan(day, plan)
    trips = one_trip_per_order_metres(day, provider)
    routed_km = sum(route.distance_metres for route in plan.routes) / 1000
    km_per_order = routed_km / len(delivered) if delivered else None
    baseline = sum(trips[shipment_id] for shipment_id in delivered) / 1000 / max(len(delivered), 1)
    baseline_all = sum(trips.values()) / 1000 / len(trips)
    return {
        "orders": orders,
        "couriers": couriers,
        "bulky_orders": sum(shipment.bulky for shipment in day.shipments),
        "delivered": len(delivered),
        "unplanned": len(plan.unassigned),
        "unplanned_reasons": dict(Counter(item.reason for item in plan.unassigned)),
        "routes": len(plan.routes),
        "km_total": round(routed_km, 2),
        "km_per_delivered_order": _round(km_per_order),
        "baseline_km_per_order": round(baseline, 3),
        "baseline_km_per_order_all_orders": round(baseline_all, 3),
        "ratio": _round(km_per_order / baseline if km_per_order else None),
        "on_time_rate": round(on_time / len(delivered), 4) if delivered else None,
        "breaches": breaches,
        "seconds": round(seconds, 3),
        "time_limit": round(planning_budget(day.shipments), 3),
        "goals": f"ratio <= 0.4, on_time_rate 1.0, seconds <= {SECONDS_GOALS.get(orders, 10)}",
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@benchmark("dispatch_city")
def run(size: str) -> dict:
    days = [measure(orders, couriers) for orders, couriers in SIZES[size]]
    for day in days:
        print(
            f"{day['orders']} orders, {day['couriers']} couriers: {day['delivered']} delivered,"
            f" {day['km_per_delivered_order']} km per order (x{day['ratio']} of one trip each),"
            f" on time {day['on_time_rate']}, {day['seconds']} s"
        )
    return {"days": days}
