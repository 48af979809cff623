"""Which column holds which field, from header texts in Dutch or English."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .types import FeedError
from .values import Cell, display, shown

# Per field, normalised header names (lower case, letters and digits only) in order of
# preference: when a file has both "Prijs" and "Verkoopprijs", the selling price wins, and
# "Voorraad" (stock) wins over "Aantal" (which may be a count of something else).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "sku": (
        "sku",
        "artikelnummer",
        "artikelnr",
        "artnr",
        "artikelcode",
        "itemcode",
        "productcode",
        "code",
    ),
    "ean": ("ean", "ean13", "eancode", "gtin", "barcode", "streepjescode", "upc"),
    "quantity": (
        "voorraad",
        "onhand",
        "qtyonhand",
        "quantityonhand",
        "instock",
        "stock",
        "quantity",
        "quantityinstock",
        "qty",
        "aantal",
        "aantalopvoorraad",
    ),
    "price": (
        "verkoopprijsinclbtw",
        "prijsinclbtw",
        "vkprijsinclbtw",
        "verkoopprijsincl",
        "priceinclvat",
        "priceinclbtw",
        "prijsinclvat",
        "verkoopprijs",
        "prijs",
        "price",
    ),
    "title": (
        "titel",
        "title",
        "naam",
        "name",
        "productnaam",
        "artikelnaam",
        "omschrijving",
        "artikelomschrijving",
        "description",
    ),
}
# A price without VAT, used only when the file has no price with VAT: matching adds each
# product's own VAT rate (feed_apply.py), and the preview says so.
PRICE_EXCL_VAT_ALIASES = (
    "verkoopprijsexclbtw",
    "prijsexclbtw",
    "vkprijsexclbtw",
    "verkoopprijsexcl",
    "prijsexcl",
    "priceexclvat",
    "priceexvat",
    "nettoprijs",
)
FIELDS = tuple(FIELD_ALIASES)
# One whole sentence per field, so each reads naturally once translated.
_TWO_COLUMNS = {
    "sku": lambda: _(
        "The file has two sku columns, '%(first)s' and '%(second)s'; keep one of them."
    ),
    "ean": lambda: _(
        "The file has two ean columns, '%(first)s' and '%(second)s'; keep one of them."
    ),
    "quantity": lambda: _(
        "The file has two quantity columns, '%(first)s' and '%(second)s'; keep one of them."
    ),
    "price": lambda: _(
        "The file has two price columns, '%(first)s' and '%(second)s'; keep one of them."
    ),
    "title": lambda: _(
        "The file has two title columns, '%(first)s' and '%(second)s'; keep one of them."
    ),
}
_RANK = {
    alias: (field, rank)
    for field, aliases in FIELD_ALIASES.items()
    for rank, alias in enumerate(aliases)
}
_EXCL_VAT = frozenset(PRICE_EXCL_VAT_ALIASES)
_MAX_LISTED_COLUMNS = 30


@dataclass(frozen=True, slots=True)
class HeaderMap:
    indices: dict[str, int]  # field -> column index
    headers: dict[str, str]  # field -> header text as written in the file
    found: tuple[str, ...]  # every non-empty header text, for messages
    price_excl_vat: bool = False

    @property
    def is_usable(self) -> bool:
        return "quantity" in self.indices and ("sku" in self.indices or "ean" in self.indices)

    def missing_message(self) -> str:
        # Built only when a file is refused; the examples name headers a shop will recognise.
        missing = []
        if "quantity" not in self.indices:
            missing.append(
                _("a quantity column (such as Voorraad, Aantal, Quantity, Stock or On hand)")
            )
        if "sku" not in self.indices and "ean" not in self.indices:
            missing.append(
                _("a sku or ean column (such as Artikelnummer, SKU, Code, EAN or Barcode)")
            )
        listed = [f"'{text}'" for text in self.found[:_MAX_LISTED_COLUMNS]]
        if len(self.found) > _MAX_LISTED_COLUMNS:
            more = len(self.found) - _MAX_LISTED_COLUMNS
            listed.append(_("and %(count)s more") % {"count": more})
        found = ", ".join(listed) or _("none")
        return _("The file needs %(wanted)s. Columns found: %(found)s.") % {
            "wanted": "; ".join(missing),
            "found": found,
        }


def normalise(header: str) -> str:
    """'Art.nr', 'ART NR' and 'art_nr' all become 'artnr'."""
    return "".join(char for char in header.casefold() if char.isalnum())


def map_header(cells: Sequence[Cell]) -> HeaderMap:
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, column index)
    texts: list[str] = []
    for index, cell in enumerate(cells):
        text = display(cell).strip()
        if text:
            texts.append(shown(text))
        entry = _RANK.get(normalise(text))
        if entry is None:
            continue
        field, rank = entry
        current = best.get(field)
        if current is not None and current[0] == rank:
            first = display(cells[current[1]]).strip()
            raise FeedError(_TWO_COLUMNS[field]() % {"first": first, "second": text})
        if current is None or rank < current[0]:
            best[field] = (rank, index)
    indices = {field: best[field][1] for field in FIELDS if field in best}
    excl_vat = False
    if "price" not in indices:
        excl = next(
            (i for i, cell in enumerate(cells) if normalise(display(cell)) in _EXCL_VAT), None
        )
        if excl is not None:
            indices["price"], excl_vat = excl, True
            indices = {field: indices[field] for field in FIELDS if field in indices}
    headers = {field: display(cells[index]).strip() for field, index in indices.items()}
    return HeaderMap(indices=indices, headers=headers, found=tuple(texts), price_excl_vat=excl_vat)


def count_known_fields(cells: Sequence[Cell]) -> int:
    """How many of our fields these cells would name; used to pick the CSV delimiter."""
    return len({_RANK[key][0] for cell in cells if (key := normalise(display(cell))) in _RANK})
