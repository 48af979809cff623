"""Shopify Admin REST: products (for SKU and barcode per inventory item), inventory levels
of one location, and adjustments. Pages follow the Link header's rel="next"."""

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from ..event_apply import parse_time
from ..pos_items import ItemData
from .base import Connector, Level
from .http import MAX_PAGES, PosRefused, call, json_of

DEFAULT_API_VERSION = "2024-01"


class ShopifyConnector(Connector):
    accepts_adjustments = True

    def api(self, path: str) -> str:
        version = self.settings.get("api_version") or DEFAULT_API_VERSION
        return f"{self.base_url()}/admin/api/{version}/{path}"

    def headers(self) -> dict:
        return {"X-Shopify-Access-Token": str(self.secrets.get("access_token", ""))}

    def pages(self, url: str, params: dict, key: str) -> Iterator[dict]:
        for _page in range(MAX_PAGES):
            response = call(self.session, "GET", url, params=params, headers=self.headers())
            rows = json_of(response).get(key)
            if not isinstance(rows, list):
                raise PosRefused(f"GET {key}: no {key} list in the answer")
            yield from rows
            url = response.links.get("next", {}).get("url")
            if not url:
                return
            params = {}  # the next link carries page_info and limit; nothing may be added

    def items(self) -> Iterator[ItemData]:
        params = {"limit": 250, "fields": "id,title,variants"}
        for product in self.pages(self.api("products.json"), params, "products"):
            for variant in product.get("variants") or []:
                if variant.get("inventory_item_id") is None:
                    continue
                title = product.get("title") or ""
                if variant.get("title") and variant["title"] != "Default Title":
                    title = f"{title} – {variant['title']}"
                yield ItemData(
                    external_id=str(variant["inventory_item_id"]),
                    sku=str(variant.get("sku") or "").strip(),
                    ean=str(variant.get("barcode") or "").strip(),
                    title=title,
                    price=_price(variant.get("price")),
                )

    def levels(self) -> Iterator[Level]:
        location = str(self.settings.get("location_id", ""))
        params = {"limit": 250, "location_ids": location}
        for level in self.pages(self.api("inventory_levels.json"), params, "inventory_levels"):
            if level.get("available") is None or level.get("inventory_item_id") is None:
                continue  # not tracked at this location
            if str(level.get("location_id")) != location:
                continue  # the shop's other locations are not this shop's shelf
            yield Level(
                str(level["inventory_item_id"]),
                max(int(level["available"]), 0),
                parse_time(level.get("updated_at")),
            )

    def adjust(self, *, external_id: str, delta: int, idempotency_key: str) -> None:
        # Shopify's REST adjust takes no idempotency key: the caller sends each write-back
        # once and marks it sent in the same step (see write_back.py).
        body = {
            "location_id": int(self.settings.get("location_id")),
            "inventory_item_id": int(external_id),
            "available_adjustment": delta,
        }
        call(
            self.session,
            "POST",
            self.api("inventory_levels/adjust.json"),
            json=body,
            headers=self.headers(),
        )


def _price(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None
