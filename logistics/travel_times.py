"""Travel-time providers for the dispatcher: square duration and distance matrices per vehicle kind.

`HaversineProvider` is pure math (straight line times a detour factor at a fixed speed per kind)
and is the default; `OsrmTableProvider` asks an OSRM server's table service when one is set up.
`EuclideanProvider` is for benchmarks on plane coordinates (Solomon, Li & Lim), not for the town.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import requests

Matrix = list[list[int]]
EARTH_RADIUS_METRES = 6_371_008.8  # mean radius (IUGG)
DEFAULT_SPEEDS_KMH: Mapping[str, float] = {"bike": 15.0, "cargo_bike": 12.0, "e_van": 25.0}


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


class TravelTimeError(Exception):
    """The travel times could not be computed (routing service down, no route, bad answer)."""


class TravelTimeProvider(Protocol):
    def matrix(self, locations: Sequence[Location], vehicle_kind: str) -> tuple[Matrix, Matrix]:
        """Return (durations in seconds, distances in metres), both len(locations) square."""
        ...


def haversine_metres(a: Location, b: Location) -> float:
    """Great-circle distance between two points."""
    lat_a, lat_b = math.radians(a.latitude), math.radians(b.latitude)
    d_lat = lat_b - lat_a
    d_lon = math.radians(b.longitude - a.longitude)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(d_lon / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class HaversineProvider:
    """Straight-line distance times a detour factor, ridden at a constant speed per kind."""

    detour_factor: float = 1.3
    speeds_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))

    def matrix(self, locations: Sequence[Location], vehicle_kind: str) -> tuple[Matrix, Matrix]:
        if vehicle_kind not in self.speeds_kmh:
            raise TravelTimeError(f"no speed configured for vehicle kind {vehicle_kind!r}")
        metres_per_second = self.speeds_kmh[vehicle_kind] / 3.6
        road = [[haversine_metres(a, b) * self.detour_factor for b in locations] for a in locations]
        durations = [[round(metres / metres_per_second) for metres in row] for row in road]
        return durations, [[round(metres) for metres in row] for row in road]


@dataclass(frozen=True)
class EuclideanProvider:
    """Plane coordinates (x = `latitude`, y = `longitude`), travel time = distance, any kind.

    Both matrices hold the distance times `scale`, rounded up, so that a route on time with
    these integers is on time in exact arithmetic too.
    """

    scale: float = 1.0
    epsilon: float = 1e-6  # so that float noise on an exact integer does not round it up

    def matrix(self, locations: Sequence[Location], vehicle_kind: str) -> tuple[Matrix, Matrix]:
        points = [(location.latitude, location.longitude) for location in locations]
        table = [
            [max(0, math.ceil(math.dist(a, b) * self.scale - self.epsilon)) for b in points]
            for a in points
        ]
        return table, [list(row) for row in table]


@dataclass(frozen=True)
class OsrmTableProvider:
    """OSRM's table service (`/table/v1/{profile}/...`), one profile per vehicle kind.

    Large requests are split into blocks of at most `max_table_size` sources by as many
    destinations, because osrm-routed refuses bigger tables (its --max-table-size, 100 by default).
    """

    base_url: str
    profile_by_kind: Mapping[str, str]
    timeout: float = 10.0
    max_table_size: int = 100

    def matrix(self, locations: Sequence[Location], vehicle_kind: str) -> tuple[Matrix, Matrix]:
        profile = self._profile(vehicle_kind)
        size = len(locations)
        durations = [[0] * size for _ in range(size)]
        distances = [[0] * size for _ in range(size)]
        for sources in _blocks(size, self.max_table_size):
            for targets in _blocks(size, self.max_table_size):
                block = self._table(profile, locations, sources, targets)
                _copy_block(block, sources, targets, durations, distances)
        return durations, distances

    def _profile(self, vehicle_kind: str) -> str:
        try:
            return self.profile_by_kind[vehicle_kind]
        except KeyError:
            raise TravelTimeError(f"no OSRM profile for vehicle kind {vehicle_kind!r}") from None

    def _table(
        self, profile: str, locations: Sequence[Location], sources: range, targets: range
    ) -> tuple[Matrix, Matrix]:
        """One table request for the sources x targets block."""
        points, params = _table_query(locations, sources, targets)
        url = f"{self.base_url.rstrip('/')}/table/v1/{profile}/{_coordinates(points)}"
        answer = self._get(url, params)
        return _parse_table(answer, _pick(locations, sources), _pick(locations, targets))

    def _get(self, url: str, params: dict[str, str]) -> dict:
        try:
            response = requests.get(url, params=params, timeout=self.timeout)
        except requests.Timeout:
            raise TravelTimeError(f"OSRM did not answer within {self.timeout} s") from None
        except requests.RequestException as error:
            raise TravelTimeError(f"OSRM could not be reached: {error}") from error
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise TravelTimeError(f"OSRM answered HTTP {response.status_code} without a table")
        return answer


def _blocks(size: int, block: int) -> list[range]:
    return [range(start, min(start + block, size)) for start in range(0, size, block)]


def _table_query(
    locations: Sequence[Location], sources: range, targets: range
) -> tuple[list[Location], dict[str, str]]:
    """The coordinates and query parameters that ask for just this block."""
    params = {"annotations": "duration,distance"}
    if len(sources) == len(targets) == len(locations):
        return list(locations), params
    params["sources"] = ";".join(str(i) for i in range(len(sources)))
    params["destinations"] = ";".join(str(len(sources) + j) for j in range(len(targets)))
    return [*_pick(locations, sources), *_pick(locations, targets)], params


def _pick(locations: Sequence[Location], indices: range) -> list[Location]:
    return [locations[i] for i in indices]


def _coordinates(points: Sequence[Location]) -> str:
    # OSRM wants longitude first.
    return ";".join(f"{point.longitude:.6f},{point.latitude:.6f}" for point in points)


def _parse_table(
    answer: dict, sources: Sequence[Location], targets: Sequence[Location]
) -> tuple[Matrix, Matrix]:
    if answer.get("code") != "Ok":
        message = answer.get("message", "no message")
        raise TravelTimeError(f"OSRM table failed: {answer.get('code')}: {message}")
    durations, distances = answer.get("durations"), answer.get("distances")
    if durations is None or distances is None:
        raise TravelTimeError("OSRM table has no durations or distances (old OSRM?)")
    for table in (durations, distances):
        _check_shape(table, sources, targets)
    return _as_ints(durations), _as_ints(distances)


def _check_shape(table: list, sources: Sequence[Location], targets: Sequence[Location]) -> None:
    if len(table) != len(sources) or any(len(row) != len(targets) for row in table):
        raise TravelTimeError("OSRM table does not match the requested size")
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            if value is None:
                raise TravelTimeError(f"OSRM found no route from {sources[i]} to {targets[j]}")


def _as_ints(table: list[list[float]]) -> Matrix:
    return [[round(value) for value in row] for row in table]


def _copy_block(
    block: tuple[Matrix, Matrix],
    sources: range,
    targets: range,
    durations: Matrix,
    distances: Matrix,
) -> None:
    for row, i in enumerate(sources):
        for column, j in enumerate(targets):
            durations[i][j] = block[0][row][column]
            distances[i][j] = block[1][row][column]
