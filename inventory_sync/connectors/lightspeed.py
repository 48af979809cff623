"""Lightspeed, polling only. Two APIs, chosen by settings:

- R-Series (`series: "r"`): GET /API/V3/Account/<account>/Item.json with ItemShops loaded;
  each item carries its SKU, EAN and on hand per shop; pages follow @attributes.next (a
  cursor URL). The API meters a leaky bucket per account: every answer says how full it is
  (X-LS-API-Bucket-Level "used/size") and how fast it drains (X-LS-API-Drip-Rate, per
  second), so the next page waits until it fits rather than running into a 429.
- X-Series (`series: "x"`): the date-versioned API (YYYY-MM in the path; 2.0 and the other
  semantic versions are the retired scheme). GET /api/<version>/products and
  POST /api/<version>/inventory, both paged by the `version` cursor (`after`) until a page
  comes back empty; inventory is asked ascending, as its default order is descending.

No write-back: neither series documents an idempotency key for stock changes (X-Series
stock adjustments have no "sale" reason either), so a resent adjustment could be booked
twice. Sales are listed for the shop to book by hand (write_back.py). No webhooks: X-Series
says its webhooks may be lost and polling is the way to stay in sync, and R-Series has none
for inventory.
"""

import time
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from .base import Connector, Level
from .http import MAX_PAGES, PosRefused, PosUnavailable, call, json_of
from .values import BadEvent, ItemData, parse_time, whole_units

R_SERIES_BASE = "https://api.lightspeedapp.com"
R_PAGE_SIZE = 100  # the most R-Series gives per page
# The newest X-Series version we found published with these endpoints (docs/stock-feeds.md).
X_SERIES_VERSION = "2026-07"
X_INVENTORY_PAGE_SIZE = 1000
BUCKET_HEADER = "X-LS-API-Bucket-Level"
DRIP_HEADER = "X-LS-API-Drip-Rate"
COST_HEADER = "X-LS-API-Request-Cost"
MAX_PAUSE_SECONDS = 30.0  # a fuller bucket than this wait means: back off, poll later


def pause(seconds: float) -> None:
    time.sleep(seconds)


def _listed(value) -> list:
    # R-Series gives a single child as an object and several as a list.
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _units(value, where: str) -> int:
    try:
        return whole_units(value)
    except BadEvent as error:
        raise PosRefused(f"{where}: {error}") from error


def bucket_wait(headers) -> float:
    """Seconds until the next request fits in the R-Series bucket (0: it fits now).

    The next request is assumed to cost what this one did (the same page query), at
    least 1. Headers that are missing or unreadable mean no wait: the 429 still guards.
    """
    try:
        used, size = (float(part) for part in headers.get(BUCKET_HEADER, "").split("/"))
        drip = float(headers.get(DRIP_HEADER, ""))
    except ValueError:
        return 0.0
    try:
        cost = max(float(headers.get(COST_HEADER) or 1), 1.0)
    except ValueError:
        cost = 1.0
    short = cost - (size - used)
    if short <= 0 or drip <= 0:
        return 0.0
    return short / drip


