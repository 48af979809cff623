"""The courier dispatcher's routing layer: pickups and deliveries in, routes per courier out.

Pure: no ORM, no settings, no I/O of its own (the travel-time provider may call a service).
The problem is solved as a pickup-and-delivery problem with time windows by VROOM
(`logistics.routing_vroom`); shipments that cannot be planned at all are sorted out first so
that they get a specific reason (`logistics.routing_checks`).
"""

from collections.abc import Sequence

from logistics import routing_checks, routing_vroom
from logistics.routing_types import (
    CARGO_SKILL,
    DEFAULT_SERVICE_TIMES,
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

__all__ = [
    "CARGO_SKILL",
    "Location",
    "Shipment",
    "Route",
    "RoutePlan",
    "ServiceTimes",
    "Stop",
    "Unassigned",
    "Vehicle",
    "plan_routes",
    "planning_budget",
]

# VROOM's search time grows with the tasks (a pickup or a delivery to plan): the local search
# needs longer per move on longer routes, and a too-short budget cuts it off far from its end.
BASE_SECONDS = 0.5
SECONDS_PER_TASK = 0.02  # 100 tasks: 2.5 s, 400: 8.5 s, 1,000: 20.5 s
MAX_SECONDS = 22.0  # a 1,000-shipment day (2,000 tasks) plans within 30 s, matrices included


def planning_budget(shipments: Sequence[Shipment], *, cap: float = MAX_SECONDS) -> float:
    """Seconds for VROOM: BASE_SECONDS + SECONDS_PER_TASK per task, at most `cap`.

    A shipment still at its shop is two tasks (pickup and delivery), one already on a courier
    is one (its delivery).
    """
    tasks = sum(1 if shipment.picked_up_by is not None else 2 for shipment in shipments)
    return min(cap, BASE_SECONDS + SECONDS_PER_TASK * tasks)


def plan_routes(
    *,
    vehicles: Sequence[Vehicle],
    shipments: Sequence[Shipment],
    travel_times: TravelTimeProvider,
    service_times: ServiceTimes = DEFAULT_SERVICE_TIMES,
    time_limit: float | None = None,
    exploration_level: int = 5,
    fixed_vehicle_cost: int = 0,
) -> RoutePlan:
    """Plan routes for `vehicles` that pick up and deliver as many `shipments` as possible.

    Every shipment ends up either on exactly one route or in `unassigned` with a reason.
    `time_limit` (seconds) caps VROOM's search; None gives it `planning_budget` for the shipments
    that can be planned. `fixed_vehicle_cost` (in the cost unit, the
    duration matrix's seconds) is paid per vehicle used: 0, the default, optimises travel only;
    a large one makes VROOM use as few vehicles as it can first.
    """
    _check_unique_ids(vehicles, shipments)
    reasons = routing_checks.unplannable(vehicles, shipments)
    plannable = [shipment for shipment in shipments if shipment.id not in reasons]
    plan = RoutePlan()
    if plannable:
        plan = routing_vroom.solve(
            vehicles=vehicles,
            shipments=plannable,
            travel_times=travel_times,
            service_times=service_times,
            time_limit=planning_budget(plannable) if time_limit is None else time_limit,
            exploration_level=exploration_level,
            fixed_vehicle_cost=fixed_vehicle_cost,
        )
    early = tuple(
        Unassigned(shipment.id, reasons[shipment.id])
        for shipment in shipments
        if shipment.id in reasons
    )
    return RoutePlan(routes=plan.routes, unassigned=early + plan.unassigned)


def _check_unique_ids(vehicles: Sequence[Vehicle], shipments: Sequence[Shipment]) -> None:
    for what, ids in (
        ("courier", [v.id for v in vehicles]),
        ("shipment", [p.id for p in shipments]),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {what} ids")
