"""PDOK's Locatieserver on 127.0.0.1 for tests: the "free" endpoint answering in its own
shape ({"response": {"numFound", "docs": [...]}}) for the houses it is given, filtered by
the `fq` terms the way Solr filters; or failing on request (down, slow, HTTP 500, not JSON).
Runs in a thread; the address lookup talks to it over real HTTP."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def house(street, number, postcode, city, lon, lat, letter="", extra="") -> dict:
    """One address document as the register returns it (absent fields left out)."""
    doc = {
        "type": "adres",
        "weergavenaam": f"{street} {number}{letter}{'-' + extra if extra else ''}, "
        f"{postcode} {city}",
        "straatnaam": street,
        "huisnummer": int(number),
        "postcode": postcode,
        "woonplaatsnaam": city,
        "centroide_ll": f"POINT({lon} {lat})",
    }
    if letter:
        doc["huisletter"] = letter
    if extra:
        doc["huisnummertoevoeging"] = extra
    return doc


@dataclass
class FakePdok:
    houses: list = field(default_factory=list)
    mode: str = "ok"  # ok, slow, error, garbage
    delay: float = 0.0
    requests: list = field(default_factory=list)  # parsed query of each request
    url: str = ""

    def matches(self, filters: list[str]) -> list[dict]:
        found = self.houses
        for term in filters:
            name, _, value = term.partition(":")
            found = [doc for doc in found if str(doc.get(name, "")) == value]
        return found


def _handler(pdok: FakePdok):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet test output
            pass

        def send(self, status: int, data: bytes, content_type="application/json"):
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a slow answer the lookup gave up on: it is meant to go unread

        def do_GET(self):
            parsed = urlparse(self.path)
            query = parse_qs(parsed.query)
            pdok.requests.append(query)
            if pdok.mode == "slow":
                time.sleep(pdok.delay)
            if pdok.mode == "error":
                return self.send(500, b'{"message": "Internal Server Error"}')
            if pdok.mode == "garbage":
                return self.send(200, b"<html>maintenance</html>", "text/html")
            if parsed.path != "/free":
                return self.send(404, b"{}")
            docs = pdok.matches(query.get("fq", []))
            rows = int(query.get("rows", ["10"])[0])
            body = {
                "response": {
                    "numFound": len(docs),
                    "start": 0,
                    "maxScore": 1.0,
                    "numFoundExact": True,
                    "docs": docs[:rows],
                }
            }
            return self.send(200, json.dumps(body).encode())

    return Handler


class running:
    """`with running(FakePdok(...)) as pdok:` serves it on a free loopback port."""

    def __init__(self, pdok: FakePdok):
        self.pdok = pdok
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pdok))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePdok:
        self.thread.start()
        self.pdok.url = f"http://127.0.0.1:{self.server.server_port}/free"
        return self.pdok

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
