"""Translation between the routing types and VROOM (pyvroom): build the problem, read the plan.

Modelling choices:
- locations are indices into per-kind matrices (vehicle `profile` = its kind);
- parcels of one `pickup_group` share one location index, so VROOM's setup time (only paid
  when arriving from another location) is paid once per shop visit;
- a parcel already on a courier is a plain delivery job, loaded at the route start, that
  requires a skill only that courier has, at the highest priority so it is kept; only
  couriers who carry parcels get such a skill: a skill per courier makes the fleet look
  mixed to VROOM, whose search then ends about 3% longer (dispatch_reference, 200 tasks);
- amounts are [parcels, litres]; bulky parcels require the cargo skill;
- an optional fixed cost per vehicle used (0 by default, VROOM's own default) makes VROOM
  prefer fewer vehicles, e.g. for benchmarks whose objective is the fleet size first;
- VROOM splits its time limit evenly over its searches (one per initial solution), so on a
  large problem a short limit cuts every search off half-way. We first run one search per
  thread with the whole limit, then, in the time left, as many more as the first round's
  time says will finish (at most the level's count, at its full depth), and keep the better
  plan (`run_searches`).
"""

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import vroom
from vroom.solution.solution import Solution

from logistics.routing_checks import NO_FEASIBLE_ROUTE, pickup_windows
from logistics.routing_types import (
    CARGO_SKILL,
    Location,
    Parcel,
    Route,
    RoutePlan,
    ServiceTimes,
    Stop,
    Unassigned,
    Vehicle,
)
from logistics.travel_times import TravelTimeProvider

NB_THREADS = 2  # the machine's two cores: VROOM runs its searches side by side
CARRIED_PRIORITY = 100  # VROOM's highest: drop anything else before a parcel already on board
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
    parcels: Sequence[Parcel],
    travel_times: TravelTimeProvider,
    service_times: ServiceTimes,
    time_limit: float,
    exploration_level: int,
    fixed_vehicle_cost: int = 0,
) -> RoutePlan:
    """Solve for parcels that passed the checks; the rest of unassigned is 'no feasible route'."""
    places = Places()
    problem = vroom.Input()
    skills = skill_numbers(vehicles, parcels)
    for number, vehicle in enumerate(vehicles):
        problem.add_vehicle(
            build_vehicle(number, vehicle, places, skills, fixed_cost=fixed_vehicle_cost)
        )
    for number, parcel in enumerate(parcels):
        problem.add_job(build_job(number, parcel, places, skills, service_times))
    set_matrices(problem, places, {vehicle.kind for vehicle in vehicles}, travel_times)
    solution = run_searches(problem, time_limit=time_limit, exploration_level=exploration_level)
    return read_plan(solution, vehicles, parcels)


def level_searches(exploration_level: int) -> int:
    """How many searches VROOM itself runs at an exploration level (its get_nb_searches)."""
    level = max(0, min(5, exploration_level))
    return 4 * (level + 1) + 4 * (level >= 4) + 4 * (level == 5)


def search_count(*, first_round: float, time_left: float, exploration_level: int) -> int:
    """Searches for the second round: as many per thread as took `first_round` seconds in
    the first fit in `time_left`, at most the level's; 0 when no more than the first fit."""
    per_thread = int(time_left / first_round) if first_round > 0 else level_searches(5)
    searches = min(level_searches(exploration_level), per_thread * NB_THREADS)
    return searches if searches > NB_THREADS else 0


def run_searches(problem: vroom.Input, *, time_limit: float, exploration_level: int) -> Solution:
    """The best of VROOM's first searches and, if time is left, of more searches.

    The second round repeats the first round's searches (VROOM always starts from its best
    initial solutions), so it is no worse unless cut off; the better of the two is kept.
    """
    started = time.perf_counter()
    best = run_solver(problem, time_limit=time_limit, searches=NB_THREADS, depth=exploration_level)
    first_round = time.perf_counter() - started
    time_left = time_limit - first_round
    searches = search_count(
        first_round=first_round, time_left=time_left, exploration_level=exploration_level
    )
    if searches:
        more = run_solver(problem, time_limit=time_left, searches=searches, depth=exploration_level)
        best = min(best, more, key=ranking)
    return best


def ranking(solution: Solution) -> tuple[int, int, int]:
    """VROOM's own order: priorities served, then tasks assigned, then cost."""
    summary = solution.summary
    return (-summary.priority, summary.unassigned, summary.cost)


def run_solver(problem: vroom.Input, *, time_limit: float, searches: int, depth: int) -> Solution:
    """VROOM's search with the dispatcher's settings, both threads."""
    # pyvroom's solve() only takes a level; its _solve overload takes searches and depth.
    solution = Solution(
        problem._solve(searches, max(0, min(5, depth)), NB_THREADS, timedelta(seconds=time_limit))
    )
    solution._distances = True  # set_matrices always gives distances: report them per step
    return solution


def skill_numbers(vehicles: Sequence[Vehicle], parcels: Sequence[Parcel]) -> dict[Hashable, int]:
    """VROOM skills are integers: one per named skill, then one per courier who carries
    parcels (to pin those parcels on them)."""
    names = sorted({CARGO_SKILL}.union(*(vehicle.all_skills for vehicle in vehicles)))
    numbers: dict[Hashable, int] = {name: number for number, name in enumerate(names)}
    carriers = {parcel.picked_up_by for parcel in parcels if parcel.picked_up_by is not None}
    carriers |= {parcel.assigned_to for parcel in parcels if parcel.assigned_to is not None}
    for vehicle in vehicles:
        if vehicle.id in carriers:
            numbers[("courier", vehicle.id)] = len(numbers)
    return numbers


