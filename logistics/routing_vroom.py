"""Translation between the routing types and VROOM (pyvroom): build the problem, read the plan.

Modelling choices:
- locations are indices into per-kind matrices (vehicle `profile` = its kind);
- shipments of one `pickup_group` share one location index, so VROOM's setup time (only paid
  when arriving from another location) is paid once per shop visit;
- a shipment already on a courier is a plain delivery job, loaded at the route start, that
  requires a skill only that courier has, at the highest priority so it is kept; only
  couriers who carry shipments get such a skill: a skill per courier makes the fleet look
  mixed to VROOM, whose search then ends about 3% longer (dispatch_reference, 200 tasks);
- amounts are [shipments, litres]; bulky shipments require the cargo skill;
- an optional fixed cost per vehicle used (0 by default, VROOM's own default) makes VROOM
  prefer fewer vehicles, e.g. for benchmarks whose objective is the fleet size first;
- how the time limit is spent (VROOM's searches, then re-planning from the best plan) is
  `logistics.routing_search`; the problem is built here, once, and rebuilt per re-plan
  with that plan's routes as VROOM's starting routes.
"""

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field

import numpy
import vroom
from vroom.solution.solution import Solution

from logistics import routing_search
from logistics.routing_checks import NO_FEASIBLE_ROUTE, pickup_windows
from logistics.routing_types import (
    CARGO_SKILL,
    Location,
    Route,
    RoutePlan,
    ServiceTimes,
    Shipment,
    Stop,
    Unassigned,
    Vehicle,
)
from logistics.travel_times import TravelTimeProvider

CARRIED_PRIORITY = 100  # VROOM's highest: drop anything else before a shipment already on board
TASK_TYPES = ("pickup", "delivery", "job")


@dataclass
class Places:
    """Distinct locations of one problem and the matrix index of each."""

    locations: list[Location] = field(default_factory=list)
    index: dict[Hashable, int] = field(default_factory=dict)

    def add(self, key: Hashable, location: Location) -> int:
        if key not in self.index:
            self.index[key] = len(self.locations)
            self.locations.append(location)
        return self.index[key]


def solve(
    *,
    vehicles: Sequence[Vehicle],
    shipments: Sequence[Shipment],
    travel_times: TravelTimeProvider,
    service_times: ServiceTimes,
    time_limit: float,
    exploration_level: int,
    fixed_vehicle_cost: int = 0,
) -> RoutePlan:
    """Solve for shipments that passed the checks; the rest of unassigned is 'no feasible route'."""
    problem = search_problem(
        vehicles=vehicles,
        shipments=shipments,
        travel_times=travel_times,
        service_times=service_times,
        fixed_vehicle_cost=fixed_vehicle_cost,
    )
    solution = routing_search.run_searches(
        problem, time_limit=time_limit, exploration_level=exploration_level
    )
    return read_plan(solution, vehicles, shipments)


def search_problem(
    *,
    vehicles: Sequence[Vehicle],
    shipments: Sequence[Shipment],
    travel_times: TravelTimeProvider,
    service_times: ServiceTimes,
    fixed_vehicle_cost: int = 0,
) -> routing_search.SearchProblem:
    """The problem for VROOM, built once; `build` makes a VROOM input of it with any
    starting routes (vehicle numbers are indices into `vehicles`, shipment n has the task ids
    2n and 2n+1)."""
    places = Places()
    skills = skill_numbers(vehicles, shipments)
    fleet = [
        vehicle_options(number, vehicle, places, skills, fixed_cost=fixed_vehicle_cost)
        for number, vehicle in enumerate(vehicles)
    ]
    jobs = [
        build_job(number, shipment, places, skills, service_times)
        for number, shipment in enumerate(shipments)
    ]
    arrays = build_matrices(places, {vehicle.kind for vehicle in vehicles}, travel_times)

    def build(routes: routing_search.Routes | None, offered: Collection[int] | None) -> vroom.Input:
        problem = vroom.Input()
        for number, options in enumerate(fleet):
            if offered is not None and number not in offered:
                continue
            steps = routing_search.vehicle_steps((routes or {}).get(number, ()))
            problem.add_vehicle(vroom.Vehicle(**options, steps=steps))
        for job in jobs:
            problem.add_job(job)
        for kind, (durations, distances) in arrays.items():
            # pyvroom copies an array into its own matrix per input (one matrix in two inputs
            # crashes it).
            problem.set_durations_matrix(kind, durations)
            problem.set_distances_matrix(kind, distances)
        return problem

    return routing_search.SearchProblem(
        build=build,
        shipments=len(shipments),
        nearest=Closeness(shipments, places, arrays).nearest,
        shipment_of=lambda task_id: task_id // 2,
        kinds=[interchangeable(options) for options in fleet],
    )


