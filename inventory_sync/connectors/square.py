"""Square: catalog item variations (SKU, UPC), inventory counts of one location in batches
(BatchRetrieveInventoryCounts, cursor pages), and sales written back as ADJUSTMENT changes
(BatchChangeInventory) with the write-back's idempotency key.

Square-Version 2026-07-15 (developer.squareup.com/docs/changelog/connect-logs/2026-07-15)
retired InventoryAdjustment.location_id: an adjustment names where the units were before
and after it (from_location_id, to_location_id); a sale at the counter is the same location
twice. Square answers bulk requests with 200 and an `errors` list when parts failed, and
every refusal as {"errors": [{"category", "code", "detail", "field"}]}.
"""

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import requests

from .base import Connector, Level
from .http import MAX_PAGES, PosRefused, call, json_of
from .values import BadEvent, ItemData, parse_time, whole_units

# The newest version whose Inventory API changes we have read and follow (see docs/stock-feeds.md).
SQUARE_VERSION = "2026-07-15"
DEFAULT_BASE_URL = "https://connect.squareup.com"
COUNTS_PAGE_SIZE = 1000  # BatchRetrieveInventoryCounts `limit`: at most 1000


def error_codes(response: requests.Response) -> list[str]:
    """The `code` of each Square Error object in an answer (for our logs)."""
    errors = response.json().get("errors") or []
    return [str(error.get("code")) for error in errors if isinstance(error, dict)]


class SquareConnector(Connector):
    accepts_adjustments = True
    adjustment_needs_time = True

    def base_url(self) -> str:
        return super().base_url() or DEFAULT_BASE_URL

    def version(self) -> str:
        return str(self.settings.get("api_version") or SQUARE_VERSION)

    def headers(self) -> dict:
        return {
            "Authorization": f"Bearer {self.secrets.get('access_token', '')}",
            "Square-Version": self.version(),
        }

    def request(self, method: str, path: str, **request) -> dict:
        response = call(
            self.session,
            method,
            self.base_url() + path,
            headers=self.headers(),
            error_codes=error_codes,
            **request,
        )
        answer = json_of(response)
        if answer.get("errors"):  # bulk endpoints: 200 with errors for the parts that failed
            raise PosRefused(f"{method} {path}: errors in a 200 answer ({error_codes(response)})")
        return answer

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
            answer = self.request(method, path, **request)
            rows = answer.get(key, [])
            if not isinstance(rows, list):
                raise PosRefused(f"{method} {path}: {key} is not a list")
            yield from rows
            following = answer.get("cursor")
            if not following:
                return
            if following == cursor:
                raise PosRefused(f"{method} {path}: the same cursor came back")
            cursor = following

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
        body = {
            "location_ids": [self.settings.get("location_id")],
            "states": ["IN_STOCK"],
            "limit": COUNTS_PAGE_SIZE,
        }
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

    def adjust(
        self,
        *,
        external_id: str,
        delta: int,
        idempotency_key: str,
        occurred_at: datetime | None = None,
    ) -> None:
        # Square books a request once per idempotency key and answers a resend with the
        # first answer, so a retry after a lost answer does not sell the units twice. A
        # resend must be the same body (another body under the key is IDEMPOTENCY_KEY_REUSED):
        # occurred_at is the sale's time, not the send's. The key also goes in
        # reference_id, so the seller sees which write-back it was.
        if occurred_at is None:
            raise TypeError("Square books an adjustment at the sale's time: occurred_at")
        sold = delta < 0
        location = self.settings.get("location_id")
        body = {
            "idempotency_key": idempotency_key,
            "changes": [
                {
                    "type": "ADJUSTMENT",
                    "adjustment": {
                        "reference_id": idempotency_key,
                        "catalog_object_id": external_id,
                        "from_location_id": location,
                        "to_location_id": location,
                        "from_state": "IN_STOCK" if sold else "NONE",
                        "to_state": "SOLD" if sold else "IN_STOCK",
                        "quantity": str(abs(delta)),
                        "occurred_at": occurred_at.isoformat(),
                    },
                }
            ],
        }
        self.request("POST", "/v2/inventory/changes/batch-create", json=body)
