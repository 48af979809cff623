"""The dispatcher's planner, in its own time budget, against a long VROOM run on larger days.

Instances are generated from a fixed seed in the spirit of Li & Lim's and Gehring &
Homberger's wide-window classes (lr2, lc2, lrc2): pickup-and-delivery pairs on a plane whose
side grows with the square root of the task count (constant density), the depot in the
middle, a horizon of 1,000, service 10 per stop, demands 10 to 40, capacity 1,000, windows
100 to 500 wide. Each pair can be served alone by one vehicle, so every instance is feasible.
Points are random (r), in clusters (c), or half and half (rc).

Our path: `benchmarks.dispatcher.solve_instance`, the dispatch_lilim strategy through
`logistics.routing.plan_routes`, within `routing.planning_budget` for the instance's tasks.
Reference, same run: VROOM itself (pyvroom, built here without the routing layer) at its
highest exploration level (5), both threads, given `REFERENCE_SECONDS`, with the same fixed
cost per vehicle (vehicles first, then distance). Distances are recomputed in floating point
and every route re-checked by `benchmarks.dispatcher` for both.

Figures per instance: distance and vehicles for both, the distance gap (and whether the
vehicle counts are equal, where the gap is the fair comparison), the vehicle gap, seconds.
"""

import math
import random
import statistics
import time
from datetime import timedelta

import vroom

from benchmarks import benchmark
from benchmarks.dispatcher import (
    SCALE,
    Instance,
    Node,
    Outcome,
    as_routing_problem,
    fixed_vehicle_cost,
    scaled,
    solve_instance,
    violations,
)
from logistics import routing
from logistics.routing_types import Location
from logistics.routing_vroom import TASK_TYPES
from logistics.travel_times import EuclideanProvider

HORIZON = 1000
SERVICE = 10
CAPACITY = 1000
WINDOW_WIDTHS = (100, 500)
DEMANDS = (10, 20, 30, 40)
SIDE_PER_100_TASKS = 70  # Li & Lim's 100-task plane is about 70 wide
TASKS_PER_CLUSTER = 25
TASKS_PER_VEHICLE = 5  # the fleet on offer; far more than needed
REFERENCE_LEVEL = 5
REFERENCE_THREADS = 2
SEED = 20261205
# (tasks, class) per size, and the reference's seconds per instance.
SIZES = {
    "smoke": ([(40, "lrc2")], 2.0),
    "full": ([(200, "lrc2"), (400, "lr2"), (400, "lc2"), (1000, "lrc2")], 60.0),
}
GOALS = "gap_pct <= 2 at equal vehicles, vehicles_gap_pct <= 5"


