"""The dispatcher's solver on the Li & Lim 100-task pickup-and-delivery benchmark.

Each instance is solved by the dispatcher's own routing layer, `logistics.routing.plan_routes`
(VROOM with the dispatcher's settings), with `EuclideanProvider` for the travel times: plane
coordinates, travel time = distance, as in the literature. Pairs become shipments with their own
service times; the depot is every vehicle's start, end and shift.
Li & Lim's objective is hierarchical (fewest vehicles, then distance) while VROOM minimises
cost, so we give vehicles a fixed cost (`fixed_vehicle_cost`), then retry with one vehicle
fewer while all tasks stay assigned, then re-solve at that fleet size without the fixed cost
to shorten the distance.
Distances are recomputed in floating point from the routes, and every route is re-checked
(capacity, time windows, pickup before delivery) so that rounding cannot flatter the figures.

Figures, per class (lc1, lr1, lrc1, ... from the instance names) and overall: gap to the
best-known distance at equal vehicle count (the literature's comparison) and on how many
instances the count was equal, the gap over all instances, vehicles used against the
best-known count, seconds per instance. A table is printed; the figures are returned.
"""

import json
import math
import re
import statistics
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from benchmarks import benchmark
from logistics import routing
from logistics.routing_types import Location, ServiceTimes, Shipment, Vehicle
from logistics.travel_times import EuclideanProvider

DATA = Path(__file__).resolve().parent / "data" / "li_lim_100"  # public Li & Lim PDPTW set
SCALE = 100  # VROOM takes integers: hundredths of a distance unit
EXPLORATION_LEVEL = 5
SMOKE_INSTANCES = 2
EPSILON = 1e-6
VEHICLE_KIND = "e_van"  # any kind: the Euclidean provider ignores it, and no shipment is bulky
NO_SETUP = ServiceTimes(0, 0, 0, 0)  # each shipment carries its own service time


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    demand: int
    earliest: float
    latest: float
    service: float
    delivery: int  # index of its delivery node, for a pickup; 0 otherwise


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    nodes: tuple[Node, ...]  # nodes[0] is the depot

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(i, node.delivery) for i, node in enumerate(self.nodes) if node.demand > 0]

    def distance(self, a: int, b: int) -> float:
        return math.dist((self.nodes[a].x, self.nodes[a].y), (self.nodes[b].x, self.nodes[b].y))


@dataclass(frozen=True)
class Outcome:
    routes: tuple[tuple[int, ...], ...]  # node indices, depot to depot
    unassigned: int

    def vehicles(self) -> int:
        return len(self.routes)

    def distance(self, instance: Instance) -> float:
        return sum(instance.distance(a, b) for route in self.routes for a, b in pairwise(route))


def load_instance(path: Path) -> Instance:
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    vehicles, capacity = int(rows[0][0]), int(rows[0][1])
    nodes = tuple(_node(row) for row in rows[1:])
    return Instance(path.stem, vehicles, capacity, nodes)


def _node(row: list[str]) -> Node:
    _, x, y, demand, earliest, latest, service, _pickup, delivery = (float(v) for v in row[:9])
    return Node(x, y, int(demand), earliest, latest, service, int(delivery))


def as_routing_problem(instance: Instance, *, fleet: int) -> tuple[list[Vehicle], list[Shipment]]:
    """The instance in the routing layer's terms: one shipment per pickup-delivery pair.

    Times and distances are in hundredths of a unit (`SCALE`); a shipment's id is the index of
    its pickup node, vehicle ids are 0..fleet-1. Li & Lim has no setup times and one demand.
    """
    depot = instance.nodes[0]
    home = _location(depot)
    vehicles = [
        Vehicle(
            id=number,
            kind=VEHICLE_KIND,
            capacity_parts=instance.capacity,
            capacity_litres=0,
            shift_start=scaled(depot.earliest),
            shift_end=scaled(depot.latest),
            start=home,
            end=home,
        )
        for number in range(fleet)
    ]
    shipments = [_shipment(instance, pickup, delivery) for pickup, delivery in instance.pairs]
    return vehicles, shipments


