"""What the courier page and centre management's route page show of a route: stops as rows
and the map data for static/logistics/routes_map.js."""

from dataclasses import dataclass, replace
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _

from shops.views import map_config

from .models import DeliveryZone, Hub, Route, RouteStop, StopKind, StopStatus

# Told apart on a map without tiles and by most colour-blind eyes (Okabe-Ito).
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


@dataclass(frozen=True)
class StopRow:
    stop: RouteStop  # the first stop of the row
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    eta: str
    number: int = 0  # the row's place in the list, as the courier counts
    stops: tuple[RouteStop, ...] = ()  # every stop the row stands for

    @property
    def message_tag(self) -> str:
        return f"stop-{self.stop.pk}"  # as logistics.courier_views tags the action's outcome

    @property
    def orders(self) -> list[str]:
        stops = self.stops or (self.stop,)
        return [stop.part.order.number for stop in stops if stop.part is not None]

    @property
    def geo_uri(self) -> str:
        """RFC 5870 `geo:` URI: the phone opens its own navigation app, no map site."""
        if self.latitude is None or self.longitude is None:
            return ""
        point = f"{self.latitude:.6f},{self.longitude:.6f}"
        return f"geo:{point}?q={point}({quote(self.name)})"


def stops_of(route: Route) -> list[RouteStop]:
    return list(
        route.stops.select_related(
            "part__shop__partner", "part__order", "return_pickup__shop__partner"
        ).order_by("sequence")
    )


def rows_of(stops: list[RouteStop]) -> list[StopRow]:
    """One row per visit: pickups in a row at the same shop with the same status are one
    stop with one hand-over (logistics.handover). Numbered 1, 2, 3 as listed, whatever
    re-planning did to the stored sequence numbers."""
    groups: list[list[RouteStop]] = []
    for stop in stops:
        last = groups[-1][0] if groups else None
        if last is not None and same_pickup(last, stop):
            groups[-1].append(stop)
        else:
            groups.append([stop])
    return [
        replace(stop_row(group[0]), number=number, stops=tuple(group))
        for number, group in enumerate(groups, start=1)
    ]


def same_pickup(first: RouteStop, other: RouteStop) -> bool:
    return (
        first.kind == other.kind == StopKind.PICKUP
        and first.status == other.status
        and first.part is not None
        and other.part is not None
        and first.part.shop_id == other.part.shop_id
    )


def stop_row(stop: RouteStop) -> StopRow:
    part = stop.part
    eta = timezone.localtime(stop.eta).strftime("%H:%M")
    if stop.kind == StopKind.PICKUP and part is not None:
        shop = part.shop
        address = f"{shop.street}, {shop.postcode} {shop.city}"
        return StopRow(stop, shop.partner.name, address, _f(shop.latitude), _f(shop.longitude), eta)
    if stop.return_pickup is not None:
        return return_row(stop, eta)
    if part is None:
        return StopRow(stop, "", "", None, None, eta)
    address = f"{part.address_line}, {part.postcode} {part.city}"
    return StopRow(stop, part.recipient_name, address, _f(part.latitude), _f(part.longitude), eta)


def return_row(stop: RouteStop, eta: str) -> StopRow:
    """A consumer's return: fetched at their door, dropped at the shop."""
    pickup = stop.return_pickup
    assert pickup is not None
    shop = pickup.shop
    door = f"{pickup.address_line}, {pickup.postcode} {pickup.city}"
    name = _("Return pickup: %(address)s → %(shop)s") % {"address": door, "shop": shop.partner.name}
    if stop.kind == StopKind.PICKUP:
        return StopRow(stop, name, door, _f(pickup.latitude), _f(pickup.longitude), eta)
    address = f"{shop.street}, {shop.postcode} {shop.city}"
    return StopRow(stop, name, address, _f(shop.latitude), _f(shop.longitude), eta)


def _f(value) -> float | None:
    return None if value is None else float(value)


def progress(stops: list[RouteStop]) -> tuple[int, int]:
    """(closed, total): failed stops count as closed, the courier is done with them."""
    closed = sum(1 for stop in stops if stop.status != StopStatus.PENDING)
    return closed, len(stops)


def map_route(*, label: str, colour: str, rows: list[StopRow]) -> dict:
    return {
        "label": label,
        "colour": colour,
        "stops": [
            {
                "lat": row.latitude,
                "lng": row.longitude,
                "sequence": row.number or row.stop.sequence,
                "name": row.name,
                "eta": row.eta,
                "kind": row.stop.get_kind_display(),
                "done": row.stop.status != StopStatus.PENDING,
            }
            for row in rows
            if row.latitude is not None
        ],
    }


def route_map_config() -> dict:
    """The map settings plus what the map draws when there are no tiles: the delivery
    zones and the hub."""
    config = map_config()
    config["zones"] = [
        {
            "lat": float(zone.centre_latitude),
            "lng": float(zone.centre_longitude),
            "radius": zone.radius_metres,
        }
        for zone in DeliveryZone.objects.filter(is_active=True)
    ]
    hub = Hub.objects.order_by("pk").first()
    if hub is not None:
        config["hub"] = {"lat": float(hub.latitude), "lng": float(hub.longitude), "name": hub.name}
    return config
