"""How the dispatcher spends its time budget on VROOM (pyvroom): searches, then re-planning.

0. When the fleet is large for the shipments and has interchangeable vehicles (a benchmark's
   80 vans for 200 shipments), a quick plan (one search, no depth, at most `SIZING_SHARE` of
   the limit) sizes it: later searches are offered the vehicles it used and
   `SPARE_VEHICLES` idle ones of each kind, as VROOM's searches slow down with every
   vehicle offered, used or not.
1. VROOM's own searches, one per thread, each from one of its initial solutions. VROOM
   splits a time limit evenly over its searches, so on a large problem a short limit would
   cut every search off half-way: this first round gets `FIRST_ROUND_SHARE` of the time left.
2. In the time left, as many more of its searches as the first round's time says will
   finish (at most the exploration level's count, at its full depth); on a small problem
   (Li & Lim's 100 tasks) that is VROOM's whole level 5.
3. Until the limit (less `END_MARGIN`), or until re-planning stops paying: a large
   neighbourhood search. Each thread takes the best plan so far, removes a few related
   shipments (those whose pickups and deliveries are nearest one drawn at random) or, every
   `ROUTE_EVERY`-th time, all shipments of one of the shorter routes, and hands the rest to
   VROOM as its starting routes; VROOM's local search puts the shipments back and improves
   the whole plan. VROOM's own searches end in a local optimum that more of them rarely
   leave; re-planning does (docs/dispatch-scale.md has the figures).

Plans are compared by VROOM's own order: priorities served, tasks assigned, cost (with any
fixed cost per vehicle, so a plan with a vehicle less wins).
"""

import random
import threading
import time
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import numpy
import vroom
from vroom.solution.solution import Solution

NB_THREADS = 2  # the machine's two cores: searches side by side
FIRST_ROUND_SHARE = 0.8  # the rest of the limit for more searches and re-planning
REPLAN_DEPTH = 0  # VROOM's quickest local search per re-plan: many re-plans beat deep ones
RUIN_SHARE = 0.1  # shipments taken out per re-plan, as a share of all
RUIN_MIN, RUIN_MAX = 2, 40
SIZING_SHARE = 0.2  # of the limit at most, for the quick plan that sizes a large fleet
MANY_IDLE_TASKS = 10  # fewer tasks than this per vehicle: a quick plan first sizes the fleet
SPARE_VEHICLES = 2  # idle vehicles of each kind offered beside those of the plan
ROUTE_EVERY = 4  # every fourth re-plan takes out a whole short route instead
ROUTE_REPLAN_DEPTH = 5  # putting a whole route's shipments back takes VROOM's deeper search
STALL_SWEEPS = 2  # stop after re-plans covering every shipment this often bring nothing
MIN_REPLAN_SECONDS = 0.05
END_MARGIN = 0.05  # share of the limit left unused: VROOM and a busy machine overrun
SEED = 20261205  # re-plans draw their shipments from a fixed seed (only timing varies)
TASK_STEP = {"pickup": "pickup", "delivery": "delivery", "job": "single"}

# Vehicle number -> its tasks in order, as (VROOM step type, task id).
Routes = Mapping[int, Sequence[tuple[str, int]]]


@dataclass(frozen=True)
class SearchProblem:
    """What the search needs of a problem: a VROOM input, optionally with starting routes,
    how many shipments there are, and for each shipment the others by closeness."""

    build: Callable[[Routes | None, Collection[int] | None], vroom.Input]  # routes, offered
    shipments: int
    nearest: Callable[[int], Sequence[int]]  # shipment number -> numbers, nearest first
    shipment_of: Callable[[int], int]  # VROOM task id -> shipment number
    kinds: Sequence[Hashable] = ()  # per vehicle number: equal for interchangeable vehicles


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


def run_searches(problem: SearchProblem, *, time_limit: float, exploration_level: int) -> Solution:
    """The best plan found within `time_limit` seconds (see the module's docstring)."""
    started = time.perf_counter()
    deadline = started + time_limit
    best, offered = None, None
    if many_idle(problem):
        # A quick plan says how many vehicles are needed; the rest may sit out the searches.
        best = run_solver(
            problem.build(None, None), time_limit=time_limit * SIZING_SHARE, searches=1, depth=0
        )
        if not best.summary.unassigned:  # cut off before the end: no sizing
            offered = offered_vehicles(problem, routes_of(best))
    first = run_solver(
        problem.build(None, offered),
        time_limit=(deadline - time.perf_counter()) * FIRST_ROUND_SHARE,
        searches=NB_THREADS,
        depth=exploration_level,
    )
    best = first if best is None else min(best, first, key=ranking)
    first_round = time.perf_counter() - started
    time_left = deadline - time.perf_counter()
    searches = search_count(
        first_round=first_round, time_left=time_left, exploration_level=exploration_level
    )
    if searches:
        more = run_solver(
            problem.build(None, offered),
            time_limit=time_left,
            searches=searches,
            depth=exploration_level,
        )
        best = min(best, more, key=ranking)
    # Re-plans end a little early: VROOM and a loaded machine overrun a limit somewhat.
    return replan(problem, best, deadline=deadline - END_MARGIN * time_limit)


def many_idle(problem: SearchProblem) -> bool:
    """Whether the fleet is large for the shipments and has interchangeable vehicles: then
    most of them stay idle (a benchmark's 80 vans for 200 shipments, not a town's day)."""
    interchangeable = len(set(problem.kinds)) < len(problem.kinds)
    return interchangeable and 2 * problem.shipments < MANY_IDLE_TASKS * len(problem.kinds)