def interchangeable(options: dict) -> tuple:
    """What tells one courier's VROOM vehicle from another's, all but its number."""
    window, costs = options["time_window"], options["costs"]
    return (
        options["start"],
        options["end"],
        options["profile"],
        tuple(options["capacity"]),
        frozenset(options["skills"]),
        (window.start, window.end),
        costs.fixed,
    )


class Closeness:
    """Shipments by closeness to one: the ride between their pickups plus the one between
    their deliveries (a carried shipment's pickup is its delivery), in the first kind's matrix."""

    def __init__(self, shipments: Sequence[Shipment], places: Places, arrays: dict) -> None:
        self.durations = next(iter(arrays.values()))[0].astype(numpy.int64)
        delivery = [places.index[("at", shipment.delivery)] for shipment in shipments]
        self.delivery = numpy.array(delivery, dtype=numpy.intp)
        self.pickup = numpy.array(
            [
                delivery[number] if shipment.picked_up_by is not None
                else places.index[_pickup_key(shipment)]
                for number, shipment in enumerate(shipments)
            ],
            dtype=numpy.intp,
        )  # fmt: skip

    def nearest(self, number: int) -> list[int]:
        pickups = self.durations[self.pickup[number], self.pickup]
        deliveries = self.durations[self.delivery[number], self.delivery]
        return [int(other) for other in numpy.argsort(pickups + deliveries, kind="stable")]


def skill_numbers(
    vehicles: Sequence[Vehicle], shipments: Sequence[Shipment]
) -> dict[Hashable, int]:
    """VROOM skills are integers: one per named skill, then one per courier who carries
    shipments (to pin those shipments on them)."""
    names = sorted({CARGO_SKILL}.union(*(vehicle.all_skills for vehicle in vehicles)))
    numbers: dict[Hashable, int] = {name: number for number, name in enumerate(names)}
    carriers = {
        shipment.picked_up_by for shipment in shipments if shipment.picked_up_by is not None
    }
    carriers |= {shipment.assigned_to for shipment in shipments if shipment.assigned_to is not None}
    for vehicle in vehicles:
        if vehicle.id in carriers:
            numbers[("courier", vehicle.id)] = len(numbers)
    return numbers


def vehicle_options(
    number: int,
    vehicle: Vehicle,
    places: Places,
    skills: dict[Hashable, int],
    *,
    fixed_cost: int = 0,
) -> dict:
    """vroom.Vehicle's arguments for a courier, without its starting route."""
    end = None if vehicle.end is None else places.add(("at", vehicle.end), vehicle.end)
    own = skills.get(("courier", vehicle.id))
    return {
        "id": number,
        "start": places.add(("at", vehicle.start), vehicle.start),
        "end": end,
        "profile": vehicle.kind,
        "capacity": [vehicle.capacity_parts, vehicle.capacity_litres],
        "skills": {skills[name] for name in vehicle.all_skills}
        | ({own} if own is not None else set()),
        "time_window": vroom.TimeWindow(vehicle.shift_start, vehicle.shift_end),
        "costs": vroom.VehicleCosts(fixed=fixed_cost),
    }


