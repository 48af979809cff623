"""Stops of a route being done or failing, and the route's status following them.

Kept apart from the state machine of the parts (logistics.fulfilments) so both the courier's
and the shop's side of a hand-over close the same pickup stop.
"""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Route, RouteStatus, RouteStop, StopKind, StopStatus


def pending_stops(*, fulfilment_id: int, courier_id: int | None = None) -> QuerySet[RouteStop]:
    stops = RouteStop.objects.filter(fulfilment_id=fulfilment_id, status=StopStatus.PENDING)
    if courier_id is not None:
        stops = stops.filter(route__courier_id=courier_id)
    return stops


def pending_pickup(*, fulfilment_id: int, courier_id: int | None = None) -> RouteStop | None:
    stops = pending_stops(fulfilment_id=fulfilment_id, courier_id=courier_id)
    return stops.filter(kind=StopKind.PICKUP).order_by("route__date", "sequence").first()


def close_stops(stop_ids: Iterable[int], *, status: str, reason: str = "") -> int:
    """Pending -> done/failed, guarded: a stop someone else closed meanwhile is not counted."""
    stop_ids = list(stop_ids)
    closed = RouteStop.objects.filter(pk__in=stop_ids, status=StopStatus.PENDING).update(
        status=status, done_at=timezone.now(), failure_reason=reason[:300]
    )
    refresh_routes(RouteStop.objects.filter(pk__in=stop_ids).values_list("route_id", flat=True))
    return closed


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
