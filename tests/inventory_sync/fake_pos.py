"""A POS on 127.0.0.1 for tests: Shopify, Square and Lightspeed (R- and X-Series) answering
in their own shapes, paging the way each pages, and failing on request (429 with
Retry-After, 500). Runs in a thread; the connectors talk to it over real HTTP."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class FakePos:
    page_size: int = 2
    shopify_products: list = field(default_factory=list)
    shopify_levels: list = field(default_factory=list)
    square_objects: list = field(default_factory=list)
    square_counts: list = field(default_factory=list)
    r_items: list = field(default_factory=list)
    x_products: list = field(default_factory=list)
    x_inventory: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # (status, retry_after or None), used in order
    requests: list = field(default_factory=list)  # (method, path, query, body)
    adjustments: list = field(default_factory=list)  # what the POS booked
    square_keys: dict = field(default_factory=dict)  # idempotency_key -> answer
    token: str = "pos-token"
    url: str = ""

    def page(self, rows: list, start: int) -> tuple[list, int | None]:
        end = start + self.page_size
        return rows[start:end], (end if end < len(rows) else None)


def _handler(pos: FakePos):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet test output
            pass

        def answer(self, status: int, body=None, headers=None):
            data = json.dumps(body if body is not None else {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def authorised(self) -> bool:
            return pos.token in (
                self.headers.get("X-Shopify-Access-Token", ""),
                self.headers.get("Authorization", "").removeprefix("Bearer "),
            )

        def handle_any(self, method: str):
            parsed = urlparse(self.path)
            query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            pos.requests.append((method, parsed.path, query, body))
            if pos.failures:
                status, retry_after = pos.failures.pop(0)
                headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                return self.answer(status, {"errors": "try later"}, headers)
            if not self.authorised():
                return self.answer(401, {"errors": "[API] Invalid API key or access token"})
            route = None
            for (route_method, suffix), function in ROUTES.items():
                if route_method == method and parsed.path.endswith(suffix):
                    route = function
            if route is None:
                return self.answer(404, {"errors": "Not Found"})
            return route(self, query, body)

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

    def shopify_list(handler, query, rows, key, path, location=""):
        start = int((query.get("page_info") or "0").split(".")[-1])
        page, following = pos.page(rows, start)
        headers = {}
        if following is not None:
            # Shopify: the next link repeats limit and carries an opaque page_info that
            # holds the filters; adding them again is an error there.
            info = f"{location}.{following}" if location else str(following)
            headers["Link"] = (
                f'<{pos.url}{path}?limit={query.get("limit")}&page_info={info}>; rel="next"'
            )
        handler.answer(200, {key: page}, headers)

    def shopify_products(handler, query, body):
        shopify_list(handler, query, pos.shopify_products, "products", urlparse(handler.path).path)

    def shopify_levels(handler, query, body):
        location = query.get("location_ids") or (query.get("page_info") or "").partition(".")[0]
        rows = [r for r in pos.shopify_levels if str(r["location_id"]) == location]
        path = urlparse(handler.path).path
        shopify_list(handler, query, rows, "inventory_levels", path, location)

    def shopify_adjust(handler, query, body):
        for level in pos.shopify_levels:
            if (
                level["inventory_item_id"] == body["inventory_item_id"]
                and level["location_id"] == body["location_id"]
            ):
                level["available"] += body["available_adjustment"]
                pos.adjustments.append(
                    ("shopify", body["inventory_item_id"], body["available_adjustment"])
                )
                return handler.answer(200, {"inventory_level": level})
        handler.answer(422, {"errors": "Inventory item not stocked at location"})

    def square_catalog(handler, query, body):
        start = int(query.get("cursor", "0") or 0)
        page, following = pos.page(pos.square_objects, start)
        handler.answer(200, {"objects": page, **({"cursor": str(following)} if following else {})})

    def square_counts(handler, query, body):
        rows = [c for c in pos.square_counts if c["location_id"] in body.get("location_ids", [])]
        page, following = pos.page(rows, int(body.get("cursor", "0") or 0))
        handler.answer(200, {"counts": page, **({"cursor": str(following)} if following else {})})

    def square_change(handler, query, body):
        key = body.get("idempotency_key")
        if key in pos.square_keys:  # Square: the same key gives the same answer, books once
            return handler.answer(200, pos.square_keys[key])
        for change in body["changes"]:
            adjustment = change["adjustment"]
            pos.adjustments.append(
                ("square", adjustment["catalog_object_id"], -int(adjustment["quantity"]))
            )
        pos.square_keys[key] = {"counts": []}
        handler.answer(200, pos.square_keys[key])

    def r_items(handler, query, body):
        start = int(query.get("offset", "0") or 0)
        page, following = pos.page(pos.r_items, start)
        path = urlparse(handler.path).path
        next_url = f"{pos.url}{path}?offset={following}" if following is not None else ""
        items = page[0] if len(page) == 1 else page  # R-Series: one item is an object
        handler.answer(
            200, {"@attributes": {"count": str(len(pos.r_items)), "next": next_url}, "Item": items}
        )

    def x_list(handler, query, rows):
        after = int(query.get("after", "0") or 0)
        page = [r for r in rows if r["version"] > after][: pos.page_size]
        version = {"min": page[0]["version"], "max": page[-1]["version"]} if page else None
        handler.answer(200, {"data": page, "version": version})

    ROUTES = {
        ("GET", "products.json"): shopify_products,
        ("GET", "inventory_levels.json"): shopify_levels,
        ("POST", "inventory_levels/adjust.json"): shopify_adjust,
        ("GET", "/v2/catalog/list"): square_catalog,
        ("POST", "/v2/inventory/counts/batch-retrieve"): square_counts,
        ("POST", "/v2/inventory/changes/batch-create"): square_change,
        ("GET", "/Item.json"): r_items,
        ("GET", "/api/2.0/products"): lambda h, q, b: x_list(h, q, pos.x_products),
        ("GET", "/api/2.0/inventory"): lambda h, q, b: x_list(h, q, pos.x_inventory),
    }
    return Handler


class RunningPos:
    def __init__(self):
        self.pos = FakePos()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.pos))
        self.pos.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePos:
        self.thread.start()
        return self.pos

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