class LightspeedConnector(Connector):
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.secrets.get('access_token', '')}"}

    def is_r_series(self) -> bool:
        return self.settings.get("series", "r") == "r"

    # --- R-Series: one pass gives items and counts ---
    def r_items(self) -> Iterator[dict]:
        base = self.base_url() or R_SERIES_BASE
        url = f"{base}/API/V3/Account/{self.settings.get('account_id')}/Item.json"
        params = {"load_relations": '["ItemShops","Prices"]', "limit": R_PAGE_SIZE}
        for _page in range(MAX_PAGES):
            response = call(self.session, "GET", url, params=params, headers=self.headers())
            answer = json_of(response)
            yield from _listed(answer.get("Item"))
            url = str((answer.get("@attributes") or {}).get("next") or "")
            if not url:
                return
            params = {}  # the next URL carries the query and the cursor
            self.wait_for_bucket(response.headers)

    def wait_for_bucket(self, headers) -> None:
        wait = bucket_wait(headers)
        if wait > MAX_PAUSE_SECONDS:
            raise PosUnavailable("GET Item.json: the rate-limit bucket is full", retry_after=wait)
        if wait > 0:
            pause(wait)

    def r_item_data(self, item: dict) -> ItemData:
        prices = _listed((item.get("Prices") or {}).get("ItemPrice"))
        default = next((p for p in prices if p.get("useType") == "Default"), None)
        return ItemData(
            external_id=str(item.get("itemID", "")),
            sku=str(item.get("customSku") or item.get("systemSku") or "").strip(),
            ean=str(item.get("ean") or item.get("upc") or "").strip(),
            title=str(item.get("description") or ""),
            price=_decimal(default.get("amount")) if default else None,
        )

    def r_level(self, item: dict) -> Level | None:
        shop_id = str(self.settings.get("shop_id", ""))
        for row in _listed((item.get("ItemShops") or {}).get("ItemShop")):
            if str(row.get("shopID")) == shop_id:
                where = f"item {item.get('itemID')}"
                return Level(
                    str(item.get("itemID")),
                    _units(row.get("qoh"), where),
                    parse_time(row.get("timeStamp")),
                )
        return None

    # --- X-Series: products, then inventory ---
    def x_url(self, resource: str) -> str:
        version = self.settings.get("api_version") or X_SERIES_VERSION
        return f"{self.base_url()}/api/{version}/{resource}"

    def x_pages(self, resource: str) -> Iterator[dict]:
        """Version-cursor pages: `after` is the highest version seen so far."""
        after = 0
        for _page in range(MAX_PAGES):
            if resource == "inventory":  # a POST with the filters in the body
                body = {"after": after, "size": X_INVENTORY_PAGE_SIZE, "sort_direction": "asc"}
                response = call(
                    self.session, "POST", self.x_url(resource), json=body, headers=self.headers()
                )
            else:
                response = call(
                    self.session,
                    "GET",
                    self.x_url(resource),
                    params={"after": after},
                    headers=self.headers(),
                )
            rows = _x_rows(response, resource)
            if not rows:
                return
            yield from rows
            versions = [r.get("version") for r in rows if isinstance(r, dict)]
            newest = max((v for v in versions if isinstance(v, int)), default=0)
            if newest <= after:
                raise PosRefused(f"{resource}: the page has no newer version to continue from")
            after = newest

    def x_item_data(self, product: dict) -> ItemData:
        codes = product.get("product_codes") or []
        ean = next(
            (c.get("code") for c in codes if str(c.get("type", "")).upper() in ("EAN", "UPC")), ""
        )
        return ItemData(
            external_id=str(product.get("id", "")),
            sku=str(product.get("sku") or "").strip(),
            ean=str(ean or "").strip(),
            title=str(product.get("name") or ""),
            price=_decimal(product.get("price_including_tax")),
        )

    def x_levels(self) -> Iterator[Level]:
        outlet = str(self.settings.get("outlet_id", ""))
        for row in self.x_pages("inventory"):
            if row.get("deleted_at") or str(row.get("outlet_id")) != outlet:
                continue
            if row.get("product_id"):
                where = f"product {row.get('product_id')}"
                quantity = _units(row.get("current_inventory_level"), where)
                yield Level(str(row["product_id"]), quantity, None)

    def fetch(self) -> tuple[list[ItemData], list[Level]]:
        if self.is_r_series():
            items = list(self.r_items())
            levels = [level for item in items if (level := self.r_level(item))]
            return [self.r_item_data(item) for item in items], levels
        found = [self.x_item_data(p) for p in self.x_pages("products") if not p.get("deleted_at")]
        return found, list(self.x_levels())


def _x_rows(response, resource: str) -> list:
    """Products come as {"data": [...], "version": {...}}; inventory as a bare list."""
    try:
        answer = response.json()
    except ValueError as error:
        raise PosRefused(f"{resource}: the answer is not JSON") from error
    rows = answer.get("data") if isinstance(answer, dict) else answer
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise PosRefused(f"{resource}: the answer holds no list")
    return rows
