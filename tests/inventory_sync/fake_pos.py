"""A POS on 127.0.0.1 for tests: Shopify, Square and Lightspeed (R- and X-Series) answering
in their own shapes, paging the way each pages, and failing on request (429 with
Retry-After, 500). Runs in a thread; the connectors talk to it over real HTTP.

Square speaks Square-Version 2026-07-15 and refuses an older or missing version header;
refusals are Square Error objects ({"errors": [{"category", "code", "detail", "field"}]}).
BatchChangeInventory needs an idempotency key: the same key with the same body books once
and answers the same, with another body it is IDEMPOTENCY_KEY_REUSED; an adjustment naming
the retired `location_id` is refused. Lightspeed X-Series answers only under its date
version (/api/2026-07/...), its 429 with an HTTP-date Retry-After; R-Series meters a leaky
bucket (X-LS-API-Bucket-Level "used/size", drained only by `drain()`, so a test decides
when time passes) and pages with an opaque cursor in @attributes.next.

Shopify answers its GraphQL Admin API (productVariants with their inventory level at a
location, cursor paging; inventoryAdjustQuantities) from the same data as its legacy REST
routes: `shopify_products` in the REST product shape and `shopify_levels`."""

import base64
import email.utils
import json
import threading
import time
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
    shopify_keys: dict = field(default_factory=dict)  # @idempotent key -> answer
    graphql_errors: list = field(default_factory=list)  # Shopify GraphQL errors, used in order
    square_version: str = "2026-07-15"  # the oldest Square-Version this fake answers
    square_batch_errors: list = field(default_factory=list)  # 200 with these errors, once
    x_version: str = "2026-07"
    r_bucket: dict = field(default_factory=lambda: {"used": 0.0, "size": 60.0, "drip": 1.0})
    r_cost: float = 1.0  # what one Item.json page costs in the bucket
    headers_seen: list = field(default_factory=list)  # request headers, in order
    token: str = "pos-token"
    url: str = ""

    def drain(self, seconds: float) -> None:
        """Time passes for the R-Series bucket: it leaks `drip` units a second."""
        bucket = self.r_bucket
        bucket["used"] = max(bucket["used"] - seconds * bucket["drip"], 0.0)

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
            pos.headers_seen.append(dict(self.headers.items()))
            if pos.failures:
                status, retry_after, *extra = pos.failures.pop(0)
                headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                headers.update(extra[0] if extra else {})
                return self.answer(status, failure_body(parsed.path, status), headers)
            if not self.authorised():
                if parsed.path.startswith("/v2/"):
                    return self.answer(401, square_errors("AUTHENTICATION_ERROR", "UNAUTHORIZED"))
                return self.answer(401, {"errors": "[API] Invalid API key or access token"})
            if parsed.path.startswith("/v2/"):
                version = self.headers.get("Square-Version", "")
                if not version or version < pos.square_version:
                    return self.answer(
                        400,
                        square_errors(
                            "INVALID_REQUEST_ERROR",
                            "INVALID_VALUE",
                            field="Square-Version",
                            detail=f"this fake speaks {pos.square_version} and later",
                        ),
                    )
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

    def shopify_graphql(handler, query, body):
        text, variables = body.get("query", ""), body.get("variables") or {}
        if pos.graphql_errors:
            return handler.answer(200, {"errors": [pos.graphql_errors.pop(0)]})
        if "productVariants" in text:
            return handler.answer(200, {"data": {"productVariants": variants_page(variables)}})
        if "inventoryAdjustQuantities" in text:
            return handler.answer(200, {"data": {"inventoryAdjustQuantities": adjust(variables)}})
        handler.answer(200, {"errors": [{"message": "unknown operation"}]})

    def tail(global_id: str) -> int:
        return int(str(global_id).rsplit("/", 1)[-1])

    def variants_page(variables):
        location = tail(variables["location"])
        nodes = []
        for product in pos.shopify_products:
            for variant in product.get("variants") or []:
                item = variant.get("inventory_item_id")
                level = next(
                    (
                        row
                        for row in pos.shopify_levels
                        if row["inventory_item_id"] == item and row["location_id"] == location
                    ),
                    None,
                )
                nodes.append(
                    {
                        "title": variant.get("title"),
                        "sku": variant.get("sku"),
                        "barcode": variant.get("barcode") or None,
                        "price": variant.get("price"),
                        "product": {"title": product.get("title")},
                        "inventoryItem": None
                        if item is None
                        else {
                            "id": f"gid://shopify/InventoryItem/{item}",
                            "tracked": True,
                            "inventoryLevel": None
                            if level is None
                            else {
                                "updatedAt": level.get("updated_at"),
                                "quantities": [
                                    {"name": "available", "quantity": level["available"]}
                                ],
                            },
                        },
                    }
                )
        start = int(variables.get("after") or 0)
        page, following = pos.page(nodes, start)
        return {
            "nodes": page,
            "pageInfo": {
                "hasNextPage": following is not None,
                "endCursor": str(following) if following is not None else None,
            },
        }

    def adjust(variables):
        key = variables.get("key")
        if not key:  # required since 2026-04
            return {"inventoryAdjustmentGroup": None, "userErrors": [{"message": "no key"}]}
        if key in pos.shopify_keys:  # the same key books once and answers the same
            return pos.shopify_keys[key]
        pos.shopify_keys[key] = answer = adjust_once(variables)
        return answer

    def adjust_once(variables):
        changes = variables["input"]["changes"]
        for change in changes:
            item, location = tail(change["inventoryItemId"]), tail(change["locationId"])
            level = next(
                (
                    row
                    for row in pos.shopify_levels
                    if row["inventory_item_id"] == item and row["location_id"] == location
                ),
                None,
            )
            if level is None:
                return {
                    "inventoryAdjustmentGroup": None,
                    "userErrors": [{"field": ["input"], "message": "not stocked at location"}],
                }
            level["available"] += change["delta"]
            pos.adjustments.append(("shopify", item, change["delta"]))
        return {
            "inventoryAdjustmentGroup": {"id": "gid://shopify/InventoryAdjustmentGroup/1"},
            "userErrors": [],
        }

    def square_catalog(handler, query, body):
        start = int(query.get("cursor", "0") or 0)
        page, following = pos.page(pos.square_objects, start)
        handler.answer(200, {"objects": page, **({"cursor": str(following)} if following else {})})

    def square_counts(handler, query, body):
        rows = [c for c in pos.square_counts if c["location_id"] in body.get("location_ids", [])]
        states = body.get("states")
        rows = [c for c in rows if not states or c["state"] in states]
        limit = int(body.get("limit") or 1000)
        if not 1 <= limit <= 1000:
            return handler.answer(
                400, square_errors("INVALID_REQUEST_ERROR", "INVALID_VALUE", field="limit")
            )
        size = min(limit, pos.page_size)
        start = int(body.get("cursor", "0") or 0)
        page, following = rows[start : start + size], start + size
        more = {"cursor": str(following)} if following < len(rows) else {}
        handler.answer(200, {"counts": page, **more})

    def square_change(handler, query, body):
        key = body.get("idempotency_key")
        if not key:
            return handler.answer(
                400,
                square_errors(
                    "INVALID_REQUEST_ERROR", "MISSING_REQUIRED_PARAMETER", field="idempotency_key"
                ),
            )
        if key in pos.square_keys:  # Square: the same key gives the same answer, books once
            first_body, answer = pos.square_keys[key]
            if first_body != body:
                return handler.answer(
                    400,
                    square_errors(
                        "INVALID_REQUEST_ERROR", "IDEMPOTENCY_KEY_REUSED", field="idempotency_key"
                    ),
                )
            return handler.answer(200, answer)
        if pos.square_batch_errors:  # a bulk endpoint: 200, with the errors of what failed
            return handler.answer(200, {"errors": [pos.square_batch_errors.pop(0)]})
        refusal = square_adjustment_refusal(body.get("changes") or [])
        if refusal:
            return handler.answer(400, refusal)
        booked = []
        for change in body["changes"]:
            adjustment = change["adjustment"]
            sold = int(adjustment["quantity"])
            pos.adjustments.append(("square", adjustment["catalog_object_id"], -sold))
            for count in pos.square_counts:
                if (
                    count["catalog_object_id"] == adjustment["catalog_object_id"]
                    and count["location_id"] == adjustment["from_location_id"]
                    and count["state"] == "IN_STOCK"
                ):
                    count["quantity"] = str(int(count["quantity"]) - sold)
                    booked.append(dict(count))
        answer = {"counts": booked}
        pos.square_keys[key] = (body, answer)
        handler.answer(200, answer)

    def square_adjustment_refusal(changes):
        for change in changes:
            adjustment = change.get("adjustment") or {}
            if "location_id" in adjustment:  # retired as of 2026-07-15
                return square_errors(
                    "INVALID_REQUEST_ERROR", "INVALID_VALUE", field="adjustment.location_id"
                )
            if not adjustment.get("from_location_id") or not adjustment.get("to_location_id"):
                return square_errors(
                    "INVALID_REQUEST_ERROR",
                    "MISSING_REQUIRED_PARAMETER",
                    field="adjustment.from_location_id",
                )
            if not adjustment.get("occurred_at"):
                return square_errors(
                    "INVALID_REQUEST_ERROR",
                    "MISSING_REQUIRED_PARAMETER",
                    field="adjustment.occurred_at",
                )
        return None

    def r_items(handler, query, body):
        bucket = pos.r_bucket
        if bucket["used"] + pos.r_cost > bucket["size"]:
            wait = (bucket["used"] + pos.r_cost - bucket["size"]) / bucket["drip"]
            return handler.answer(
                429,
                {"httpCode": "429", "httpMessage": "Too Many Requests"},
                {"Retry-After": str(int(wait) + 1), **r_bucket_headers()},
            )
        bucket["used"] += pos.r_cost
        start = r_cursor_offset(query.get("after"))
        size = min(int(query.get("limit") or 100), pos.page_size)
        page = pos.r_items[start : start + size]
        following = start + size if start + size < len(pos.r_items) else None
        path = urlparse(handler.path).path
        next_url = ""
        if following is not None:
            cursor = base64.urlsafe_b64encode(json.dumps(["next", following]).encode()).decode()
            next_url = f"{pos.url}{path}?limit={size}&after={cursor}"
        items = page[0] if len(page) == 1 else page  # R-Series: one item is an object
        handler.answer(
            200,
            {"@attributes": {"next": next_url, "previous": "", "after": "", "before": ""},
             "Item": items},
            r_bucket_headers(),
        )  # fmt: skip

    def r_cursor_offset(cursor):
        if not cursor:
            return 0
        return int(json.loads(base64.urlsafe_b64decode(cursor.encode()))[1])

    def r_bucket_headers():
        bucket = pos.r_bucket
        return {
            "X-LS-API-Bucket-Level": f"{bucket['used']:g}/{bucket['size']:g}",
            "X-LS-API-Drip-Rate": f"{bucket['drip']:g}",
            "X-LS-API-Request-Cost": f"{pos.r_cost:g}",
        }

    def x_products(handler, query, body):
        after = int(query.get("after", "0") or 0)
        page = sorted(
            (r for r in pos.x_products if r["version"] > after), key=lambda r: r["version"]
        )
        page = page[: pos.page_size]
        version = {"min": page[0]["version"], "max": page[-1]["version"]} if page else None
        handler.answer(200, {"data": page, "version": version})

    def x_inventory(handler, query, body):
        # 2026-07: a POST with the filters in the body, answered with a bare list, newest
        # first unless sort_direction says asc.
        after = int(body.get("after") or 0)
        rows = sorted(
            (r for r in pos.x_inventory if r["version"] > after),
            key=lambda r: r["version"],
            reverse=body.get("sort_direction", "desc") != "asc",
        )
        handler.answer(200, rows[: min(int(body.get("size") or 1000), pos.page_size)])

    ROUTES = {
        ("POST", "/graphql.json"): shopify_graphql,
        ("GET", "products.json"): shopify_products,
        ("GET", "inventory_levels.json"): shopify_levels,
        ("POST", "inventory_levels/adjust.json"): shopify_adjust,
        ("GET", "/v2/catalog/list"): square_catalog,
        ("POST", "/v2/inventory/counts/batch-retrieve"): square_counts,
        ("POST", "/v2/inventory/changes/batch-create"): square_change,
        ("GET", "/Item.json"): r_items,
        ("GET", f"/api/{pos.x_version}/products"): x_products,
        ("POST", f"/api/{pos.x_version}/inventory"): x_inventory,
    }
    return Handler


def square_errors(category: str, code: str, *, field: str = "", detail: str = "") -> dict:
    error = {"category": category, "code": code, "detail": detail or code.lower()}
    return {"errors": [error | ({"field": field} if field else {})]}


def failure_body(path: str, status: int) -> dict:
    """A failure in the shape of the vendor the path belongs to."""
    if path.startswith("/v2/"):
        if status == 429:
            return square_errors("RATE_LIMIT_ERROR", "RATE_LIMITED")
        return square_errors("API_ERROR", "INTERNAL_SERVER_ERROR")
    if path.startswith("/api/") and status == 429:  # X-Series
        return {"error": "Too Many Requests", "message": "Rate limiting enforced"}
    return {"errors": "try later"}


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


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
