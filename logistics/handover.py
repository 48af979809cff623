"""The pickup hand-over at a shop: one code per courier's route and shop.

The shop's part page shows the code (and a QR code); the courier types it on the stop, or
scans the QR code with the phone's camera, which opens the courier app on the code. All
parts the courier is planned to pick up at that shop that are ready leave in one hand-over.
The code is derived from the route and the shop (HMAC with the site's secret), so nothing
needs storing and a re-planned route gets a new code.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import part_states
from .codes import ALPHABET, LENGTH, codes_match
from .models import OrderPart, PartStatus, Route, RouteStop, StopKind, StopStatus


def handover_code(*, route_id: int, shop_id: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"handover:{route_id}:{shop_id}".encode(), hashlib.sha256
    ).digest()
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:LENGTH])


@dataclass(frozen=True)
class Handover:
    """What one courier picks up at one shop: for the shop's page."""

    route: Route
    code: str
    eta: datetime
    parts: list[OrderPart]

    @property
    def courier_name(self) -> str:
        return str(self.route.courier)


def pending_pickups(*, route_id: int, shop_id: int):
    return RouteStop.objects.filter(
        route_id=route_id,
        kind=StopKind.PICKUP,
        status=StopStatus.PENDING,
        part__shop_id=shop_id,
    )


def handovers_of_shop(*, shop_id: int, part_id: int | None = None) -> list[Handover]:
    """The couriers coming to the shop (today and later), with the parts each takes."""
    stops = (
        RouteStop.objects.filter(
            kind=StopKind.PICKUP,
            status=StopStatus.PENDING,
            part__shop_id=shop_id,
            route__date__gte=timezone.localdate(),
        )
        .select_related("route__courier__user", "part__order")
        .order_by("route__date", "eta", "sequence")
    )
    if part_id is not None:
        routes = stops.filter(part_id=part_id).values("route_id")
        stops = stops.filter(route_id__in=routes)
    grouped: dict[int, list[RouteStop]] = {}
    for stop in stops:
        grouped.setdefault(stop.route_id, []).append(stop)
    return [
        Handover(
            route=group[0].route,
            code=handover_code(route_id=group[0].route_id, shop_id=shop_id),
            eta=group[0].eta,
            parts=[stop.part for stop in group if stop.part is not None],
        )
        for group in grouped.values()
    ]


def todays_route(courier_id: int) -> Route | None:
    return Route.objects.filter(courier_id=courier_id, date=timezone.localdate()).first()


def shop_for_code(*, route: Route, code: str) -> int | None:
    """The shop on the route whose hand-over code this is (for the scanned QR code)."""
    shops = (
        RouteStop.objects.filter(route=route, kind=StopKind.PICKUP, status=StopStatus.PENDING)
        .values_list("part__shop_id", flat=True)
        .distinct()
    )
    for shop_id in shops:
        if codes_match(code, handover_code(route_id=route.pk, shop_id=shop_id)):
            return shop_id
    return None


def pick_up_at_shop(*, courier_id: int, shop_id: int, code: str, route: Route | None = None) -> str:
    """Takes every ready part of the courier's pending pickups at the shop, on the shop's
    code, as one hand-over. Returns the message for the courier; refuses with nothing
    changed on a wrong code or when nothing there is ready."""
    route = route or todays_route(courier_id)
    if route is None or route.courier_id != courier_id:
        raise part_states.TransitionRefused(_("Nothing to pick up at this shop on your route."))
    stops = pending_pickups(route_id=route.pk, shop_id=shop_id)
    if not stops.exists():
        raise part_states.TransitionRefused(_("Nothing to pick up at this shop on your route."))
    parts = OrderPart.objects.filter(pk__in=stops.values("part_id"))
    check_handover_code(route, shop_id, parts, code)
    ready = list(parts.filter(status=PartStatus.READY).select_related("shop__partner"))
    if not ready:
        raise part_states.TransitionRefused(_("The shop has not marked these parts ready yet."))
    with transaction.atomic():
        for part in ready:
            stop = stops.filter(part_id=part.pk).order_by("sequence").first()
            part_states.release_goods(part, shop_id=None, target=PartStatus.HANDED_OVER, stop=stop)
    waiting = stops.count()
    picked = ngettext("Picked up %(count)d part.", "Picked up %(count)d parts.", len(ready))
    message = picked % {"count": len(ready)}
    if waiting:
        message += " " + ngettext(
            "%(count)d part here is not ready yet; it stays on your route.",
            "%(count)d parts here are not ready yet; they stay on your route.",
            waiting,
        ) % {"count": waiting}
    return message


def check_handover_code(route: Route, shop_id: int, parts, code: str) -> None:
    part_states.check_code_for(
        parts,
        code,
        handover_code(route_id=route.pk, shop_id=shop_id),
        wrong=_("That is not this shop's hand-over code."),
    )


def pick_up_by_code(*, courier_id: int, code: str) -> str:
    """The scanned (or typed) code alone: finds the shop on today's route."""
    route = todays_route(courier_id)
    shop_id = shop_for_code(route=route, code=code) if route else None
    if shop_id is None:
        if route is not None:  # counted, so the QR path is no way around the limit
            pickups = RouteStop.objects.filter(
                route=route, kind=StopKind.PICKUP, status=StopStatus.PENDING
            )
            OrderPart.objects.filter(pk__in=pickups.values("part_id")).update(
                failed_code_attempts=F("failed_code_attempts") + 1
            )
        raise part_states.TransitionRefused(_("This code is not for a pickup on your route today."))
    return pick_up_at_shop(courier_id=courier_id, shop_id=shop_id, code=code, route=route)


def parts_of_stop(stop: RouteStop) -> list[int]:
    """The parts a stop row stands for: a pickup row covers the route's pending pickups at
    its shop; a delivery row its own part."""
    if stop.part is None:  # a stop of no part stands for none
        return []
    if stop.kind != StopKind.PICKUP:
        return [stop.part.pk]
    shop_id = stop.part.shop_id
    stops = pending_pickups(route_id=stop.route_id, shop_id=shop_id)
    return list(stops.values_list("part_id", flat=True).distinct())