def _shipment(instance: Instance, pickup: int, delivery: int) -> Shipment:
    shop, consumer = instance.nodes[pickup], instance.nodes[delivery]
    return Shipment(
        id=pickup,
        pickup=_location(shop),
        pickup_windows=[(scaled(shop.earliest), scaled(shop.latest))],
        ready_at=scaled(shop.earliest),
        delivery=_location(consumer),
        delivery_window=(scaled(consumer.earliest), scaled(consumer.latest)),
        parts=shop.demand,
        pickup_service_seconds=scaled(shop.service),
        delivery_service_seconds=scaled(consumer.service),
    )


def _location(node: Node) -> Location:
    return Location(latitude=node.x, longitude=node.y)


def scaled(value: float) -> int:
    return round(value * SCALE)


def solve_once(instance: Instance, *, fleet: int, fixed_cost: int, time_limit: float) -> Outcome:
    """One call of the dispatcher's `plan_routes`, read back as node indices per route."""
    vehicles, shipments = as_routing_problem(instance, fleet=fleet)
    deliveries = dict(instance.pairs)
    plan = routing.plan_routes(
        vehicles=vehicles,
        shipments=shipments,
        travel_times=EuclideanProvider(scale=SCALE),
        service_times=NO_SETUP,
        time_limit=max(time_limit, 0.05),
        exploration_level=EXPLORATION_LEVEL,
        fixed_vehicle_cost=fixed_cost,
    )
    routes = tuple(
        (
            0,
            *(
                stop.shipment_id if stop.kind == "pickup" else deliveries[stop.shipment_id]
                for stop in route.stops
            ),
            0,
        )
        for route in plan.routes
        if route.stops
    )
    return Outcome(routes, len(plan.unassigned))


def solve_instance(instance: Instance, *, budget: float | None = None) -> Outcome:
    """Fewest vehicles first, then distance, within the time budget (by default the planner's
    own, `routing.planning_budget`, for the instance's tasks)."""
    if budget is None:
        budget = routing.planning_budget(as_routing_problem(instance, fleet=0)[1])
    deadline = time.perf_counter() + budget
    candidates = _shrink_fleet(instance, deadline)
    fleet = candidates[-1].vehicles()
    if time.perf_counter() < deadline:
        # Without the fixed cost VROOM searches for distance alone, at the fleet found.
        polished = solve_once(instance, fleet=fleet, fixed_cost=0, time_limit=_left(deadline))
        candidates.append(polished)
    return min(candidates, key=lambda o: (o.unassigned, o.vehicles(), o.distance(instance)))


def _shrink_fleet(instance: Instance, deadline: float) -> list[Outcome]:
    """Solutions with ever fewer vehicles, until one leaves tasks out or time is up."""
    fixed = fixed_vehicle_cost(instance)
    found = [
        solve_once(instance, fleet=instance.vehicles, fixed_cost=fixed, time_limit=_left(deadline))
    ]
    while found[-1].vehicles() > 1 and time.perf_counter() < deadline:
        fleet = found[-1].vehicles() - 1
        fewer = solve_once(instance, fleet=fleet, fixed_cost=fixed, time_limit=_left(deadline))
        if fewer.unassigned:
            break
        found.append(fewer)
    return found


def fixed_vehicle_cost(instance: Instance) -> int:
    """Ten horizons: more than the distance of any one route, so a vehicle less always pays."""
    return 10 * scaled(instance.nodes[0].latest)


def _left(deadline: float) -> float:
    return deadline - time.perf_counter()


def violations(instance: Instance, outcome: Outcome) -> int:
    """Broken constraints in exact arithmetic: lateness, overload, delivery before pickup."""
    return sum(_route_violations(instance, route) for route in outcome.routes)


def _route_violations(instance: Instance, route: tuple[int, ...]) -> int:
    broken, clock, load, seen = 0, 0.0, 0, set()
    for previous, index in pairwise(route):
        node = instance.nodes[index]
        clock = max(clock + instance.distance(previous, index), node.earliest)
        load += node.demand
        broken += clock > node.latest + EPSILON
        broken += load > instance.capacity
        broken += node.demand < 0 and _pickup_of(instance, index) not in seen
        seen.add(index)
        clock += node.service
    return broken


