"""Stops of a route being done or failing, and the route's status following them.

Kept apart from the state machine of the parts (logistics.part_states) so both the courier's
and the shop's side of a hand-over close the same pickup stop.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from marketplace.outbox import enqueue

from .models import (
    OrderPart,
    PartMethod,
    PartStatus,
    Route,
    RouteStatus,
    RouteStop,
    StopKind,
    StopStatus,
)


def pending_stops(*, part_id: int, courier_id: int | None = None) -> QuerySet[RouteStop]:
    stops = RouteStop.objects.filter(part_id=part_id, status=StopStatus.PENDING)
    if courier_id is not None:
        stops = stops.filter(route__courier_id=courier_id)
    return stops


def pending_pickup(*, part_id: int, courier_id: int | None = None) -> RouteStop | None:
    stops = pending_stops(part_id=part_id, courier_id=courier_id)
    return stops.filter(kind=StopKind.PICKUP).order_by("route__date", "sequence").first()


def close_stops(stop_ids: Iterable[int], *, status: str, reason: str = "") -> int:
    """Pending -> done/failed, guarded: a stop someone else closed meanwhile is not counted.

    Then, on each route touched, a consumer whose delivery is now the next stop is told
    "your courier is next" (once per delivery attempt, after the commit)."""
    stop_ids = list(stop_ids)
    closed = RouteStop.objects.filter(pk__in=stop_ids, status=StopStatus.PENDING).update(
        status=status, done_at=timezone.now(), failure_reason=reason[:300]
    )
    route_ids = set(RouteStop.objects.filter(pk__in=stop_ids).values_list("route_id", flat=True))
    refresh_routes(route_ids)
    if closed:
        notify_next_deliveries(route_ids)
    return closed


def next_stop(route_id: int) -> RouteStop | None:
    pending = RouteStop.objects.filter(route_id=route_id, status=StopStatus.PENDING)
    return pending.select_related("part").order_by("sequence").first()


def notify_next_deliveries(route_ids: Iterable[int]) -> None:
    """Sends "your courier is next" for each route whose next stop is a delivery to a door.

    next_notified_at is set with a guarded UPDATE (only while empty), so two stops closing
    at once, or a stop closed twice, send one e-mail; rebooking clears it for a new attempt.
    """
    from .tasks import send_courier_next_email

    for route_id in sorted(set(route_ids)):
        stop = next_stop(route_id)
        if stop is None or stop.kind != StopKind.DELIVERY or stop.part is None:
            continue
        part = stop.part
        if part.method != PartMethod.DELIVERY:
            continue
        marked = OrderPart.objects.filter(
            pk=part.pk, status=PartStatus.HANDED_OVER, next_notified_at__isnull=True
        ).update(next_notified_at=timezone.now())
        if marked:
            enqueue(send_courier_next_email, part.pk)


def refresh_routes(route_ids: Iterable[int]) -> None:
    """planned until a stop is closed, in progress while some are pending, then done."""
    routes = Route.objects.filter(pk__in=set(route_ids)).annotate(
        pending=Count("stops", filter=Q(stops__status=StopStatus.PENDING)),
        closed=Count("stops", filter=~Q(stops__status=StopStatus.PENDING)),
    )
    for route in routes:
        status = route_status(pending=route.pending, closed=route.closed)
        if status != route.status:
            Route.objects.filter(pk=route.pk).update(status=status)


def route_status(*, pending: int, closed: int) -> str:
    if not closed:
        return RouteStatus.PLANNED
    return RouteStatus.IN_PROGRESS if pending else RouteStatus.DONE


def route_delay(route_id: int) -> timedelta | None:
    """How late (positive) or early the courier runs: the last closed stop's moment against
    its ETA. None before the first stop is closed."""
    last = (
        RouteStop.objects.filter(route_id=route_id, done_at__isnull=False)
        .exclude(status=StopStatus.PENDING)
        .order_by("-done_at", "-sequence")
        .first()
    )
    return None if last is None or last.done_at is None else last.done_at - last.eta


def expected_arrival(part_id: int) -> datetime | None:
    """When the courier should be at the door: the pending delivery stop's ETA, moved later
    by how late the courier runs. Running early moves nothing: the ETA is already the start
    of the consumer's slot or later, and a courier ahead of time waits for it."""
    stop = (
        RouteStop.objects.filter(part_id=part_id, kind=StopKind.DELIVERY, status=StopStatus.PENDING)
        .order_by("route__date", "sequence")
        .first()
    )
    if stop is None:
        return None
    delay = route_delay(stop.route_id) or timedelta(0)
    return stop.eta + max(delay, timedelta(0))


@dataclass(frozen=True)
class RouteFigures:
    """A route's progress as centre management follows it."""

    route_id: int
    status: str
    closed: int
    total: int
    last_done_at: datetime | None
    delay: timedelta | None

    @property
    def delay_minutes(self) -> int | None:
        return None if self.delay is None else round(self.delay.total_seconds() / 60)


def figures_of(routes: Iterable[Route]) -> list[RouteFigures]:
    """Two queries for any number of routes: the counts, then the closed stops' times."""
    routes = list(routes)
    counted = {
        row["route_id"]: row
        for row in RouteStop.objects.filter(route__in=routes)
        .values("route_id")
        .annotate(total=Count("pk"), closed=Count("pk", filter=~Q(status=StopStatus.PENDING)))
    }
    last: dict[int, RouteStop] = {}
    closed_stops = RouteStop.objects.filter(route__in=routes, done_at__isnull=False).exclude(
        status=StopStatus.PENDING
    )
    for stop in closed_stops.order_by("done_at", "sequence"):
        last[stop.route_id] = stop  # the latest wins
    figures = []
    for route in routes:
        counts = counted.get(route.pk, {"total": 0, "closed": 0})
        latest = last.get(route.pk)
        figures.append(
            RouteFigures(
                route_id=route.pk,
                status=route.status,
                closed=counts["closed"],
                total=counts["total"],
                last_done_at=latest.done_at if latest else None,
                delay=(latest.done_at - latest.eta) if latest and latest.done_at else None,
            )
        )
    return figures