def build_job(
    number: int,
    shipment: Shipment,
    places: Places,
    skills: dict[Hashable, int],
    times: ServiceTimes,
) -> vroom.Job | vroom.Shipment:
    """Pickup id 2n and delivery id 2n+1 for the n-th shipment."""
    if shipment.picked_up_by is not None:
        return _carried_job(
            number, shipment, places, times, skills[("courier", shipment.picked_up_by)]
        )
    delivery = _delivery_step(number, shipment, places, times)
    pickup = vroom.ShipmentStep(
        2 * number,
        places.add(_pickup_key(shipment), shipment.pickup),
        default_setup=times.pickup_setup,
        default_service=_service(shipment.pickup_service_seconds, times.pickup_service),
        time_windows=[vroom.TimeWindow(*window) for window in pickup_windows(shipment)],
    )
    required = {skills[CARGO_SKILL]} if shipment.bulky else set()
    if shipment.assigned_to is not None and ("courier", shipment.assigned_to) in skills:
        required.add(skills[("courier", shipment.assigned_to)])
    return vroom.Shipment(pickup, delivery, amount=_amount(shipment), skills=required)


def _delivery_step(
    number: int, shipment: Shipment, places: Places, times: ServiceTimes
) -> vroom.ShipmentStep:
    return vroom.ShipmentStep(
        2 * number + 1,
        places.add(("at", shipment.delivery), shipment.delivery),
        default_setup=times.delivery_setup,
        default_service=_service(shipment.delivery_service_seconds, times.delivery_service),
        time_windows=[vroom.TimeWindow(*shipment.delivery_window)],
    )


def _carried_job(
    number: int, shipment: Shipment, places: Places, times: ServiceTimes, courier_skill: int
) -> vroom.Job:
    # A job's delivery amount is on board from the route start, as a carried shipment is.
    return vroom.Job(
        2 * number + 1,
        places.add(("at", shipment.delivery), shipment.delivery),
        default_setup=times.delivery_setup,
        default_service=_service(shipment.delivery_service_seconds, times.delivery_service),
        delivery=_amount(shipment),
        skills={courier_skill},
        priority=CARRIED_PRIORITY,
        time_windows=[vroom.TimeWindow(*shipment.delivery_window)],
    )


def _service(own: int | None, default: int) -> int:
    return default if own is None else own


def _pickup_key(shipment: Shipment) -> Hashable:
    return ("shop", shipment.pickup_group) if shipment.pickup_group else ("at", shipment.pickup)


def _amount(shipment: Shipment) -> list[int]:
    return [shipment.parts, shipment.litres]


def build_matrices(
    places: Places, kinds: set[str], travel_times: TravelTimeProvider
) -> dict[str, tuple]:
    """One duration and distance matrix per vehicle kind (VROOM's profile), as arrays."""
    matrices = {}
    for kind in sorted(kinds):
        durations, distances = travel_times.matrix(places.locations, kind)
        matrices[kind] = (_array(durations), _array(distances))
    return matrices


def _array(table) -> numpy.ndarray:
    return numpy.asarray(table, dtype="uint32").reshape(len(table), len(table))


def read_plan(
    solution: Solution, vehicles: Sequence[Vehicle], shipments: Sequence[Shipment]
) -> RoutePlan:
    frame = solution.routes
    routes = []
    if len(frame):
        for number, steps in frame.groupby("vehicle_id", sort=False):
            routes.append(_route(vehicles[int(number)], steps, shipments))
    planned = {stop.shipment_id for route in routes for stop in route.stops}
    missing = [Unassigned(p.id, NO_FEASIBLE_ROUTE) for p in shipments if p.id not in planned]
    return RoutePlan(routes=tuple(routes), unassigned=tuple(missing))


def _route(vehicle: Vehicle, steps, shipments: Sequence[Shipment]) -> Route:
    stops = tuple(
        _stop(step, shipments[int(step.id) // 2])
        for step in steps.itertuples()
        if step.type in TASK_TYPES
    )
    last = steps.iloc[-1]
    return Route(vehicle.id, stops, int(last["distance"]), int(last["duration"]))


def _stop(step, shipment: Shipment) -> Stop:
    is_pickup = step.type == "pickup"
    service_start = int(step.arrival) + int(step.waiting_time)
    return Stop(
        kind="pickup" if is_pickup else "delivery",
        shipment_id=shipment.id,
        location=shipment.pickup if is_pickup else shipment.delivery,
        arrival=int(step.arrival),
        service_start=service_start,
        departure=service_start + int(step.setup) + int(step.service),
    )
