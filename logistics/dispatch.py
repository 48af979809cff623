"""The dispatcher: plans a day's deliveries onto the couriers and stores the routes.

Run by centre management's "Plan now" button and by the beat (logistics.tasks). Re-planning
replaces only pending stops: stops done or failed stay where they are, and shipments already
picked up are planned on the courier carrying them. Parts that cannot be planned are stored
as UnplannedPart rows with the reason, replacing the previous run's.
"""

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import dispatch_inputs, return_pickups, route_progress
from .models import (
    DeliverySettings,
    OrderPart,
    Route,
    RouteStop,
    StopStatus,
    UnplannedPart,
)
from .routing import RoutePlan, plan_routes, planning_budget
from .travel_times import HaversineProvider, OsrmTableProvider, TravelTimeProvider

# OSRM profiles per vehicle kind; a stock OSRM server has "bike", "car" and "foot".
OSRM_PROFILES = {"bike": "bike", "cargo_bike": "bike", "e_van": "car"}


@dataclass(frozen=True)
class PlanSummary:
    day: date
    routes: int
    planned: int
    unplanned: int

    def as_dict(self) -> dict:
        return {**asdict(self), "day": self.day.isoformat()}


def travel_times() -> TravelTimeProvider:
    osrm_url = getattr(settings, "OSRM_URL", "")
    if osrm_url:
        return OsrmTableProvider(base_url=osrm_url, profile_by_kind=OSRM_PROFILES)
    return HaversineProvider()


def plan_day(
    *,
    day: date,
    now: datetime,
    time_limit: float | None = None,
    cap: float | None = None,
    couriers: Collection[int] | None = None,
) -> PlanSummary:
    """Plans `day` as it stands at `now`. Solving runs outside any transaction (it takes
    seconds); the result is written in one, and parts that moved meanwhile wait for the
    next run rather than being planned on stale facts. `couriers` (ids) limits who rides,
    when any of them can; otherwise every courier on shift does."""
    inputs = dispatch_inputs.load(day=day, now=now)
    if couriers is not None:
        inputs.vehicles = [v for v in inputs.vehicles if v.id in couriers] or inputs.vehicles
    plan = plan_routes(
        vehicles=inputs.vehicles,
        shipments=inputs.shipments,
        travel_times=travel_times(),
        time_limit=time_limit
        or planning_budget(inputs.shipments, cap=cap or settings.ROUTE_PLANNING_TIME_LIMIT),
    )
    with transaction.atomic():
        return save_plan(day=day, now=now, inputs=inputs, plan=plan)


def save_plan(
    *, day: date, now: datetime, inputs: dispatch_inputs.DayInputs, plan: RoutePlan
) -> PlanSummary:
    DeliverySettings.current()  # the row exists, so there is something to lock
    # One planner at a time: the beat and the button must not interleave their writes.
    DeliverySettings.objects.select_for_update().get(pk=1)
    routes = {
        route.courier_id: route for route in Route.objects.select_for_update().filter(date=day)
    }
    moved = parts_moved_since(inputs.statuses)
    RouteStop.objects.filter(route__date=day, status=StopStatus.PENDING).delete()
    last_kept = dict(
        RouteStop.objects.filter(route__date=day)
        .values("route_id")
        .annotate(last=Max("sequence"))
        .values_list("route_id", "last")
    )
    planned = 0
    for planned_route in plan.routes:
        stops = [stop for stop in planned_route.stops if stop.shipment_id not in moved]
        courier_id = cast(int, planned_route.vehicle_id)  # the planner's ids are our pks
        route = routes.get(courier_id) or Route(courier_id=courier_id, date=day)
        route.planned_at = now
        route.distance_metres = planned_route.distance_metres
        route.duration_seconds = planned_route.duration_seconds
        route.save()
        routes[route.courier_id] = route
        first = last_kept.get(route.pk, 0) + 1
        RouteStop.objects.bulk_create(
            RouteStop(
                route=route,
                sequence=first + number,
                kind=stop.kind,
                part_id=None if return_of(stop.shipment_id) else cast(int, stop.shipment_id),
                return_pickup_id=return_of(stop.shipment_id),
                eta=eta(day, stop.service_start),
            )
            for number, stop in enumerate(stops)
        )
        planned += len({stop.shipment_id for stop in stops})
    drop_empty_routes(day)
    route_progress.refresh_routes(Route.objects.filter(date=day).values_list("pk", flat=True))
    unplanned = store_unplanned(day=day, now=now, inputs=inputs, plan=plan, moved=moved)
    return PlanSummary(
        day=day,
        routes=Route.objects.filter(date=day).count(),
        planned=planned,
        unplanned=unplanned,
    )


def return_of(shipment_id) -> int | None:
    return return_pickups.pickup_id_of(shipment_id)


def parts_moved_since(statuses: dict[int, str]) -> set[int]:
    now = dict(OrderPart.objects.filter(pk__in=statuses).values_list("pk", "status"))
    return {pk for pk, status in statuses.items() if now.get(pk) != status}


def eta(day: date, seconds: int) -> datetime:
    """Wall-clock seconds of the day back to an aware moment in the centre's time zone."""
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(seconds=seconds))


def drop_empty_routes(day: date) -> None:
    """A courier who has nothing left to do and did nothing yet has no route that day."""
    empty = Route.objects.filter(date=day).exclude(
        pk__in=RouteStop.objects.filter(route__date=day).values("route_id")
    )
    Route.objects.filter(pk__in=list(empty.values_list("pk", flat=True))).delete()


def store_unplanned(
    *,
    day: date,
    now: datetime,
    inputs: dispatch_inputs.DayInputs,
    plan: RoutePlan,
    moved: set[int],
) -> int:
    reasons = dict(inputs.reasons)
    # A return pickup the planner could not fit stays open for management's list; it has no
    # order part to note the reason on.
    reasons.update(
        {
            cast(int, item.shipment_id): item.reason
            for item in plan.unassigned
            if return_of(item.shipment_id) is None
        }
    )
    reasons = {pk: reason for pk, reason in reasons.items() if pk not in moved}
    UnplannedPart.objects.filter(date=day).delete()
    UnplannedPart.objects.filter(part_id__in=reasons).delete()
    UnplannedPart.objects.bulk_create(
        UnplannedPart(part_id=pk, date=day, reason=reason[:200], noted_at=now)
        for pk, reason in sorted(reasons.items())
    )
    return len(reasons)