def _pickup_of(instance: Instance, delivery: int) -> int:
    return next(pickup for pickup, target in instance.pairs if target == delivery)


def measure(instance: Instance, best_known: dict) -> dict:
    started = time.perf_counter()
    outcome = solve_instance(instance)
    seconds = time.perf_counter() - started
    distance = outcome.distance(instance)
    return {
        "instance": instance.name,
        "vehicles": outcome.vehicles(),
        "bks_vehicles": best_known["solved_with_vehicles"],
        "distance": round(distance, 2),
        "bks_distance": best_known["best_known_cost"],
        "gap_pct": 100 * (distance - best_known["best_known_cost"]) / best_known["best_known_cost"],
        "unassigned": outcome.unassigned,
        "violations": violations(instance, outcome),
        "seconds": seconds,
    }


def summarise(rows: list[dict]) -> dict:
    by_class: dict[str, list[dict]] = {}
    for row in rows:
        by_class.setdefault(instance_class(row["instance"]), []).append(row)
    return {
        **_figures(rows),
        "per_class": {name: _figures(group) for name, group in sorted(by_class.items())},
        "per_instance": [_rounded(row) for row in rows],
    }


def instance_class(name: str) -> str:
    """'lrc104' -> 'lrc1': the letters and the series digit."""
    match = re.match(r"[a-z]+\d", name.lower())
    return match.group(0) if match else name


def _figures(rows: list[dict]) -> dict:
    equal = [row["gap_pct"] for row in rows if row["vehicles"] == row["bks_vehicles"]]
    used, known = sum(row["vehicles"] for row in rows), sum(row["bks_vehicles"] for row in rows)
    return {
        "instances": len(rows),
        "mean_gap_pct_at_bks_vehicles": _mean(equal),
        "instances_at_bks_vehicles": len(equal),
        "mean_gap_pct_all": _mean([row["gap_pct"] for row in rows]),
        "vehicles_used": used,
        "bks_vehicles": known,
        "vehicles_over_bks_pct": round(100 * (used - known) / known, 2),
        "mean_seconds": round(statistics.mean(row["seconds"] for row in rows), 3),
        "max_seconds": round(max(row["seconds"] for row in rows), 3),
        "unassigned": sum(row["unassigned"] for row in rows),
        "violations": sum(row["violations"] for row in rows),
    }


def table(figures: dict) -> str:
    """Per class and overall, one line each, for reading (the JSON line has the same figures)."""
    header = (
        f"{'class':<8}{'inst':>5}{'veh':>6}{'bks':>6}{'over%':>7}"
        f"{'gap%@eq':>9}{'eq':>7}{'gap%all':>9}{'mean s':>8}{'max s':>7}"
    )
    lines = [header]
    for name, group in [*figures["per_class"].items(), ("overall", figures)]:
        gap = group["mean_gap_pct_at_bks_vehicles"]
        lines.append(
            f"{name:<8}{group['instances']:>5}{group['vehicles_used']:>6}"
            f"{group['bks_vehicles']:>6}{group['vehicles_over_bks_pct']:>7.2f}"
            f"{'-' if gap is None else f'{gap:.3f}':>9}"
            f"{group['instances_at_bks_vehicles']:>4}/{group['instances']:<2}"
            f"{group['mean_gap_pct_all']:>9.3f}{group['mean_seconds']:>8.3f}"
            f"{group['max_seconds']:>7.3f}"
        )
    return "\n".join(lines)


def _mean(values: list[float]) -> float | None:
    return round(statistics.mean(values), 3) if values else None


def _rounded(row: dict) -> dict:
    return {**row, "gap_pct": round(row["gap_pct"], 3), "seconds": round(row["seconds"], 3)}


@benchmark("dispatch_lilim")
def run(size: str) -> dict:
    best_known = json.loads((DATA / "BKS.json").read_text())
    names = sorted(best_known)
    if size == "smoke":
        names = names[:SMOKE_INSTANCES]
    rows = [measure(load_instance(DATA / f"{name}.txt"), best_known[name]) for name in names]
    figures = summarise(rows)
    print(table(figures))
    return figures