def generate(tasks: int, kind: str, seed: int = SEED) -> Instance:
    """A seeded wide-window instance of `tasks` stops (tasks // 2 pairs) of class `kind`."""
    rng = random.Random(f"{seed}-{tasks}-{kind}")
    side = SIDE_PER_100_TASKS * math.sqrt(tasks / 100)
    depot = (side / 2, side / 2)
    points = _points(rng, tasks - tasks % 2, side, kind)
    nodes = [Node(*depot, 0, 0, HORIZON, 0, 0)]
    for number in range(len(points) // 2):
        pickup, delivery = points[2 * number], points[2 * number + 1]
        nodes += _pair(rng, depot, pickup, delivery, delivery_index=len(nodes) + 1)
    return Instance(f"{kind}_{tasks}", tasks // TASKS_PER_VEHICLE, CAPACITY, tuple(nodes))


def _points(rng: random.Random, count: int, side: float, kind: str) -> list[tuple[float, float]]:
    clustered = {"lr2": 0, "lc2": count, "lrc2": count // 2}[kind]
    centres = [_uniform(rng, side) for _ in range(max(1, count // TASKS_PER_CLUSTER))]
    points = [_near(rng, rng.choice(centres), side) for _ in range(clustered)]
    points += [_uniform(rng, side) for _ in range(count - clustered)]
    rng.shuffle(points)
    return points


def _uniform(rng: random.Random, side: float) -> tuple[float, float]:
    return (round(rng.uniform(0, side)), round(rng.uniform(0, side)))


def _near(rng: random.Random, centre: tuple[float, float], side: float) -> tuple[float, float]:
    spread = side / 25
    x, y = (min(side, max(0.0, rng.gauss(c, spread))) for c in centre)
    return (round(x), round(y))


def _pair(rng, depot, pickup, delivery, *, delivery_index: int) -> list[Node]:
    """Windows around times at which one vehicle could serve this pair alone."""
    out, ride, back = (
        math.dist(depot, pickup),
        math.dist(pickup, delivery),
        math.dist(delivery, depot),
    )
    latest_pickup = HORIZON - 2 * SERVICE - ride - back
    at_pickup = rng.uniform(math.ceil(out), max(math.ceil(out), latest_pickup))
    at_delivery = at_pickup + SERVICE + ride
    demand = rng.choice(DEMANDS)
    pickup_window = _window(rng, at_pickup, HORIZON)
    delivery_window = _window(rng, at_delivery, HORIZON - SERVICE - back)
    return [
        Node(*pickup, demand, *pickup_window, SERVICE, delivery_index),
        Node(*delivery, -demand, *delivery_window, SERVICE, 0),
    ]


def _window(rng: random.Random, moment: float, last: float) -> tuple[int, int]:
    width = rng.randint(*WINDOW_WIDTHS)
    start = max(0, math.floor(moment - rng.uniform(0, width)))
    return start, max(math.ceil(moment), min(math.floor(last), start + width))


def reference_solve(instance: Instance, *, seconds: float) -> Outcome:
    """VROOM alone: level 5, both threads, `seconds`, the same fixed cost per vehicle."""
    problem = vroom.Input()
    # The planner's own rounding (up), so both are on time in exact arithmetic alike.
    places = [Location(node.x, node.y) for node in instance.nodes]
    table, _ = EuclideanProvider(scale=SCALE).matrix(places, "e_van")
    problem.set_durations_matrix("car", table)
    depot = instance.nodes[0]
    for number in range(instance.vehicles):
        problem.add_vehicle(
            vroom.Vehicle(
                number,
                start=0,
                end=0,
                capacity=[instance.capacity],
                time_window=vroom.TimeWindow(scaled(depot.earliest), scaled(depot.latest)),
                costs=vroom.VehicleCosts(fixed=fixed_vehicle_cost(instance)),
            )
        )
    for pickup, delivery in instance.pairs:
        problem.add_job(
            vroom.Shipment(
                _step(instance, pickup),
                _step(instance, delivery),
                amount=[instance.nodes[pickup].demand],
            )
        )
    solution = problem.solve(
        exploration_level=REFERENCE_LEVEL,
        nb_threads=REFERENCE_THREADS,
        timeout=timedelta(seconds=seconds),
    )
    return _outcome(solution, instance)


def _step(instance: Instance, index: int) -> vroom.ShipmentStep:
    node = instance.nodes[index]
    return vroom.ShipmentStep(
        index,
        index,
        default_service=scaled(node.service),
        time_windows=[vroom.TimeWindow(scaled(node.earliest), scaled(node.latest))],
    )


def _outcome(solution, instance: Instance) -> Outcome:
    frame = solution.routes
    routes = tuple(
        (0, *(int(step.id) for step in steps.itertuples() if step.type in TASK_TYPES), 0)
        for _, steps in frame.groupby("vehicle_id", sort=False)
    )
    assigned = sum(len(route) - 2 for route in routes)
    return Outcome(routes, (len(instance.nodes) - 1 - assigned) // 2)


def measure(instance: Instance, reference_seconds: float) -> dict:
    vehicles, shipments = as_routing_problem(instance, fleet=instance.vehicles)
    budget = routing.planning_budget(shipments)
    started = time.perf_counter()
    ours = solve_instance(instance, budget=budget)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs = reference_solve(instance, seconds=reference_seconds)
    reference_seconds_used = time.perf_counter() - started
    distance, reference = ours.distance(instance), theirs.distance(instance)
    return {
        "instance": instance.name,
        "tasks": len(instance.nodes) - 1,
        "vehicles": ours.vehicles(),
        "reference_vehicles": theirs.vehicles(),
        "distance": round(distance, 2),
        "reference_distance": round(reference, 2),
        "gap_pct": round(100 * (distance - reference) / reference, 3),
        "equal_vehicles": ours.vehicles() == theirs.vehicles(),
        "vehicles_gap_pct": round(
            100 * (ours.vehicles() - theirs.vehicles()) / theirs.vehicles(), 2
        ),
        "seconds": round(seconds, 3),
        "budget": round(budget, 3),
        "reference_seconds": round(reference_seconds_used, 3),
        "unassigned": ours.unassigned,
        "reference_unassigned": theirs.unassigned,
        "violations": violations(instance, ours),
        "reference_violations": violations(instance, theirs),
    }


def summarise(rows: list[dict]) -> dict:
    equal = [row["gap_pct"] for row in rows if row["equal_vehicles"]]
    vehicles = sum(row["vehicles"] for row in rows)
    reference = sum(row["reference_vehicles"] for row in rows)
    return {
        "instances": len(rows),
        "mean_gap_pct_at_equal_vehicles": round(statistics.mean(equal), 3) if equal else None,
        "max_gap_pct_at_equal_vehicles": max(equal) if equal else None,
        "instances_at_equal_vehicles": len(equal),
        "mean_gap_pct_all": round(statistics.mean(row["gap_pct"] for row in rows), 3),
        "vehicles_gap_pct": round(100 * (vehicles - reference) / reference, 2),
        "unassigned": sum(row["unassigned"] + row["reference_unassigned"] for row in rows),
        "violations": sum(row["violations"] + row["reference_violations"] for row in rows),
        "goals": GOALS,
        "per_instance": rows,
    }


def table(rows: list[dict]) -> str:
    header = (
        f"{'instance':<11}{'veh':>5}{'ref':>5}{'distance':>11}{'reference':>11}"
        f"{'gap%':>8}{'veh%':>7}{'s':>8}{'ref s':>8}"
    )
    lines = [header]
    for row in rows:
        mark = "" if row["equal_vehicles"] else "*"
        lines.append(
            f"{row['instance']:<11}{row['vehicles']:>5}{row['reference_vehicles']:>5}"
            f"{row['distance']:>11.1f}{row['reference_distance']:>11.1f}"
            f"{row['gap_pct']:>7.2f}{mark:1}{row['vehicles_gap_pct']:>7.1f}"
            f"{row['seconds']:>8.2f}{row['reference_seconds']:>8.2f}"
        )
    lines.append("* vehicle counts differ: the distance gap is not like for like")
    return "\n".join(lines)


@benchmark("dispatch_reference")
def run(size: str) -> dict:
    cases, reference_seconds = SIZES[size]
    rows = [measure(generate(tasks, kind), reference_seconds) for tasks, kind in cases]
    print(table(rows))
    return summarise(rows)
