"""The planner's time budget grows with the tasks, is capped, and reaches VROOM and plan_day."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from logistics import dispatch, dispatch_inputs, routing, routing_search, routing_vroom
from logistics.routing import (
    BASE_SECONDS,
    MAX_SECONDS,
    SECONDS_PER_TASK,
    Location,
    RoutePlan,
    Shipment,
    Vehicle,
    plan_routes,
    planning_budget,
)
from logistics.travel_times import EuclideanProvider

DEPOT = Location(0, 0)


def shipments(count: int, **fields) -> list[Shipment]:
    return [
        Shipment(
            id=number,
            pickup=Location(number % 7, 1),
            pickup_windows=[(0, 10_000)],
            ready_at=0,
            delivery=Location(number % 5, 3),
            delivery_window=(0, 10_000),
            **fields,
        )
        for number in range(count)
    ]


def van(vehicle_id) -> Vehicle:
    return Vehicle(vehicle_id, "e_van", 50, 0, 0, 10_000, start=DEPOT, end=DEPOT)


def test_the_budget_is_a_base_plus_seconds_per_task():
    assert (BASE_SECONDS, SECONDS_PER_TASK, MAX_SECONDS) == (0.5, 0.02, 22.0)
    # Fifty shipments at their shops are a hundred tasks: a pickup and a delivery each.
    assert planning_budget(shipments(50)) == pytest.approx(2.5)
    assert planning_budget(shipments(200)) == pytest.approx(8.5)
    assert planning_budget(shipments(500)) == pytest.approx(20.5)
    assert planning_budget([]) == pytest.approx(0.5)


def test_a_shipment_already_on_a_courier_is_one_task():
    carried = shipments(50, picked_up_by="anna")
    assert planning_budget(carried) == pytest.approx(0.5 + 0.02 * 50)


def test_the_budget_grows_with_the_tasks_up_to_the_cap():
    budgets = [planning_budget(shipments(count)) for count in (10, 100, 400, 530, 540, 1000)]
    assert budgets == sorted(budgets) and budgets[0] < budgets[2] < budgets[3] < MAX_SECONDS
    assert budgets[-2:] == [MAX_SECONDS, MAX_SECONDS]  # from 1,075 tasks on
    assert planning_budget(shipments(100), cap=3.0) == 3.0
    assert planning_budget(shipments(10), cap=3.0) == pytest.approx(0.9)


def test_plan_routes_gives_vroom_the_budget_of_the_plannable_shipments(monkeypatch):
    limits = []
    original = routing_search.run_searches

    def recording(problem, **options):
        limits.append(options["time_limit"])
        return original(problem, **options)

    monkeypatch.setattr(routing_search, "run_searches", recording)
    too_big = Shipment(
        id="piano", pickup=DEPOT, pickup_windows=[(0, 10)], ready_at=0,
        delivery=DEPOT, delivery_window=(0, 10), parts=99,
    )  # fmt: skip
    plan = plan_routes(
        vehicles=[van(1)], shipments=[*shipments(6), too_big], travel_times=EuclideanProvider()
    )
    assert limits == [pytest.approx(0.5 + 0.02 * 12)]  # the piano never reaches VROOM
    assert sum(len(route.stops) for route in plan.routes) == 12
    plan_routes(
        vehicles=[van(1)], shipments=shipments(2), travel_times=EuclideanProvider(), time_limit=0.3
    )
    assert limits[-1] == 0.3  # a caller's own limit is kept


def test_the_second_round_runs_the_searches_that_the_first_says_will_finish():
    # VROOM's own counts per exploration level (its get_nb_searches).
    assert [routing_search.level_searches(level) for level in range(6)] == [4, 8, 12, 16, 24, 32]
    count = routing_search.search_count
    assert count(first_round=1.0, time_left=3.5, exploration_level=5) == 6  # 3 per thread
    assert count(first_round=0.1, time_left=9.0, exploration_level=5) == 32  # the level's
    assert count(first_round=0.1, time_left=9.0, exploration_level=2) == 12
    assert count(first_round=1.0, time_left=1.9, exploration_level=5) == 0  # no more fit
    assert routing_search.NB_THREADS == 2  # both cores


def recorded_rounds(monkeypatch) -> list[dict]:
    """The real solver, with each call's options recorded."""
    calls = []
    original = routing_search.run_solver

    def recording(problem, **options):
        calls.append(options)
        return original(problem, **options)

    monkeypatch.setattr(routing_search, "run_solver", recording)
    return calls


