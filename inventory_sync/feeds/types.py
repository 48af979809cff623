"""What parsing a stock feed gives back: plain values, no database, no Django."""

from dataclasses import dataclass, field
from decimal import Decimal

# A feed bigger than this is not a shop's stock list; refuse it before spending memory on it.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 200_000


class FeedError(Exception):
    """The file as a whole cannot be used. The message is for the shop owner, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LocationNeeded(FeedError):
    """The file holds counts for several locations and none was chosen (or the chosen one is
    not in this file): the owner picks one. A FeedError, so a caller that cannot ask refuses."""

    def __init__(self, message: str, *, locations: tuple[str, ...], vendor: str) -> None:
        super().__init__(message)
        self.locations = locations
        self.vendor = vendor


class MappingNeeded(FeedError):
    """No column layout could be recognised: the owner says which column is which.

    columns: [{"index", "header", "samples"}] of the first non-blank row and a few rows after.
    """

    def __init__(self, message: str, *, columns: list[dict], signature: str) -> None:
        super().__init__(message)
        self.columns = columns
        self.signature = signature


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One valid line of stock. row_number is the row as the shop sees it in a spreadsheet."""

    row_number: int
    sku: str | None
    ean: str | None
    quantity: int
    price: Decimal | None
    title: str | None


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell (or row); column is the header text as written in the file."""

    row_number: int
    column: str
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """Valid rows and per-row errors; a row with any error is left out of rows."""

    rows: list[FeedRow]
    errors: list[RowError]
    columns: dict[str, str]  # our field name -> the header text found in the file
    encoding: str | None  # None for XLSX
    delimiter: str | None  # None for XLSX
    decimal_comma: bool  # the file's prices use a decimal comma (12,95)
    vendor: str = ""  # the export recognised ("shopify-inventory", ...), "" for a plain list
    location: str = ""  # the location whose counts were read, "" when the file has one
    locations: tuple[str, ...] = ()  # every location the file has counts for
    price_excl_vat: bool = False  # prices are without VAT; matching adds each product's VAT
    notes: list[RowError] = field(default_factory=list)  # rows skipped: not tracked there
    warnings: list[RowError] = field(default_factory=list)  # rows read with a correction
    # Rows another row conflicts with (the first of a duplicate): skipped in "good rows" mode.
    conflicting_rows: frozenset[int] = frozenset()
    mapping: dict | None = None  # the owner's column mapping used, if any
