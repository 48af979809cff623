"""Routing options used by the Li & Lim benchmark; the town's defaults are unchanged."""

import pytest

from logistics.routing import Location, ServiceTimes, Shipment, Vehicle, plan_routes
from logistics.travel_times import EuclideanProvider

NO_SETUP = ServiceTimes(0, 0, 0, 0)
DEPOT = Location(0, 0)


def van(vehicle_id: int, end: Location | None = DEPOT) -> Vehicle:
    return Vehicle(vehicle_id, "e_van", 10, 0, 0, 1000, start=DEPOT, end=end)


def pair(shipment_id: int, x: float, **fields) -> Shipment:
    return Shipment(
        id=shipment_id,
        pickup=Location(x, 0),
        pickup_windows=[(0, 1000)],
        ready_at=0,
        delivery=Location(x, 4),
        delivery_window=(0, 1000),
        **fields,
    )


def test_euclidean_provider_uses_plane_coordinates_rounded_up():
    durations, distances = EuclideanProvider(scale=10).matrix(
        [Location(0, 0), Location(3, 4), Location(1, 1)], "bike"
    )
    assert durations == distances
    assert durations[0][1] == durations[1][0] == 50  # exact: not rounded up by float noise
    assert durations[0][2] == 15  # 14.142... rounded up
    assert [durations[i][i] for i in range(3)] == [0, 0, 0]


def test_per_shipment_service_times_replace_the_default_service():
    own = pair(1, 3, pickup_service_seconds=7, delivery_service_seconds=11)
    plain = pair(2, 30)
    times = ServiceTimes(pickup_setup=0, pickup_service=5, delivery_setup=0, delivery_service=6)
    plan = plan_routes(
        vehicles=[van(1), van(2)],
        shipments=[own, plain],
        travel_times=EuclideanProvider(),
        service_times=times,
        time_limit=1,
    )
    services = {
        (stop.shipment_id, stop.kind): stop.departure - stop.service_start
        for route in plan.routes
        for stop in route.stops
    }
    assert services == {(1, "pickup"): 7, (1, "delivery"): 11, (2, "pickup"): 5, (2, "delivery"): 6}


def test_a_negative_service_time_is_refused():
    with pytest.raises(ValueError, match="negative service time"):
        pair(1, 3, delivery_service_seconds=-1)


def test_a_fixed_vehicle_cost_makes_the_plan_use_fewer_vehicles():
    # Pairs on opposite sides; routes end at the last stop: two vans ride 2 x 14, one van 38.
    shipments = [pair(1, 10), pair(2, -10)]
    common = {
        "vehicles": [van(1, end=None), van(2, end=None)],
        "shipments": shipments,
        "travel_times": EuclideanProvider(),
        "service_times": NO_SETUP,
        "time_limit": 1,
    }
    assert len(plan_routes(**common).routes) == 2
    assert len(plan_routes(**common, fixed_vehicle_cost=10_000).routes) == 1