def test_the_first_round_gets_part_of_the_limit_and_the_rest_goes_on(monkeypatch):
    calls = recorded_rounds(monkeypatch)
    vans = [van(1), Vehicle(2, "bike", 50, 0, 0, 10_000, start=DEPOT, end=DEPOT)]
    plan = plan_routes(
        vehicles=vans, shipments=shipments(8), travel_times=EuclideanProvider(), time_limit=4.0
    )
    first, *rest = calls
    assert first == {
        "time_limit": pytest.approx(4.0 * routing_search.FIRST_ROUND_SHARE, abs=0.05),
        "searches": routing_search.NB_THREADS,
        "depth": 5,
    }
    # Eight shipments take VROOM a moment: its whole level 5 follows, then re-plans, one
    # thread each, each within what is left of the limit.
    assert rest[0]["searches"] == 32 and rest[0]["time_limit"] < 4.0
    assert rest[1:] and all(call["threads"] == 1 for call in rest[1:])
    assert all(call["time_limit"] < rest[0]["time_limit"] for call in rest[1:])
    assert sum(len(route.stops) for route in plan.routes) == 16


def test_interchangeable_idle_vans_are_left_out_after_a_first_quick_plan(monkeypatch):
    offered = []
    original = routing_vroom.search_problem

    def recording(**arguments):
        problem = original(**arguments)

        def build(routes, vehicles):
            offered.append(None if vehicles is None else sorted(vehicles))
            return problem.build(routes, vehicles)

        return routing_search.SearchProblem(
            build, problem.shipments, problem.nearest, problem.shipment_of, problem.kinds
        )

    monkeypatch.setattr(routing_vroom, "search_problem", recording)
    plan = plan_routes(
        vehicles=[van(number) for number in range(10)],
        shipments=shipments(4),
        travel_times=EuclideanProvider(),
        time_limit=2.0,
        fixed_vehicle_cost=1_000_000,
    )
    (used,) = plan.routes
    # The quick plan sees all ten; then its van and two idle ones (the first two) are offered.
    assert offered[0] is None
    assert offered[1] == sorted(
        {used.vehicle_id, *[n for n in range(10) if n != used.vehicle_id][:2]}
    )


def test_only_couriers_who_carry_shipments_get_a_skill_of_their_own():
    vehicles = [van("anna"), van("bram")]
    numbers = routing_vroom.skill_numbers(
        vehicles, [*shipments(2), *shipments(1, picked_up_by="bram")]
    )
    assert ("courier", "bram") in numbers and ("courier", "anna") not in numbers
    assert len(set(numbers.values())) == len(numbers)


@pytest.mark.django_db
def test_plan_day_gives_the_solver_the_growing_budget_capped_by_the_setting(monkeypatch, settings):
    day = date(2026, 11, 27)
    now = datetime(2026, 11, 27, 8, tzinfo=ZoneInfo("Europe/Amsterdam"))
    limits = []

    def solver(**arguments):
        limits.append(arguments["time_limit"])
        return RoutePlan()

    monkeypatch.setattr(dispatch, "plan_routes", solver)
    settings.ROUTE_PLANNING_TIME_LIMIT = 12.0
    for count in (50, 2000):
        inputs = dispatch_inputs.DayInputs(vehicles=[van(1)], shipments=shipments(count))
        monkeypatch.setattr(dispatch_inputs, "load", lambda inputs=inputs, **_: inputs)
        dispatch.plan_day(day=day, now=now)
    dispatch.plan_day(day=day, now=now, time_limit=0.7)
    assert limits == [pytest.approx(2.5), 12.0, 0.7]
    assert routing.planning_budget(shipments(2000)) == MAX_SECONDS  # 22 s without the setting


@pytest.mark.django_db
def test_plan_now_in_a_web_request_plans_within_its_lower_cap(monkeypatch, settings):
    from tests.conftest import client_for
    from tests.factories import UserFactory

    limits = []

    def solver(**arguments):
        limits.append(arguments["time_limit"])
        return RoutePlan()

    monkeypatch.setattr(dispatch, "plan_routes", solver)
    inputs = dispatch_inputs.DayInputs(vehicles=[van(1)], shipments=shipments(2000))
    monkeypatch.setattr(dispatch_inputs, "load", lambda **_: inputs)
    settings.PLAN_NOW_TIME_LIMIT = 7.5
    client_for(UserFactory(is_staff=True)).post("/management/routes/plan/")
    assert limits == [7.5]
