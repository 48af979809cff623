"""Lightspeed, polling only (no inventory webhooks). Two API shapes, chosen by settings:

- R-Series (`series: "r"`): GET /API/V3/Account/<account>/Item.json with ItemShops loaded;
  each item carries its SKU, EAN and on hand per shop; pages follow @attributes.next.
- X-Series (`series: "x"`): GET /api/2.0/products and /api/2.0/inventory, paged with
  `after=<version.max>` until a page comes back empty.
"""

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from ..event_apply import BadEvent, parse_time, whole_units
from ..pos_items import ItemData
from .base import Connector, Level
from .http import MAX_PAGES, PosRefused, call, json_of

R_SERIES_BASE = "https://api.lightspeedapp.com"


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


class LightspeedConnector(Connector):
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.secrets.get('access_token', '')}"}

    def is_r_series(self) -> bool:
        return self.settings.get("series", "r") == "r"

    # --- R-Series: one pass gives items and counts ---
    def r_items(self) -> Iterator[dict]:
        base = self.base_url() or R_SERIES_BASE
        url = f"{base}/API/V3/Account/{self.settings.get('account_id')}/Item.json"
        params = {"load_relations": '["ItemShops","Prices"]', "limit": 100}
        for _page in range(MAX_PAGES):
            answer = json_of(call(self.session, "GET", url, params=params, headers=self.headers()))
            yield from _listed(answer.get("Item"))
            url = (answer.get("@attributes") or {}).get("next")
            if not url:
                return
            params = {}

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
    def x_pages(self, path: str) -> Iterator[dict]:
        after = 0
        for _page in range(MAX_PAGES):
            answer = json_of(
                call(
                    self.session,
                    "GET",
                    f"{self.base_url()}{path}",
                    params={"after": after},
                    headers=self.headers(),
                )
            )
            rows = answer.get("data") or []
            if not rows:
                return
            yield from rows
            newest = (answer.get("version") or {}).get("max")
            if not isinstance(newest, int) or newest <= after:
                raise PosRefused(f"GET {path}: the page has no newer version to continue from")
            after = newest

    def x_item_data(self, product: dict) -> ItemData:
        codes = product.get("product_codes") or []
        ean = next((c.get("code") for c in codes if c.get("type") in ("EAN", "UPC")), "")
        return ItemData(
            external_id=str(product.get("id", "")),
            sku=str(product.get("sku") or "").strip(),
            ean=str(ean or "").strip(),
            title=str(product.get("name") or ""),
            price=_decimal(product.get("price_including_tax")),
        )

    def x_levels(self) -> Iterator[Level]:
        outlet = str(self.settings.get("outlet_id", ""))
        for row in self.x_pages("/api/2.0/inventory"):
            if str(row.get("outlet_id")) == outlet and row.get("product_id"):
                where = f"product {row.get('product_id')}"
                yield Level(str(row["product_id"]), _units(row.get("inventory_level"), where), None)

    def fetch(self) -> tuple[list[ItemData], list[Level]]:
        if self.is_r_series():
            items = list(self.r_items())
            levels = [level for item in items if (level := self.r_level(item))]
            return [self.r_item_data(item) for item in items], levels
        items = [self.x_item_data(p) for p in self.x_pages("/api/2.0/products")]
        return items, list(self.x_levels())
