"""What re-planning changed on a courier's route since the courier last looked.

The courier page stores the pending stops it showed (Route.seen_stops); the next visit
compares them with the route as it is now, so stops that were added or taken off (moved to
another courier, cancelled) are named instead of vanishing.
"""

from dataclasses import dataclass

from django.utils import timezone

from .models import Route, RouteStop, StopKind, StopStatus


@dataclass(frozen=True)
class Change:
    added: bool
    kind: str  # StopKind value
    order: str
    name: str

    @property
    def kind_label(self) -> str:
        return str(StopKind(self.kind).label)


def snapshot(stops: list[RouteStop]) -> list[dict]:
    seen = []
    for stop in stops:
        part = stop.part
        if stop.status != StopStatus.PENDING or part is None:
            continue
        name = part.shop.partner.name if stop.kind == StopKind.PICKUP else part.recipient_name
        seen.append({"part": part.pk, "kind": stop.kind, "order": part.order.number, "name": name})
    return seen


def changes_since_seen(route: Route, stops: list[RouteStop]) -> list[Change]:
    """Added and removed pending stops since the last look; records this look."""
    now = snapshot(stops)
    before = route.seen_stops or []
    keys_now = {(item["part"], item["kind"]) for item in now}
    keys_before = {(item["part"], item["kind"]) for item in before}
    closed = set(
        RouteStop.objects.filter(route=route)
        .exclude(status=StopStatus.PENDING)
        .values_list("part_id", "kind")
    )
    changes = []
    if route.seen_at is not None:
        changes += [as_change(item, added=True) for item in now if key(item) not in keys_before]
        # A stop the courier closed is not "taken off"; only what left the route unannounced.
        changes += [
            as_change(item, added=False)
            for item in before
            if key(item) not in keys_now and key(item) not in closed
        ]
    if now != before or route.seen_at is None:
        Route.objects.filter(pk=route.pk).update(seen_stops=now, seen_at=timezone.now())
    return changes


def key(item: dict) -> tuple:
    return (item["part"], item["kind"])


def as_change(item: dict, *, added: bool) -> Change:
    return Change(added=added, kind=item["kind"], order=item["order"], name=item["name"])
