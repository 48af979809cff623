"""Till exports and owner mappings: where sku, ean, quantity, price and title come from.

A plain stock list is read by its header names (headers.py). Till systems export more: a
quantity column per location (Square, Lightspeed), a row per location (Shopify), variant
options in columns of their own, a barcode in one of two columns. A Layout says where each
field comes from; project() turns every row into the five cells of a plain list, so the same
cell parsers and row checks serve every format. Columns as documented by each vendor's help
pages; docs/stock-feeds.md lists them.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .headers import FIELD_ALIASES, FIELDS, normalise
from .types import FeedError, LocationNeeded
from .values import Cell, display, is_blank, shown

MAX_LOCATIONS = 50
MAX_LOCATION_NAME = 100
MAX_MAPPING_COLUMNS = 60
MAPPING_SAMPLES = 3
# Variant option values that only mean "no variants".
_NO_VARIANT = frozenset({"defaulttitle", "regular", "standaard", "default"})
_SQUARE_QUANTITY = re.compile(r"current quantity\s+(.+)", re.IGNORECASE)
_LIGHTSPEED_X_QUANTITY = re.compile(r"inventory_(.+)", re.IGNORECASE)
_LIGHTSPEED_R_QUANTITY = re.compile(
    r"(.+?)\s*-\s*(?:qty\.?|quantity on hand)|(.+?)\s+qty\.", re.IGNORECASE
)
# A Dutch or English till with one count column per branch: "Voorraad Centrum".
_PLAIN_QUANTITY = re.compile(r"(?:voorraad|aantal|stock|qty|on hand)\s*[-:]?\s+(.+)", re.IGNORECASE)
_SHOPIFY_KNOWN = frozenset(
    {"handle", "title", "sku", "hscode", "coo", "barcode", "location", "binname"}
    | {f"option{n}{part}" for n in (1, 2, 3) for part in ("name", "value")}
)


@dataclass(frozen=True)
class Layout:
    vendor: str
    sources: dict[str, tuple[int, ...]]  # field -> columns; the first non-blank cell wins
    headers: dict[str, str]  # field -> header text, named in messages
    quantity_columns: dict[str, int]  # location -> its quantity column ("" if only one)
    location_column: int | None = None  # a row per location (Shopify's inventory export)
    title_parts: tuple[int, ...] = ()  # variant option values added to the title
    price_excl_vat: bool = False
    group_column: int | None = None  # rows of one product; the title is on its first row
    mapping: dict | None = None

    def locations(self, body: list[tuple[int, Sequence[Cell]]]) -> tuple[str, ...]:
        if self.location_column is None:
            return tuple(name for name in self.quantity_columns if name)
        seen: dict[str, None] = {}
        for _number, cells in body:
            name = _text(cells, self.location_column)
            if name and len(name) <= MAX_LOCATION_NAME:  # longer is no location's name
                seen.setdefault(name, None)
                if len(seen) > MAX_LOCATIONS:
                    break
        return tuple(seen)

    def choose(self, body, location: str | None) -> tuple[str, str]:
        """(the location read, its quantity header); asks when there is a real choice."""
        locations = self.locations(body)
        if len(locations) <= 1 and self.location_column is None:
            name = locations[0] if locations else ""
            return name, self.headers["quantity"] if not name else _header_of(self, name)
        if not locations:
            raise FeedError(_("The file has a location column but names no location."))
        if len(locations) == 1 and not location:
            location = locations[0]
        if location not in locations:
            raise LocationNeeded(
                _(
                    "The file has counts for several locations (%(locations)s); "
                    "choose which one is this shop."
                )
                % {"locations": ", ".join(shown(name) for name in locations[:10])},
                locations=locations,
                vendor=self.vendor,
            )
        assert location is not None
        if self.location_column is not None:
            return location, self.headers["quantity"]
        return location, _header_of(self, location)

    def project(
        self, body: list[tuple[int, Sequence[Cell]]], location: str
    ) -> list[tuple[int, Sequence[Cell]]]:
        """Each row as [sku, ean, quantity, price, title]; rows of other locations left out."""
        columns = self.quantity_columns
        quantity_column = columns[location] if location in columns else columns[""]
        sources = [self.sources.get(name, ()) for name in ("sku", "ean", "price", "title")]
        rows: list[tuple[int, Sequence[Cell]]] = []
        group_title: tuple[str, Cell] = ("", None)
        for number, cells in body:
            if self.location_column is not None and _text(cells, self.location_column) != location:
                continue
            sku, ean, price, title = (_first(cells, columns) for columns in sources)
            if self.group_column is not None:
                group = _text(cells, self.group_column)
                if is_blank(title) and group and group == group_title[0]:
                    title = group_title[1]
                elif group:
                    group_title = (group, title)
            title = self._with_options(title, cells)
            quantity = cells[quantity_column] if quantity_column < len(cells) else None
            rows.append((number, [sku, ean, quantity, price, title]))
        return rows

    def _with_options(self, title: Cell, cells: Sequence[Cell]) -> Cell:
        parts = [
            text
            for column in self.title_parts
            if (text := _text(cells, column)) and normalise(text) not in _NO_VARIANT
        ]
        if not parts:
            return title
        base = display(title).strip()
        return f"{base} - {' / '.join(parts)}" if base else " / ".join(parts)


def _header_of(layout: Layout, location: str) -> str:
    return layout.headers.get(f"quantity:{location}", layout.headers.get("quantity", ""))


def _text(cells: Sequence[Cell], column: int) -> str:
    return display(cells[column]).strip() if column < len(cells) else ""


def _first(cells: Sequence[Cell], columns: tuple[int, ...]) -> Cell:
    for column in columns:
        if column < len(cells) and not is_blank(cells[column]):
            return cells[column]
    return None


# --- recognising an export ------------------------------------------------------------------


def signature(cells: Sequence[Cell]) -> str:
    """The same header row, whatever its case or punctuation, gives the same signature."""
    text = "\x1f".join(normalise(display(cell)) for cell in cells).rstrip("\x1f")
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def recognise(cells: Sequence[Cell]) -> Layout | None:
    """The layout of a known till export from its header row, or None."""
    raw = [display(cell).strip() for cell in cells]
    names = [normalise(text) for text in raw]
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)
    for recogniser in (_shopify, _square, _lightspeed_x, _lightspeed_r, _zettle, _per_branch):
        layout = recogniser(raw, names, index)
        if layout is not None:
            return layout
    return None


class _Builder:
    def __init__(self, raw: list[str], index: dict[str, int]) -> None:
        self.raw, self.index = raw, index
        self.sources: dict[str, tuple[int, ...]] = {}
        self.headers: dict[str, str] = {}

    def field(self, name: str, *aliases: str) -> None:
        columns = tuple(self.index[alias] for alias in aliases if alias in self.index)
        if columns:
            self.sources[name] = columns
            self.headers[name] = self.raw[columns[0]]

    def columns(self, *aliases: str) -> tuple[int, ...]:
        return tuple(self.index[alias] for alias in aliases if alias in self.index)

    def layout(self, vendor: str, quantity: dict[str, int], **extra) -> Layout:
        headers = dict(self.headers)
        for location, column in quantity.items():
            headers["quantity:" + location if location else "quantity"] = self.raw[column]
        headers.setdefault("quantity", self.raw[next(iter(quantity.values()))])
        return Layout(vendor, self.sources, headers, quantity, **extra)


def _options(builder: _Builder, *aliases: str) -> tuple[int, ...]:
    return builder.columns(*aliases)


_SHOPIFY_OPTIONS = ("option1value", "option2value", "option3value")


def _shopify(raw, names, index) -> Layout | None:
    if "handle" not in index:
        return None
    builder = _Builder(raw, index)
    options = _options(builder, *_SHOPIFY_OPTIONS)
    if "variantsku" in index and "variantinventoryqty" in index:  # the product export
        builder.field("sku", "variantsku")
        builder.field("ean", "variantbarcode")
        builder.field("price", "variantprice")
        builder.field("title", "title")
        return builder.layout(
            "shopify-products",
            {"": index["variantinventoryqty"]},
            title_parts=options,
            group_column=index["handle"],
        )
    if "sku" not in index:
        return None
    builder.field("sku", "sku")
    builder.field("ean", "barcode")
    builder.field("title", "title")
    if "location" in index:  # the inventory export since 2023: a row per variant per location
        quantity = next(
            (
                index[name]
                for name in ("availablenoteditable", "available", "onhandcurrent", "onhand")
                if name in index
            ),
            None,
        )
        if quantity is None:
            return None
        return builder.layout(
            "shopify-inventory",
            {"": quantity},
            location_column=index["location"],
            title_parts=options,
        )
    # The older inventory export: after the fixed columns, one "available" column per location.
    locations = {
        raw[position]: position
        for position, name in enumerate(names)
        if name and name not in _SHOPIFY_KNOWN
    }
    if not locations or "option1name" not in index:
        return None
    return builder.layout("shopify-inventory", locations, title_parts=options)


def _square(raw, names, index) -> Layout | None:
    if not {"token", "itemname"} <= index.keys():
        return None
    locations = {
        match.group(1).strip(): position
        for position, text in enumerate(raw)
        if (match := _SQUARE_QUANTITY.fullmatch(text))
    }
    if not locations:
        return None
    builder = _Builder(raw, index)
    builder.field("sku", "sku")
    builder.field("ean", "gtin", "barcode")
    builder.field("price", "price")
    builder.field("title", "itemname")
    return builder.layout("square", locations, title_parts=_options(builder, "variationname"))


def _lightspeed_x(raw, names, index) -> Layout | None:
    if not {"handle", "sku", "retailprice"} <= index.keys():
        return None
    locations = {
        match.group(1).strip(): position
        for position, text in enumerate(raw)
        if (match := _LIGHTSPEED_X_QUANTITY.fullmatch(text))
    }
    if not locations:
        return None
    builder = _Builder(raw, index)
    builder.field("sku", "sku")
    builder.field("price", "retailprice")  # X-Series retail_price is without tax
    builder.field("title", "name")
    options = _options(
        builder, "variantoptiononevalue", "variantoptiontwovalue", "variantoptionthreevalue"
    )
    return builder.layout("lightspeed-x", locations, title_parts=options, price_excl_vat=True)


def _lightspeed_r(raw, names, index) -> Layout | None:
    if "systemid" not in index or not {"customsku", "manufactsku"} & index.keys():
        return None
    locations = {
        (match.group(1) or match.group(2)).strip(): position
        for position, text in enumerate(raw)
        if (match := _LIGHTSPEED_R_QUANTITY.fullmatch(text))
    }
    if not locations:
        if "qty" not in index:
            return None
        locations = {"": index["qty"]}
    builder = _Builder(raw, index)
    builder.field("sku", "customsku", "manufactsku", "systemid")
    builder.field("ean", "ean", "upc")
    builder.field("price", "defaultprice", "price")
    builder.field("title", "description")
    return builder.layout("lightspeed-r", locations)


def _zettle(raw, names, index) -> Layout | None:
    if not {"name", "sku", "barcode"} <= index.keys() or not {"costprice", "vat"} & index.keys():
        return None
    quantity = next(
        (index[name] for name in ("instock", "stock", "quantity") if name in index), None
    )
    if quantity is None:
        return None
    builder = _Builder(raw, index)
    builder.field("sku", "sku")
    builder.field("ean", "barcode")
    builder.field("price", "price")
    builder.field("title", "name")
    options = _options(builder, "variant", "option1", "option2", "option3")
    return builder.layout("zettle", {"": quantity}, title_parts=options)


def _per_branch(raw, names, index) -> Layout | None:
    """A plain list with a count per branch ("Voorraad Centrum", "Voorraad Zuid")."""
    if any(alias in index for alias in FIELD_ALIASES["quantity"]):
        return None
    locations = {
        match.group(1).strip(): position
        for position, text in enumerate(raw)
        if (match := _PLAIN_QUANTITY.fullmatch(text))
    }
    if len(locations) < 2:
        return None
    builder = _Builder(raw, index)
    for name in ("sku", "ean", "price", "title"):
        builder.field(name, *[a for a in FIELD_ALIASES[name] if a in index][:1])
    if "sku" not in builder.sources and "ean" not in builder.sources:
        return None
    return builder.layout("", locations)


# --- the owner's mapping --------------------------------------------------------------------


def mapping_columns(rows: list[tuple[int, Sequence[Cell]]]) -> list[dict]:
    """The first non-blank row's columns with a few values from the rows below it."""
    header = rows[0][1]
    columns = []
    for position, cell in enumerate(header[:MAX_MAPPING_COLUMNS]):
        samples = []
        for _number, cells in rows[1:]:
            if position < len(cells) and not is_blank(cells[position]):
                samples.append(shown(cells[position]))
                if len(samples) == MAPPING_SAMPLES:
                    break
        title = shown(display(cell).strip())
        if title or samples:
            columns.append({"index": position, "header": title, "samples": samples})
    return columns


