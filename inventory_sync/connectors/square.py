"""Square: catalog item variations (SKU, UPC), inventory counts of one location in batches
(POST counts/batch-retrieve, cursor pages), and ADJUSTMENT changes with an idempotency key."""

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from ..event_apply import BadEvent, parse_time, whole_units
from ..pos_items import ItemData
from .base import Connector, Level
from .http import MAX_PAGES, PosRefused, call, json_of

SQUARE_VERSION = "2024-01-18"
DEFAULT_BASE_URL = "https://connect.squareup.com"


class SquareConnector(Connector):
    accepts_adjustments = True

    def base_url(self) -> str:
        return super().base_url() or DEFAULT_BASE_URL

    def headers(self) -> dict:
        return {
            "Authorization": f"Bearer {self.secrets.get('access_token', '')}",
            "Square-Version": SQUARE_VERSION,
        }

    def cursor_pages(self, method: str, path: str, key: str, **request) -> Iterator[dict]:
        cursor = None
        for _page in range(MAX_PAGES):
            if method == "GET":
                request["params"] = {
                    **request.get("params", {}),
                    **({"cursor": cursor} if cursor else {}),
                }
            else:
                request["json"] = {**request["json"], **({"cursor": cursor} if cursor else {})}
            answer = json_of(
                call(
                    self.session, method, self.base_url() + path, headers=self.headers(), **request
                )
            )
            rows = answer.get(key, [])
            if not isinstance(rows, list):
                raise PosRefused(f"{method} {path}: {key} is not a list")
            yield from rows
            cursor = answer.get("cursor")
            if not cursor:
                return

    def items(self) -> Iterator[ItemData]:
        params = {"types": "ITEM_VARIATION"}
        for row in self.cursor_pages("GET", "/v2/catalog/list", "objects", params=params):
            data = row.get("item_variation_data") or {}
            money = data.get("price_money") or {}
            amount = money.get("amount")
            yield ItemData(
                external_id=str(row.get("id", "")),
                sku=str(data.get("sku") or "").strip(),
                ean=str(data.get("upc") or "").strip(),
                title=str(data.get("name") or ""),
                price=(Decimal(int(amount)) / 100) if isinstance(amount, int) else None,
            )

    def levels(self) -> Iterator[Level]:
        body = {"location_ids": [self.settings.get("location_id")], "states": ["IN_STOCK"]}
        path = "/v2/inventory/counts/batch-retrieve"
        for count in self.cursor_pages("POST", path, "counts", json=body):
            if count.get("state") != "IN_STOCK" or not count.get("catalog_object_id"):
                continue
            try:
                quantity = whole_units(count.get("quantity"))
            except BadEvent as error:
                raise PosRefused(f"POST {path}: {error}") from error
            yield Level(
                str(count["catalog_object_id"]), quantity, parse_time(count.get("calculated_at"))
            )

    def adjust(self, *, external_id: str, delta: int, idempotency_key: str) -> None:
        sold = delta < 0
        body = {
            "idempotency_key": idempotency_key,
            "changes": [
                {
                    "type": "ADJUSTMENT",
                    "adjustment": {
                        "catalog_object_id": external_id,
                        "location_id": self.settings.get("location_id"),
                        "from_state": "IN_STOCK" if sold else "NONE",
                        "to_state": "SOLD" if sold else "IN_STOCK",
                        "quantity": str(abs(delta)),
                        "occurred_at": timezone.now().isoformat(),
                    },
                }
            ],
        }
        path = "/v2/inventory/changes/batch-create"
        call(self.session, "POST", self.base_url() + path, json=body, headers=self.headers())
