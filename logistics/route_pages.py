"""What the courier page and centre management's route page show of a route: stops as rows
and the map data for static/logistics/routes_map.js."""

from dataclasses import dataclass
from urllib.parse import quote

from django.utils import timezone

from .models import Route, RouteStop, StopKind, StopStatus

# Told apart on a map without tiles and by most colour-blind eyes (Okabe-Ito).
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


@dataclass(frozen=True)
class StopRow:
    stop: RouteStop
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    eta: str

    @property
    def geo_uri(self) -> str:
        """RFC 5870 `geo:` URI: the phone opens its own navigation app, no map site."""
        if self.latitude is None or self.longitude is None:
            return ""
        point = f"{self.latitude:.6f},{self.longitude:.6f}"
        return f"geo:{point}?q={point}({quote(self.name)})"


def stops_of(route: Route) -> list[RouteStop]:
    return list(
        route.stops.select_related("fulfilment__shop__partner", "fulfilment__order").order_by(
            "sequence"
        )
    )


def stop_row(stop: RouteStop) -> StopRow:
    part = stop.fulfilment
    eta = timezone.localtime(stop.eta).strftime("%H:%M")
    if stop.kind == StopKind.PICKUP and part is not None:
        shop = part.shop
        address = f"{shop.street}, {shop.postcode} {shop.city}"
        return StopRow(stop, shop.partner.name, address, _f(shop.latitude), _f(shop.longitude), eta)
    if part is None:
        return StopRow(stop, "", "", None, None, eta)
    address = f"{part.address_line}, {part.postcode} {part.city}"
    return StopRow(stop, part.recipient_name, address, _f(part.latitude), _f(part.longitude), eta)


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
                "sequence": row.stop.sequence,
                "name": row.name,
                "eta": row.eta,
                "kind": row.stop.get_kind_display(),
                "done": row.stop.status != StopStatus.PENDING,
            }
            for row in rows
            if row.latitude is not None
        ],
    }
