"""How the planner spends its time: VROOM's searches, then re-planning from the best plan."""

import time

import pytest

from logistics import routing_search, routing_vroom
from logistics.routing import Location, ServiceTimes, Shipment, Vehicle, plan_routes
from logistics.routing_vroom import read_plan
from logistics.travel_times import EuclideanProvider
from tests.logistics.test_routing import assert_valid

NO_SETUP = ServiceTimes(0, 0, 0, 0)
DEPOT = Location(0, 0)


def van(number: int) -> Vehicle:
    return Vehicle(number, "e_van", 8, 0, 0, 100_000, start=DEPOT, end=DEPOT)


def grid_shipments(count: int, **fields) -> list[Shipment]:
    """Pickups and deliveries spread over a 40 x 40 square, wide windows."""
    return [
        Shipment(
            id=f"p{number}",
            pickup=Location((number * 7) % 40, (number * 13) % 40),
            pickup_windows=[(0, 100_000)],
            ready_at=0,
            delivery=Location((number * 11) % 40, (number * 17) % 40),
            delivery_window=(0, 100_000),
            **fields,
        )
        for number in range(count)
    ]


def problem_for(vehicles, shipments, fixed_vehicle_cost=0):
    return routing_vroom.search_problem(
        vehicles=vehicles,
        shipments=shipments,
        travel_times=EuclideanProvider(scale=100),
        service_times=NO_SETUP,
        fixed_vehicle_cost=fixed_vehicle_cost,
    )


def one_shipment_after_another(shipments: int, vehicles: int) -> dict[int, list[tuple[str, int]]]:
    """A poor plan: each van picks up and delivers its shipments one at a time, in number order."""
    routes: dict[int, list[tuple[str, int]]] = {}
    for number in range(shipments):
        routes.setdefault(number % vehicles, []).extend(
            [("pickup", 2 * number), ("delivery", 2 * number + 1)]
        )
    return routes


def carried_in_turn(numbers) -> list[tuple[str, int]]:
    return [step for n in numbers for step in (("pickup", 2 * n), ("delivery", 2 * n + 1))]


def test_a_plan_handed_back_as_starting_routes_comes_back_whole_and_no_worse():
    shipments, vehicles = grid_shipments(12), [van(0), van(1)]
    problem = problem_for(vehicles, shipments)
    best = routing_search.run_solver(problem.build(None, None), time_limit=5, searches=2, depth=5)
    routes = routing_search.routes_of(best)
    assert sorted(task for steps in routes.values() for _, task in steps) == list(range(24))
    again = routing_search.run_solver(
        problem.build(routes, None), time_limit=5, searches=1, depth=0
    )
    assert routing_search.ranking(again) <= routing_search.ranking(best)
    assert_valid(read_plan(again, vehicles, shipments), vehicles, shipments)


def test_replanning_improves_a_poor_plan_and_keeps_every_shipment_and_constraint():
    shipments, vehicles = grid_shipments(30), [van(number) for number in range(5)]
    problem = problem_for(vehicles, shipments)
    poor = routing_search.run_solver(
        problem.build(one_shipment_after_another(30, 5), None), time_limit=0, searches=1, depth=0
    )
    better = routing_search.replan(problem, poor, deadline=time.perf_counter() + 20)
    assert routing_search.ranking(better) < routing_search.ranking(poor)
    assert better.summary.unassigned == 0
    assert_valid(read_plan(better, vehicles, shipments), vehicles, shipments)


def test_replanning_stops_once_it_no_longer_pays(monkeypatch):
    attempts = []
    original = routing_search._replan_once

    def counting(*arguments):
        attempts.append(arguments)
        return original(*arguments)

    monkeypatch.setattr(routing_search, "_replan_once", counting)
    shipments, vehicles = grid_shipments(3), [van(0)]
    problem = problem_for(vehicles, shipments)
    best = routing_search.run_solver(problem.build(None, None), time_limit=5, searches=2, depth=5)
    # An hour's limit: it returns because three shipments stop improving, not because of time.
    found = routing_search.replan(problem, best, deadline=time.perf_counter() + 3600)
    assert found.summary.cost == best.summary.cost
    stall_limit = max(2 * routing_search.NB_THREADS, routing_search.STALL_SWEEPS * 3 // 2)
    assert stall_limit <= len(attempts) < stall_limit + routing_search.NB_THREADS


def test_some_replans_take_out_a_whole_short_route_so_that_a_vehicle_can_go():
    shipments, vehicles = grid_shipments(10), [van(number) for number in range(4)]
    problem = problem_for(vehicles, shipments, fixed_vehicle_cost=10_000_000)
    routes = {0: carried_in_turn(range(1)), 1: carried_in_turn(range(1, 6))}
    routes[2] = carried_in_turn(range(6, 10))
    rng = routing_search.random.Random(1)
    assert routing_search._route_shipments(problem, routes, rng) == {0}  # the shortest third
    start = routing_search.run_solver(
        problem.build(routes, None), time_limit=0, searches=1, depth=0
    )
    # Without the one-shipment route VROOM fits that shipment elsewhere: a vehicle (or more) less.
    fewer = routing_search._replan_once(problem, routes, {0}, 5.0, depth=5)
    vans = {int(vehicle) for vehicle in fewer.routes["vehicle_id"]}
    assert len(vans) < 3 and fewer.summary.unassigned == 0
    assert routing_search.ranking(fewer) < routing_search.ranking(start)


def test_related_shipments_are_those_with_near_pickups_and_deliveries():
    near, also_near, far = (
        Shipment(name, Location(x, 0), [(0, 9_999)], 0, Location(x, 5), (0, 9_999))
        for name, x in (("a", 0), ("b", 1), ("c", 30))
    )
    problem = problem_for([van(0)], [near, far, also_near])
    assert list(problem.nearest(0)) == [0, 2, 1]
    assert list(problem.nearest(1)) == [1, 2, 0]


@pytest.mark.parametrize(("shipments", "removed"), [(1, 1), (3, 2), (200, 20), (1000, 40)])
def test_a_replan_takes_out_a_tenth_of_the_shipments_within_bounds(shipments, removed):
    assert routing_search.ruin_size(shipments) == removed


def test_a_carried_shipment_stays_on_its_courier_through_replanning():
    vehicles = [van(0), van(1)]
    goods = [*grid_shipments(8), *grid_shipments(1, picked_up_by=1)]
    goods[-1] = Shipment(**{**goods[-1].__dict__, "id": "carried"})
    plan = plan_routes(
        vehicles=vehicles,
        shipments=goods,
        travel_times=EuclideanProvider(scale=100),
        service_times=NO_SETUP,
        time_limit=3,
    )
    on = {stop.shipment_id: route.vehicle_id for route in plan.routes for stop in route.stops}
    assert on["carried"] == 1 and plan.unassigned == ()
    assert_valid(plan, vehicles, goods)
