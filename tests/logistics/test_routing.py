"""The routing layer on instances small enough to check by hand, and a property test."""

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.routing import (
    CARGO_SKILL,
    Location,
    RoutePlan,
    ServiceTimes,
    Shipment,
    Unassigned,
    Vehicle,
    plan_routes,
)
from logistics.routing_checks import pickup_windows

H = 3600
NINE, TEN, ELEVEN, NOON, SIX_PM = 9 * H, 10 * H, 11 * H, 12 * H, 18 * H
TIMES = ServiceTimes(pickup_setup=180, pickup_service=30, delivery_setup=60, delivery_service=90)
SECONDS_PER_KM = {"bike": 250, "cargo_bike": 400, "e_van": 150}


def at(km: float) -> Location:
    """A point on a straight street, `km` from the hub (see LineProvider)."""
    return Location(52.0, km)


class LineProvider:
    """Everything lies on one straight street; longitude is the position in km."""

    def __init__(self) -> None:
        self.kinds: list[str] = []

    def matrix(self, locations, vehicle_kind):
        self.kinds.append(vehicle_kind)
        metres = [
            [round(abs(a.longitude - b.longitude) * 1000) for b in locations] for a in locations
        ]
        per_km = SECONDS_PER_KM[vehicle_kind]
        return [[m * per_km // 1000 for m in row] for row in metres], metres


HUB, SHOP_A, SHOP_B = at(0), at(1), at(2)
ANNA = Vehicle("anna", "bike", 3, 40, NINE, NOON, start=HUB, end=HUB)
BRAM = Vehicle("bram", "cargo_bike", 6, 200, NINE, NOON, start=HUB)  # ends at his last stop


def shipment(shipment_id: str, shop: Location, to: Location, **fields) -> Shipment:
    group = {SHOP_A: "shop-a", SHOP_B: "shop-b"}.get(shop)
    defaults = {
        "pickup_windows": [(NINE, SIX_PM)],
        "ready_at": NINE,
        "delivery_window": (NINE, NOON),
        "parts": 1,
        "litres": 10,
        "pickup_group": group,
    }
    return Shipment(shipment_id, shop, delivery=to, **{**defaults, **fields})


# Shop A: p1 and p2 going east. Shop B (opens at ten): p4, bulky, 80 litres (cargo bike only).
# Anna already carries p3 and takes it west; Bram rides the eastern loop.
P1 = shipment("p1", SHOP_A, at(3), delivery_window=(NINE, ELEVEN))
P2 = shipment("p2", SHOP_A, at(3.5))
P3 = shipment("p3", SHOP_A, at(-2), picked_up_by="anna")
P4 = shipment("p4", SHOP_B, at(2.5), pickup_windows=[(TEN, SIX_PM)], litres=80, bulky=True)
SHIPMENTS = [P1, P2, P3, P4]


def plan(vehicles=(ANNA, BRAM), shipments=SHIPMENTS, provider=None, **options) -> RoutePlan:
    options = {"service_times": TIMES, "time_limit": 2, **options}
    provider = provider or LineProvider()
    return plan_routes(
        vehicles=list(vehicles), shipments=list(shipments), travel_times=provider, **options
    )


def stops_of(result: RoutePlan) -> dict:
    return {
        route.vehicle_id: [(s.kind, s.shipment_id) for s in route.stops] for route in result.routes
    }


def test_hand_checked_instance_gets_the_optimal_routes():
    provider = LineProvider()
    result = plan(provider=provider)
    routes = {route.vehicle_id: route for route in result.routes}
    assert result.unassigned == ()
    assert stops_of(result)["anna"] == [("delivery", "p3")]
    first_two = {stop.shipment_id for stop in routes["bram"].stops[:2]}
    assert first_two == {"p1", "p2"}
    assert stops_of(result)["bram"][2:] == [
        ("pickup", "p4"),
        ("delivery", "p4"),
        ("delivery", "p1"),
        ("delivery", "p2"),
    ]
    # Hub -> -2 km -> hub on a bike; hub -> A -> B -> 2.5 -> 3 -> 3.5 km on a cargo bike.
    assert (routes["anna"].distance_metres, routes["anna"].duration_seconds) == (4000, 1000)
    assert (routes["bram"].distance_metres, routes["bram"].duration_seconds) == (3500, 1400)
    assert sorted(provider.kinds) == ["bike", "cargo_bike"]  # one matrix per kind


def test_several_shipments_at_one_shop_are_one_stop_with_one_setup():
    bram = {route.vehicle_id: route for route in plan().routes}["bram"]
    first, second = bram.stops[:2]
    assert first.location == second.location == SHOP_A
    assert second.arrival == first.departure  # no riding in between
    assert first.departure - first.service_start == TIMES.pickup_setup + TIMES.pickup_service
    assert second.departure - second.service_start == TIMES.pickup_service


def test_windows_capacities_and_precedence_hold_on_the_hand_checked_instance():
    assert_valid(plan(), [ANNA, BRAM], SHIPMENTS)


def test_pickup_waits_for_the_shop_to_open():
    bram = {route.vehicle_id: route for route in plan().routes}["bram"]
    pickup_p4 = next(stop for stop in bram.stops if stop.shipment_id == "p4")
    assert pickup_p4.service_start == TEN


def test_a_carried_shipment_stays_on_its_courier_even_when_another_is_closer():
    near = replace(ANNA, start=at(3), end=None)
    far = replace(BRAM, start=at(-5))
    carried = shipment("p9", SHOP_A, at(3.2), picked_up_by="bram")
    assert stops_of(plan(vehicles=[near, far], shipments=[carried])) == {
        "bram": [("delivery", "p9")]
    }


def test_a_bulky_shipment_goes_to_the_cargo_bike_even_when_the_bike_has_room():
    roomy = replace(ANNA, capacity_litres=500)
    bulky = shipment("p5", SHOP_A, at(1.5), litres=20, bulky=True)
    assert stops_of(plan(vehicles=[roomy, BRAM], shipments=[bulky])) == {
        "bram": [("pickup", "p5"), ("delivery", "p5")]
    }


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (shipment("x", SHOP_A, at(3), parts=7), "larger than any courier's capacity"),
        (shipment("x", SHOP_A, at(3), litres=201), "larger than any courier's capacity"),
        (
            shipment("x", SHOP_A, at(3), pickup_windows=[(NINE, TEN)], ready_at=TEN + 1),
            "shop closed before the shipment is ready",
        ),
        (shipment("x", SHOP_A, at(3), pickup_windows=[]), "shop is closed all day"),
        (
            shipment("x", SHOP_A, at(3), delivery_window=(13 * H, 14 * H)),
            "outside every courier's shift",
        ),
        (
            shipment(
                "x",
                SHOP_B,
                at(3),
                pickup_windows=[(TEN, SIX_PM)],
                delivery_window=(NINE, NINE + H // 2),
            ),
            "delivery window ends before the shipment can be picked up",
        ),
        (
            shipment("x", SHOP_A, at(3), picked_up_by="cees"),
            "carried by a courier who is not in this plan",
        ),
        (
            shipment("x", SHOP_A, at(3), picked_up_by="anna", delivery_window=(13 * H, 14 * H)),
            "delivery window outside the shift of the courier carrying it",
        ),
        # Passes every check, but 40 km is not ridden in half an hour.
        (shipment("x", SHOP_A, at(40), delivery_window=(NINE, NINE + H // 2)), "no feasible route"),
    ],
)
def test_an_infeasible_shipment_is_listed_with_its_reason(bad, reason):
    result = plan(shipments=[*SHIPMENTS, bad])
    assert result.unassigned == (Unassigned("x", reason),)
    assert {stop.shipment_id for route in result.routes for stop in route.stops} == {
        "p1",
        "p2",
        "p3",
        "p4",
    }


def test_a_bulky_shipment_without_a_cargo_bike_is_listed():
    result = plan(vehicles=[ANNA], shipments=[P4])
    assert result == RoutePlan((), (Unassigned("p4", "no cargo bike or van for a bulky shipment"),))


def test_no_couriers_means_nothing_is_planned():
    assert plan(vehicles=[], shipments=[P1]).unassigned == (
        Unassigned("p1", "no courier on shift"),
    )


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate shipment ids"):
        plan(shipments=[P1, P1])


def test_pickup_window_is_opening_hours_from_ready_time():
    split = shipment(
        "x", SHOP_A, at(3), pickup_windows=[(14 * H, 18 * H), (9 * H, 12 * H)], ready_at=TEN
    )
    assert pickup_windows(split) == [(TEN, NOON), (14 * H, SIX_PM)]


# --- properties on random small instances ---------------------------------------------------


def assert_valid(result: RoutePlan, vehicles: list[Vehicle], shipments: list[Shipment]) -> None:
    by_id = {p.id: p for p in shipments}
    on_routes = [
        stop.shipment_id
        for route in result.routes
        for stop in route.stops
        if stop.kind == "delivery"
    ]
    unassigned = [item.shipment_id for item in result.unassigned]
    assert sorted(on_routes + unassigned) == sorted(by_id)  # each shipment exactly once
    for route in result.routes:
        vehicle = next(v for v in vehicles if v.id == route.vehicle_id)
        assert_route_valid(route, vehicle, by_id)


def assert_route_valid(route, vehicle: Vehicle, by_id: dict) -> None:
    carried = [
        by_id[s.shipment_id] for s in route.stops if by_id[s.shipment_id].picked_up_by is not None
    ]
    assert all(p.picked_up_by == vehicle.id for p in carried)
    load = [sum(p.parts for p in carried), sum(p.litres for p in carried)]
    picked: set = set()
    for stop in route.stops:
        p = by_id[stop.shipment_id]
        sign = 1 if stop.kind == "pickup" else -1
        load = [load[0] + sign * p.parts, load[1] + sign * p.litres]
        assert load[0] <= vehicle.capacity_parts and load[1] <= vehicle.capacity_litres
        assert min(load) >= 0
        assert_on_time(stop, p)
        assert not p.bulky or p.picked_up_by is not None or CARGO_SKILL in vehicle.all_skills
        if stop.kind == "pickup":
            picked.add(p.id)
        else:
            assert p.picked_up_by is not None or p.id in picked  # pickup first, same route
        assert vehicle.shift_start <= stop.arrival and stop.departure <= vehicle.shift_end


def assert_on_time(stop, p: Shipment) -> None:
    windows = pickup_windows(p) if stop.kind == "pickup" else [p.delivery_window]
    assert any(start <= stop.service_start <= end for start, end in windows)
    assert stop.arrival <= stop.service_start <= stop.departure


KINDS = st.sampled_from(["bike", "cargo_bike", "e_van"])
POSITIONS = st.integers(-4, 4).map(lambda half_km: at(half_km / 2))
HOURS = st.integers(8, 16)
# Mostly plannable shipments, with enough odd ones to reach every reason.
MOSTLY_FALSE = st.sampled_from([False, False, False, True])


@st.composite
def vehicles(draw) -> list[Vehicle]:
    result = []
    for number in range(draw(st.integers(1, 3))):
        start = draw(st.integers(8, 11)) * H
        home = draw(POSITIONS)
        result.append(
            Vehicle(
                f"v{number}",
                draw(KINDS),
                capacity_parts=draw(st.integers(1, 6)),
                capacity_litres=draw(st.integers(20, 150)),
                shift_start=start,
                shift_end=start + draw(st.integers(3, 9)) * H,
                start=home,
                end=draw(st.sampled_from([home, None])),
            )
        )
    return result


@st.composite
def shipments(draw, couriers: list[Vehicle]) -> list[Shipment]:
    return [draw(one_shipment(f"p{number}", couriers)) for number in range(draw(st.integers(0, 8)))]


@st.composite
def one_shipment(draw, shipment_id: str, couriers: list[Vehicle]) -> Shipment:
    shop = draw(POSITIONS)
    opens = draw(st.integers(8, 11)) * H
    slot = draw(st.integers(10, 15)) * H
    carried = draw(MOSTLY_FALSE)
    return Shipment(
        shipment_id,
        shop,
        pickup_windows=[(opens, opens + draw(st.integers(1, 9)) * H)],
        ready_at=draw(st.integers(8, 13)) * H,
        delivery=draw(POSITIONS),
        delivery_window=(slot, slot + draw(st.sampled_from([H // 2, H, 2 * H]))),
        parts=draw(st.integers(1, 3)),
        litres=draw(st.integers(1, 60)),
        bulky=draw(MOSTLY_FALSE),
        picked_up_by=draw(st.sampled_from([c.id for c in couriers] + ["gone"]))
        if carried
        else None,
        pickup_group=f"shop@{shop.longitude}",
    )


@st.composite
def instances(draw):
    couriers = draw(vehicles())
    return couriers, draw(shipments(couriers))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances_give_valid_plans(instance):
    couriers, goods = instance
    result = plan(vehicles=couriers, shipments=goods, time_limit=0.5, exploration_level=2)
    assert_valid(result, couriers, goods)