def offered_vehicles(problem: SearchProblem, routes: Routes) -> list[int] | None:
    """The vehicles of a plan and `SPARE_VEHICLES` idle ones of each kind.

    VROOM's searches take longer the more vehicles they are offered, used or not (400 tasks
    on 80 vans: about twice as long as on 22), and idle vehicles of one kind are
    interchangeable, so the others are left out. None when every vehicle is offered anyway.
    """
    if not problem.kinds:
        return None
    spare: dict[Hashable, int] = {}
    offered = []
    for number, kind in enumerate(problem.kinds):
        if routes.get(number):
            offered.append(number)
        elif spare.get(kind, 0) < SPARE_VEHICLES:
            spare[kind] = spare.get(kind, 0) + 1
            offered.append(number)
    return None if len(offered) == len(problem.kinds) else offered


def replan(problem: SearchProblem, best: Solution, *, deadline: float) -> Solution:
    """Large neighbourhood search from `best` until `deadline` or until it stalls.

    Each thread re-plans on its own from the best plan so far and hands back what it finds,
    so a quick re-plan never waits for a slow one.
    """
    if problem.shipments < 2:
        return best
    state = _Search(problem, best)
    with ThreadPoolExecutor(NB_THREADS) as pool:
        workers = [
            pool.submit(_worker, state, random.Random(SEED + number), deadline)
            for number in range(NB_THREADS)
        ]
        for worker in workers:
            worker.result()
    return state.best


class _Search:
    """The best plan so far, shared by the threads, and whether re-planning still pays."""

    def __init__(self, problem: SearchProblem, best: Solution) -> None:
        self.problem = problem
        self.best = best
        self.routes = routes_of(best)
        self.removed = ruin_size(problem.shipments)
        self.stall_limit = max(2 * NB_THREADS, STALL_SWEEPS * problem.shipments // self.removed)
        self.fruitless = 0
        self.lock = threading.Lock()

    def offer(self, found: Solution | None) -> None:
        with self.lock:
            if found is not None and ranking(found) < ranking(self.best):
                self.best, self.routes, self.fruitless = found, routes_of(found), 0
            else:
                self.fruitless += 1

    def stalled(self) -> bool:
        return self.fruitless >= self.stall_limit


def _worker(state: _Search, rng: random.Random, deadline: float) -> None:
    attempt = 0
    while not state.stalled():
        time_left = deadline - time.perf_counter()
        if time_left < MIN_REPLAN_SECONDS:
            return
        with state.lock:
            routes = state.routes
        attempt += 1
        depth = REPLAN_DEPTH
        if attempt % ROUTE_EVERY == 0 and len(routes) > 1:
            drop, depth = _route_shipments(state.problem, routes, rng), ROUTE_REPLAN_DEPTH
        else:
            seed = rng.randrange(state.problem.shipments)
            drop = set(state.problem.nearest(seed)[: state.removed])
        state.offer(_replan_once(state.problem, routes, drop, time_left, depth))


def _route_shipments(problem: SearchProblem, routes: Routes, rng: random.Random) -> set[int]:
    """All shipments of one of the shorter routes: re-planned without it, a vehicle may go."""
    by_size = sorted(routes.values(), key=len)
    steps = rng.choice(by_size[: max(1, len(by_size) // 3)])
    return {problem.shipment_of(task_id) for _, task_id in steps}


def ruin_size(shipments: int) -> int:
    return min(shipments, max(RUIN_MIN, min(RUIN_MAX, round(RUIN_SHARE * shipments))))


def _replan_once(
    problem: SearchProblem, routes: Routes, drop: set[int], time_limit: float, depth: int
) -> Solution | None:
    kept = {
        vehicle: [step for step in steps if problem.shipment_of(step[1]) not in drop]
        for vehicle, steps in routes.items()
    }
    try:
        return run_solver(
            problem.build(kept, offered_vehicles(problem, routes)),
            time_limit=time_limit,
            searches=1,
            depth=depth,
            threads=1,
        )
    except vroom._vroom.VroomInputException:
        # A starting route VROOM finds infeasible: this re-plan is skipped, the best plan stands.
        return None


def routes_of(solution: Solution) -> dict[int, list[tuple[str, int]]]:
    """A solution's tasks per vehicle number, in order, as starting routes for VROOM."""
    steps = numpy.asarray(solution._routes_numpy())  # what .routes reads, without pandas
    routes: dict[int, list[tuple[str, int]]] = {}
    columns = (steps["vehicle_id"], steps["type"].astype("U9"), steps["id"])
    for vehicle, kind, task_id in zip(*(column.tolist() for column in columns), strict=True):
        if kind in TASK_STEP:
            routes.setdefault(int(vehicle), []).append((TASK_STEP[kind], int(task_id)))
    return routes


def vehicle_steps(tasks: Sequence[tuple[str, int]]) -> list[vroom.VehicleStep]:
    if not tasks:
        return []
    middle = [vroom.VehicleStep(kind, task_id) for kind, task_id in tasks]
    return [vroom.VehicleStep("start"), *middle, vroom.VehicleStep("end")]


def ranking(solution: Solution) -> tuple[int, int, int]:
    """VROOM's own order: priorities served, then tasks assigned, then cost."""
    summary = solution.summary
    return (-summary.priority, summary.unassigned, summary.cost)


def run_solver(
    problem: vroom.Input,
    *,
    time_limit: float,
    searches: int,
    depth: int,
    threads: int = NB_THREADS,
) -> Solution:
    """VROOM's search with the dispatcher's settings."""
    # pyvroom's solve() only takes a level; its _solve overload takes searches and depth.
    solution = Solution(
        problem._solve(
            searches, max(0, min(5, depth)), threads, timedelta(seconds=max(time_limit, 0.01))
        )
    )
    solution._distances = True  # the dispatcher always gives distances: report them per step
    return solution
