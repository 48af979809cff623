"""Shopify through the GraphQL Admin API (the REST Admin API is legacy; new apps must use
GraphQL): product variants with their inventory item and its level at the shop's location
in one paged query, and online sales written back with inventoryAdjustQuantities.

Ids are kept numeric, the tail of Shopify's global ids ("gid://shopify/InventoryItem/101"
is "101"), because the inventory_levels/update webhooks name items that way. A query that
Shopify throttles (200 with a THROTTLED error) is treated like a 429.
"""

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .base import Connector, Level
from .http import MAX_PAGES, PosRefused, PosUnavailable, call, json_of
from .values import ItemData, parse_time

# The current stable version; from 2026-04 the adjustment needs an idempotency key and from
# 2026-07 an explicit changeFromQuantity (null: no compare-and-swap, see adjust()).
DEFAULT_API_VERSION = "2026-10"
PAGE_SIZE = 250
VARIANTS_QUERY = """
query StadsmarktVariants($first: Int!, $after: String, $location: ID!) {
  productVariants(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      title
      sku
      barcode
      price
      product { title }
      inventoryItem {
        id
        tracked
        inventoryLevel(locationId: $location) {
          updatedAt
          quantities(names: ["available"]) { name quantity }
        }
      }
    }
  }
}
"""
ADJUST_MUTATION = """
mutation StadsmarktAdjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message }
  }
}
"""


def gid(kind: str, number: str) -> str:
    return f"gid://shopify/{kind}/{number}"


def numeric_id(global_id: str) -> str:
    return str(global_id).rsplit("/", 1)[-1]


class ShopifyConnector(Connector):
    accepts_adjustments = True

    def endpoint(self) -> str:
        version = self.settings.get("api_version") or DEFAULT_API_VERSION
        return f"{self.base_url()}/admin/api/{version}/graphql.json"

    def headers(self) -> dict:
        return {"X-Shopify-Access-Token": str(self.secrets.get("access_token", ""))}

    def graphql(self, query: str, variables: dict, field: str) -> dict:
        response = call(
            self.session,
            "POST",
            self.endpoint(),
            json={"query": query, "variables": variables},
            headers=self.headers(),
        )
        answer = json_of(response)
        errors = answer.get("errors")
        if errors:
            codes = {
                (error.get("extensions") or {}).get("code")
                for error in errors
                if isinstance(error, dict)
            }
            if "THROTTLED" in codes:
                raise PosUnavailable(f"GraphQL {field}: throttled", retry_after=2.0)
            raise PosRefused(f"GraphQL {field}: errors {sorted(map(str, codes))}")
        data = (answer.get("data") or {}).get(field)
        if not isinstance(data, dict):
            raise PosRefused(f"GraphQL {field}: no {field} in the answer")
        return data

    def variants(self) -> Iterator[dict]:
        location = gid("Location", str(self.settings.get("location_id", "")))
        after = None
        for _page in range(MAX_PAGES):
            variables = {"first": PAGE_SIZE, "after": after, "location": location}
            page = self.graphql(VARIANTS_QUERY, variables, "productVariants")
            nodes = page.get("nodes")
            if not isinstance(nodes, list):
                raise PosRefused("GraphQL productVariants: no nodes list")
            yield from (node for node in nodes if isinstance(node, dict))
            info = page.get("pageInfo") or {}
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not after:
                return

    def fetch(self) -> tuple[list[ItemData], list[Level]]:
        items, levels = [], []
        for variant in self.variants():
            inventory_item = variant.get("inventoryItem") or {}
            if not inventory_item.get("id"):
                continue
            external_id = numeric_id(inventory_item["id"])
            title = (variant.get("product") or {}).get("title") or ""
            if variant.get("title") and variant["title"] != "Default Title":
                title = f"{title} – {variant['title']}"
            items.append(
                ItemData(
                    external_id=external_id,
                    sku=str(variant.get("sku") or "").strip(),
                    ean=str(variant.get("barcode") or "").strip(),
                    title=title,
                    price=_price(variant.get("price")),
                )
            )
            level = inventory_item.get("inventoryLevel")
            if not level or inventory_item.get("tracked") is False:
                continue  # not stocked, or not tracked, at this location
            available = next(
                (
                    q.get("quantity")
                    for q in level.get("quantities") or []
                    if q.get("name") == "available"
                ),
                None,
            )
            if available is None:
                continue
            levels.append(
                Level(external_id, max(int(available), 0), parse_time(level.get("updatedAt")))
            )
        return items, levels

    def items(self) -> Iterator[ItemData]:
        yield from self.fetch()[0]

    def levels(self) -> Iterator[Level]:
        yield from self.fetch()[1]

    def adjust(
        self,
        *,
        external_id: str,
        delta: int,
        idempotency_key: str,
        occurred_at: datetime | None = None,  # Shopify books it at the time it arrives
    ) -> None:
        # The write-back's key makes a resent adjustment book once (@idempotent). A sale is a
        # delta that holds whatever the count is, so no compare-and-swap: changeFromQuantity
        # is null, explicitly, as the API wants. The reference names our write-back, so a
        # person in Shopify sees where the change came from.
        variables = {
            "key": idempotency_key,
            "input": {
                "reason": "correction",
                "name": "available",
                "referenceDocumentUri": f"gid://stadsmarkt/WriteBack/{idempotency_key}",
                "changes": [
                    {
                        "delta": delta,
                        "changeFromQuantity": None,
                        "inventoryItemId": gid("InventoryItem", external_id),
                        "locationId": gid("Location", str(self.settings.get("location_id"))),
                    }
                ],
            },
        }
        result = self.graphql(ADJUST_MUTATION, variables, "inventoryAdjustQuantities")
        if result.get("userErrors"):
            raise PosRefused("GraphQL inventoryAdjustQuantities: user errors")


def _price(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None
