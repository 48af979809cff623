"""Input and output types of the routing layer (`logistics.routing`); plain frozen dataclasses.

Times are integer seconds since midnight of the planned day; ids are the caller's own.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

from logistics.travel_times import Location

VEHICLE_KINDS = frozenset({"bike", "cargo_bike", "e_van"})
CARGO_SKILL = "cargo"
# Kinds that carry bulky shipments without saying so in their skills.
CARGO_KINDS = frozenset({"cargo_bike", "e_van"})
Window = tuple[int, int]


@dataclass(frozen=True)
class Vehicle:
    """A courier on shift with their vehicle; `end=None` means the route ends at the last stop.

    Cargo bikes and vans have the cargo skill (bulky shipments) whether `skills` says so or not.
    """

    id: Hashable
    kind: str
    capacity_parts: int
    capacity_litres: int
    shift_start: int
    shift_end: int
    start: Location
    end: Location | None = None
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in VEHICLE_KINDS:
            raise ValueError(f"unknown vehicle kind {self.kind!r}")
        if self.shift_start > self.shift_end:
            raise ValueError(f"courier {self.id!r}: shift ends before it starts")
        object.__setattr__(self, "skills", frozenset(self.skills))

    @property
    def all_skills(self) -> frozenset[str]:
        return (self.skills | {CARGO_SKILL}) if self.kind in CARGO_KINDS else self.skills


@dataclass(frozen=True)
class Shipment:
    """One shipment from a shop to a consumer.

    `picked_up_by` is the courier already carrying it: only its delivery is planned, on that
    courier. `assigned_to` is a courier centre management gave it to: planned on them only.
    Shipments with the same `pickup_group` (e.g. the shop id; they must share `pickup`)
    are picked up at one stop. An empty `pickup_windows` means the shop is closed all day.
    Windows bound the start of service (after any wait, before setup), ends included.
    `pickup_service_seconds` and `delivery_service_seconds`, when set, replace the per-shipment
    service time of `ServiceTimes` for this shipment (setup times still come from there).
    """

    id: Hashable
    pickup: Location
    pickup_windows: Sequence[Window]
    ready_at: int
    delivery: Location
    delivery_window: Window
    parts: int = 1
    litres: int = 0
    bulky: bool = False
    picked_up_by: Hashable | None = None
    assigned_to: Hashable | None = None
    pickup_group: str | None = None
    pickup_service_seconds: int | None = None
    delivery_service_seconds: int | None = None

    def __post_init__(self) -> None:
        windows = tuple((int(start), int(end)) for start, end in self.pickup_windows)
        object.__setattr__(self, "pickup_windows", windows)
        object.__setattr__(self, "delivery_window", tuple(int(t) for t in self.delivery_window))
        if any(start > end for start, end in (*windows, self.delivery_window)):
            raise ValueError(f"shipment {self.id!r}: a time window ends before it starts")
        if self.parts < 0 or self.litres < 0:
            raise ValueError(f"shipment {self.id!r}: negative size")
        services = (self.pickup_service_seconds, self.delivery_service_seconds)
        if any(seconds is not None and seconds < 0 for seconds in services):
            raise ValueError(f"shipment {self.id!r}: negative service time")


@dataclass(frozen=True)
class ServiceTimes:
    """Seconds spent at a stop: setup once per stop (park, walk in), service per shipment."""

    pickup_setup: int = 180
    pickup_service: int = 30
    delivery_setup: int = 60
    delivery_service: int = 90


@dataclass(frozen=True)
class Stop:
    """One shipment picked up or delivered.

    `arrival` at the stop, `service_start` after any wait (what the windows bound), `departure`
    after setup and service. Shipments handled at one place in a row are consecutive stops with
    the same location, where only the first pays the setup time.
    """

    kind: Literal["pickup", "delivery"]
    shipment_id: Hashable
    location: Location
    arrival: int
    service_start: int
    departure: int


@dataclass(frozen=True)
class Route:
    """One courier's stops in order; `duration_seconds` is riding time only."""

    vehicle_id: Hashable
    stops: tuple[Stop, ...]
    distance_metres: int
    duration_seconds: int


@dataclass(frozen=True)
class Unassigned:
    shipment_id: Hashable
    reason: str


@dataclass(frozen=True)
class RoutePlan:
    routes: tuple[Route, ...] = ()
    unassigned: tuple[Unassigned, ...] = ()


DEFAULT_SERVICE_TIMES = ServiceTimes()