@dataclass(frozen=True)
class Mapping:
    """The owner's choice: field -> column index (as shown on the mapping page)."""

    columns: dict[str, int] = field(default_factory=dict)
    price_excl_vat: bool = False

    @classmethod
    def from_json(cls, data: dict) -> "Mapping":
        columns = {
            name: int(data[name])
            for name in FIELDS
            if isinstance(data.get(name), int) and 0 <= data[name] < MAX_MAPPING_COLUMNS
        }
        return cls(columns, bool(data.get("price_excl_vat")))

    def to_json(self) -> dict:
        return {**self.columns, "price_excl_vat": self.price_excl_vat}

    def layout(self, cells: Sequence[Cell]) -> Layout | None:
        if "quantity" not in self.columns or not {"sku", "ean"} & self.columns.keys():
            return None
        if any(column >= len(cells) for column in self.columns.values()):
            return None
        raw = [display(cell).strip() for cell in cells]
        sources: dict[str, tuple[int, ...]] = {
            name: (column,) for name, column in self.columns.items() if name != "quantity"
        }
        headers = {name: raw[column] for name, column in self.columns.items()}
        return Layout(
            "mapping",
            sources,
            headers,
            {"": self.columns["quantity"]},
            price_excl_vat=self.price_excl_vat,
            mapping=self.to_json(),
        )
