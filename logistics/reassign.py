"""Centre management moves stops to another courier by hand: one part's stops, or all that a
route has left to do.

A part's pickup and delivery move together, so no courier is sent to deliver what another
picked up. A part already picked up stays with the courier carrying it (the domain rule
the planner keeps too): moving its delivery is refused, and moving a whole route leaves it.
Moved stops go to the end of the other courier's route in ETA order, keeping their ETAs;
the parts are pinned to that courier, so the next planning run (the beat or "Plan now")
orders their stops afresh but keeps them on the courier they were given to.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import route_progress
from .models import Courier, OrderPart, PartStatus, Route, RouteStop, StopKind, StopStatus


class ReassignRefused(Exception):
    """A move that cannot be made; nothing was changed. The message is for people."""


@dataclass(frozen=True)
class Moved:
    stops: int
    kept: int  # stops of parts already picked up, left with their courier
    route: Route


def move_stop(*, stop_id: int, courier_id: int, now: datetime | None = None) -> Moved:
    """Moves a pending stop, with the other pending stop of its part, to `courier_id`'s
    route of the same day (made if they have none). Locks both routes in id order."""
    stop = RouteStop.objects.select_related("route", "part").filter(pk=stop_id).first()
    if stop is None:
        raise RouteStop.DoesNotExist
    with transaction.atomic():
        source, target = lock_routes(stop.route, courier_id, now=now)
        stop = RouteStop.objects.select_related("part").get(pk=stop_id)
        if stop.status != StopStatus.PENDING or stop.route_id != source.pk:
            raise ReassignRefused(_("This stop is already closed or moved; reload the page."))
        if stop.part_id and is_carried(stop):
            raise ReassignRefused(
                _("This part is already picked up; it stays with the courier carrying it.")
            )
        stops = list(pending_of_part(source, stop.part_id)) if stop.part_id else [stop]
        append_stops(stops, target)
        finish(source, target)
    return Moved(stops=len(stops), kept=0, route=target)


def move_route(*, route_id: int, courier_id: int, now: datetime | None = None) -> Moved:
    """Moves every pending stop of a route to `courier_id`, except those of parts the
    route's courier already carries. Refused when nothing could move."""
    route = Route.objects.filter(pk=route_id).first()
    if route is None:
        raise Route.DoesNotExist
    with transaction.atomic():
        source, target = lock_routes(route, courier_id, now=now)
        pending = list(source.stops.filter(status=StopStatus.PENDING).select_related("part"))
        movable = [stop for stop in pending if not is_carried(stop)]
        if not movable:
            raise ReassignRefused(_("This route has no stops left that can move."))
        append_stops(movable, target)
        finish(source, target)
    return Moved(stops=len(movable), kept=len(pending) - len(movable), route=target)


def lock_routes(route: Route, courier_id: int, *, now: datetime | None) -> tuple[Route, Route]:
    courier = Courier.objects.filter(pk=courier_id, is_active=True).first()
    if courier is None:
        raise ReassignRefused(_("Choose an active courier."))
    if courier.pk == route.courier_id:
        raise ReassignRefused(_("These stops are already on this courier's route."))
    target, _created = Route.objects.get_or_create(
        courier=courier, date=route.date, defaults={"planned_at": now or timezone.now()}
    )
    locked = {
        locked.pk: locked
        for locked in Route.objects.select_for_update()
        .filter(pk__in=[route.pk, target.pk])
        .order_by("pk")
    }
    return locked[route.pk], locked[target.pk]


def is_carried(stop: RouteStop) -> bool:
    """Its part has left the shop: whoever picked it up keeps it until the door or hub."""
    part = stop.part
    return part is not None and part.status == PartStatus.HANDED_OVER


def pending_of_part(route: Route, part_id: int):
    return route.stops.filter(part_id=part_id, status=StopStatus.PENDING)


def append_stops(stops: list[RouteStop], target: Route) -> None:
    """After the target's last stop, in ETA order, a part's pickup before its delivery."""
    last = target.stops.aggregate(last=Max("sequence"))["last"] or 0
    # Pinned, so the next planning run keeps the parts on the courier they were given to.
    parts = {stop.part_id for stop in stops if stop.part_id}
    OrderPart.objects.filter(pk__in=parts).update(pinned_courier_id=target.courier_id)
    ordered = sorted(stops, key=lambda stop: (stop.eta, stop.kind != StopKind.PICKUP, stop.pk))
    for number, stop in enumerate(ordered, start=1):
        moved = RouteStop.objects.filter(pk=stop.pk, status=StopStatus.PENDING).update(
            route=target, sequence=last + number
        )
        if moved != 1:  # the courier closed it meanwhile: undo the whole move
            raise ReassignRefused(_("A stop was closed meanwhile; reload the page."))


def finish(source: Route, target: Route) -> None:
    """Route statuses follow their stops; a route left with no stop at all is dropped, as
    the planner drops one."""
    route_progress.refresh_routes([source.pk, target.pk])
    if not source.stops.exists():
        source.delete()
