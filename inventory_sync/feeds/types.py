"""What parsing a stock feed gives back: plain values, no database, no Django."""

from dataclasses import dataclass
from decimal import Decimal

# A feed bigger than this is not a shop's stock list; refuse it before spending memory on it.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 200_000


class FeedError(Exception):
    """The file as a whole cannot be used. The message is for the shop owner, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
