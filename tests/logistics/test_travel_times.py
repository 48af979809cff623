import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from logistics.travel_times import (
    HaversineProvider,
    Location,
    OsrmTableProvider,
    TravelTimeError,
    haversine_metres,
)

# One kilometre of latitude, on the mean-radius sphere the provider uses.
KM_OF_LATITUDE = 1000 / 111_195.08
UTRECHT = Location(52.0907, 5.1214)


def test_points_one_km_apart_are_one_km_apart():
    north = Location(UTRECHT.latitude + KM_OF_LATITUDE, UTRECHT.longitude)
    assert haversine_metres(UTRECHT, north) == pytest.approx(1000, rel=0.01)


def test_one_degree_of_longitude_on_the_equator():
    assert haversine_metres(Location(0, 0), Location(0, 1)) == pytest.approx(111_195, rel=0.001)


def test_london_to_paris():
    london, paris = Location(51.5074, -0.1278), Location(48.8566, 2.3522)
    assert haversine_metres(london, paris) == pytest.approx(343_500, rel=0.01)


def test_haversine_provider_adds_the_detour_and_rides_at_the_kind_speed():
    north = Location(UTRECHT.latitude + KM_OF_LATITUDE, UTRECHT.longitude)
    provider = HaversineProvider()
    bike = provider.matrix([UTRECHT, north], "bike")
    van = provider.matrix([UTRECHT, north], "e_van")
    assert bike == ([[0, 312], [312, 0]], [[0, 1300], [1300, 0]])  # 1300 m at 15 km/h
    assert van == ([[0, 187], [187, 0]], [[0, 1300], [1300, 0]])  # 1300 m at 25 km/h


def test_haversine_provider_refuses_an_unknown_kind():
    with pytest.raises(TravelTimeError, match="no speed configured for vehicle kind 'horse'"):
        HaversineProvider().matrix([UTRECHT], "horse")


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers /table/v1 like osrm-routed: metres = 100,000 x |delta longitude|, 5 m/s."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.server.requests.append((url.path, parse_qs(url.query)))
        mode = self.server.mode
        if mode == "slow":
            time.sleep(1)
        if mode == "broken":
            return self._reply(500, b"Internal Server Error", "text/plain")
        if mode == "invalid":
            body = {"code": "InvalidQuery", "message": "Query string malformed close to position 8"}
            return self._reply(400, json.dumps(body).encode(), "application/json")
        self._reply(200, json.dumps(self._table(url)).encode(), "application/json")

    def _table(self, url) -> dict:
        coordinates = url.path.split("/")[-1].split(";")
        longitudes = [float(point.split(",")[0]) for point in coordinates]
        query = parse_qs(url.query)
        sources = _indices(query, "sources", len(longitudes))
        targets = _indices(query, "destinations", len(longitudes))
        metres = [[abs(longitudes[i] - longitudes[j]) * 100_000 for j in targets] for i in sources]
        seconds = [[value / 5 for value in row] for row in metres]
        if self.server.mode == "unreachable":
            seconds[0][-1] = None
        return {"code": "Ok", "durations": seconds, "distances": metres}

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


def _indices(query: dict, name: str, count: int) -> list[int]:
    return [int(i) for i in query[name][0].split(";")] if name in query else list(range(count))


@pytest.fixture
def osrm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    server.mode, server.requests = "ok", []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def provider(server, **options) -> OsrmTableProvider:
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    profiles = {"bike": "cycling", "e_van": "driving"}
    return OsrmTableProvider(base_url, profiles, **{"timeout": 5.0, **options})


# Longitudes 0.001 degree apart: 100 m apart in the fake server's world.
POINTS = [Location(52.0, 5.0 + i / 1000) for i in range(5)]


def test_osrm_table_is_parsed_into_integer_matrices(osrm):
    durations, distances = provider(osrm).matrix(POINTS[:3], "bike")
    assert distances == [[0, 100, 200], [100, 0, 100], [200, 100, 0]]
    assert durations == [[0, 20, 40], [20, 0, 20], [40, 20, 0]]
    path, query = osrm.requests[0]
    assert path == "/table/v1/cycling/5.000000,52.000000;5.001000,52.000000;5.002000,52.000000"
    assert query == {"annotations": ["duration,distance"]}


def test_osrm_profile_follows_the_vehicle_kind(osrm):
    provider(osrm).matrix(POINTS[:2], "e_van")
    assert osrm.requests[0][0].startswith("/table/v1/driving/")


def test_large_tables_are_asked_in_blocks_and_put_together(osrm):
    whole = provider(osrm).matrix(POINTS, "bike")
    osrm.requests.clear()
    assert provider(osrm, max_table_size=2).matrix(POINTS, "bike") == whole
    assert len(osrm.requests) == 9  # 3 x 3 blocks of at most 2 x 2
    for _, query in osrm.requests:
        assert len(query["sources"][0].split(";")) <= 2
        assert len(query["destinations"][0].split(";")) <= 2


def test_http_error_is_a_travel_time_error(osrm):
    osrm.mode = "broken"
    with pytest.raises(TravelTimeError, match="OSRM answered HTTP 500 without a table"):
        provider(osrm).matrix(POINTS[:2], "bike")


def test_osrm_error_code_is_a_travel_time_error(osrm):
    osrm.mode = "invalid"
    with pytest.raises(TravelTimeError, match="OSRM table failed: InvalidQuery: Query string"):
        provider(osrm).matrix(POINTS[:2], "bike")


def test_slow_osrm_is_a_travel_time_error(osrm):
    osrm.mode = "slow"
    with pytest.raises(TravelTimeError, match=r"OSRM did not answer within 0\.2 s"):
        provider(osrm, timeout=0.2).matrix(POINTS[:2], "bike")


def test_missing_route_is_a_travel_time_error(osrm):
    osrm.mode = "unreachable"
    with pytest.raises(TravelTimeError, match="OSRM found no route from"):
        provider(osrm).matrix(POINTS[:3], "bike")


def test_unknown_kind_is_a_travel_time_error(osrm):
    with pytest.raises(TravelTimeError, match="no OSRM profile for vehicle kind 'cargo_bike'"):
        provider(osrm).matrix(POINTS[:2], "cargo_bike")
    assert osrm.requests == []


def test_unreachable_server_is_a_travel_time_error(osrm):
    port = osrm.server_address[1]
    osrm.shutdown()
    osrm.server_close()
    closed = OsrmTableProvider(f"http://127.0.0.1:{port}", {"bike": "cycling"}, timeout=2.0)
    with pytest.raises(TravelTimeError, match="OSRM could not be reached"):
        closed.matrix(POINTS[:2], "bike")