def build_vehicle(
    number: int,
    vehicle: Vehicle,
    places: Places,
    skills: dict[Hashable, int],
    *,
    fixed_cost: int = 0,
) -> vroom.Vehicle:
    end = None if vehicle.end is None else places.add(("at", vehicle.end), vehicle.end)
    own = skills.get(("courier", vehicle.id))
    return vroom.Vehicle(
        number,
        start=places.add(("at", vehicle.start), vehicle.start),
        end=end,
        profile=vehicle.kind,
        capacity=[vehicle.capacity_parcels, vehicle.capacity_litres],
        skills={skills[name] for name in vehicle.all_skills}
        | ({own} if own is not None else set()),
        time_window=vroom.TimeWindow(vehicle.shift_start, vehicle.shift_end),
        costs=vroom.VehicleCosts(fixed=fixed_cost),
    )


def build_job(
    number: int,
    parcel: Parcel,
    places: Places,
    skills: dict[Hashable, int],
    times: ServiceTimes,
) -> vroom.Job | vroom.Shipment:
    """Pickup id 2n and delivery id 2n+1 for the n-th parcel."""
    if parcel.picked_up_by is not None:
        return _carried_job(number, parcel, places, times, skills[("courier", parcel.picked_up_by)])
    delivery = _delivery_step(number, parcel, places, times)
    pickup = vroom.ShipmentStep(
        2 * number,
        places.add(_pickup_key(parcel), parcel.pickup),
        default_setup=times.pickup_setup,
        default_service=_service(parcel.pickup_service_seconds, times.pickup_service),
        time_windows=[vroom.TimeWindow(*window) for window in pickup_windows(parcel)],
    )
    required = {skills[CARGO_SKILL]} if parcel.bulky else set()
    if parcel.assigned_to is not None and ("courier", parcel.assigned_to) in skills:
        required.add(skills[("courier", parcel.assigned_to)])
    return vroom.Shipment(pickup, delivery, amount=_amount(parcel), skills=required)


def _delivery_step(
    number: int, parcel: Parcel, places: Places, times: ServiceTimes
) -> vroom.ShipmentStep:
    return vroom.ShipmentStep(
        2 * number + 1,
        places.add(("at", parcel.delivery), parcel.delivery),
        default_setup=times.delivery_setup,
        default_service=_service(parcel.delivery_service_seconds, times.delivery_service),
        time_windows=[vroom.TimeWindow(*parcel.delivery_window)],
    )


def _carried_job(
    number: int, parcel: Parcel, places: Places, times: ServiceTimes, courier_skill: int
) -> vroom.Job:
    # A job's delivery amount is on board from the route start, as a carried parcel is.
    return vroom.Job(
        2 * number + 1,
        places.add(("at", parcel.delivery), parcel.delivery),
        default_setup=times.delivery_setup,
        default_service=_service(parcel.delivery_service_seconds, times.delivery_service),
        delivery=_amount(parcel),
        skills={courier_skill},
        priority=CARRIED_PRIORITY,
        time_windows=[vroom.TimeWindow(*parcel.delivery_window)],
    )


def _service(own: int | None, default: int) -> int:
    return default if own is None else own


def _pickup_key(parcel: Parcel) -> Hashable:
    return ("shop", parcel.pickup_group) if parcel.pickup_group else ("at", parcel.pickup)


def _amount(parcel: Parcel) -> list[int]:
    return [parcel.parcels, parcel.litres]


def set_matrices(
    problem: vroom.Input, places: Places, kinds: set[str], travel_times: TravelTimeProvider
) -> None:
    """One duration and distance matrix per vehicle kind, named after it as VROOM profile."""
    for kind in sorted(kinds):
        durations, distances = travel_times.matrix(places.locations, kind)
        problem.set_durations_matrix(kind, durations)
        problem.set_distances_matrix(kind, distances)


def read_plan(
    solution: Solution, vehicles: Sequence[Vehicle], parcels: Sequence[Parcel]
) -> RoutePlan:
    frame = solution.routes
    routes = []
    if len(frame):
        for number, steps in frame.groupby("vehicle_id", sort=False):
            routes.append(_route(vehicles[int(number)], steps, parcels))
    planned = {stop.parcel_id for route in routes for stop in route.stops}
    missing = [Unassigned(p.id, NO_FEASIBLE_ROUTE) for p in parcels if p.id not in planned]
    return RoutePlan(routes=tuple(routes), unassigned=tuple(missing))


def _route(vehicle: Vehicle, steps, parcels: Sequence[Parcel]) -> Route:
    stops = tuple(
        _stop(step, parcels[int(step.id) // 2])
        for step in steps.itertuples()
        if step.type in TASK_TYPES
    )
    last = steps.iloc[-1]
    return Route(vehicle.id, stops, int(last["distance"]), int(last["duration"]))


def _stop(step, parcel: Parcel) -> Stop:
    is_pickup = step.type == "pickup"
    service_start = int(step.arrival) + int(step.waiting_time)
    return Stop(
        kind="pickup" if is_pickup else "delivery",
        parcel_id=parcel.id,
        location=parcel.pickup if is_pickup else parcel.delivery,
        arrival=int(step.arrival),
        service_start=service_start,
        departure=service_start + int(step.setup) + int(step.service),
    )
