"""parse_stock_file: a shop's stock file (CSV or XLSX bytes) to checked rows and row errors.

Pure: no database, no network. The caller decides what to do with a file that has row
errors; this module only says precisely which cell is wrong and why. Every problem with the
file as a whole raises FeedError; no other exception escapes, whatever the bytes.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from typing import TypeVar

from django.utils.translation import gettext as _

from .gc_pause import gc_paused
from .gtin import parse_ean
from .headers import FIELDS, HeaderMap, map_header
from .readers import (
    HEADER_SEARCH_ROWS,
    ZIP_MAGIC,
    check_workbook_directory,
    is_workbook,
    read_table,
)
from .types import MAX_FILE_BYTES, FeedError, FeedRow, ParsedFeed, RowError
from .values import (
    BadValue,
    Cell,
    parse_price,
    parse_quantity,
    parse_sku,
    parse_title,
    price_evidence,
    shown,
)

T = TypeVar("T")


def parse_stock_file(*, content: bytes, filename: str) -> ParsedFeed:
    with gc_paused():
        return _parse_stock_file(content, filename)


def check_stock_file_quickly(*, content: bytes, filename: str) -> bool:
    """The checks an upload request can afford (size, emptiness, a workbook's directory),
    raising FeedError; True when the file is a workbook, whose full parse runs in a task
    with a time limit (inventory_sync/upload_checks.py), False for CSV, parsed at once."""
    if len(content) > MAX_FILE_BYTES:
        raise FeedError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        raise FeedError(_("The file is empty."))
    if not is_workbook(content=content, filename=filename):
        return False
    if not content.startswith(ZIP_MAGIC):
        read_table(content=content, filename=filename)  # raises: named .xlsx, not a workbook
    check_workbook_directory(content)
    return True


def _parse_stock_file(content: bytes, filename: str) -> ParsedFeed:
    check_stock_file_quickly(content=content, filename=filename)
    table = read_table(content=content, filename=filename)
    if not table.rows:
        raise FeedError(_("The file is empty."))
    header_position, header = _find_header(table.rows)
    body = table.rows[header_position + 1 :]
    if not body:
        raise FeedError(_("The file has a header row but no rows of stock."))
    file_decimal, decimal_comma = _decimal_convention(body, header.indices.get("price"))
    rows, errors = _parse_body(body, header, file_decimal)
    return ParsedFeed(
        rows=rows,
        errors=errors,
        columns=dict(header.headers),
        encoding=table.encoding,
        delimiter=table.delimiter,
        decimal_comma=decimal_comma,
    )


def _find_header(rows: list[tuple[int, Sequence[Cell]]]) -> tuple[int, HeaderMap]:
    """The first row that names the required columns; exports sometimes open with a title."""
    first = map_header(rows[0][1])
    if first.is_usable:
        return 0, first
    for position, (_number, cells) in enumerate(rows[1:HEADER_SEARCH_ROWS], start=1):
        candidate = map_header(cells)
        if candidate.is_usable:
            return position, candidate
    raise FeedError(first.missing_message())


def _decimal_convention(
    body: list[tuple[int, Sequence[Cell]]], price_index: int | None
) -> tuple[str | None, bool]:
    """(separator that settles ambiguous prices, whether the file uses a decimal comma).

    Only prices that prove their separator count ("12,95" does, "1.234" does not). A file whose
    prices disagree settles nothing: its ambiguous prices are reported, not guessed.
    """
    if price_index is None:
        return None, False
    # Feeds repeat a few prices many times: read each distinct text once, weigh it by count.
    texts = Counter(cells[price_index] for _number, cells in body if price_index < len(cells))
    votes = {",": 0, ".": 0}
    for text, count in texts.items():
        evidence = price_evidence(text)
        if evidence is not None:
            votes[evidence] += count
    decimal_comma = votes[","] > votes["."]
    if votes[","] and votes["."]:
        return None, decimal_comma
    if votes[","]:
        return ",", decimal_comma
    if votes["."]:
        return ".", decimal_comma
    return None, decimal_comma


def _parse_body(
    body: list[tuple[int, Sequence[Cell]]], header: HeaderMap, file_decimal: str | None
) -> tuple[list[FeedRow], list[RowError]]:
    """Each row through the fast path; a row with any problem is parsed again by _slow_row,
    which names every bad cell. Both paths use the same parsers, so they agree on values."""
    rows: list[FeedRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str], int] = {}  # ("sku", value) or ("ean", value) -> row
    price = _memoised(partial(parse_price, file_decimal=file_decimal))
    parsers = (parse_sku, parse_ean, parse_quantity, price, parse_title)
    # A field the file lacks reads cell 0 (every kept row has one) and always gives None.
    fields = [
        (header.indices[name], parse) if name in header.indices else (0, _absent)
        for name, parse in zip(FIELDS, parsers, strict=True)
    ]
    for number, cells in body:
        try:
            sku, ean, quantity, price_value, title = [parse(cells[i]) for i, parse in fields]
            valid = _claim_identity(sku, ean, number, first_seen)
        except (BadValue, IndexError):  # IndexError: a short row, its missing cells are empty
            valid = False
        if valid:
            rows.append(FeedRow(number, sku, ean, quantity, price_value, title))
            continue
        parsed = _slow_row(number, cells, header, price, first_seen)
        if isinstance(parsed, FeedRow):
            rows.append(parsed)
        else:
            errors.extend(parsed)
    return rows, errors


def _absent(_cell: Cell) -> None:
    return None


def _claim_identity(
    sku: str | None, ean: str | None, number: int, first_seen: dict[tuple[str, str], int]
) -> bool:
    """True if the row has a sku or an ean that no earlier row named (and now claims it)."""
    if sku is not None:
        return first_seen.setdefault(("sku", sku), number) == number
    if ean is not None:
        return first_seen.setdefault(("ean", ean), number) == number
    return False


def _slow_row(
    number: int,
    cells: Sequence[Cell],
    header: HeaderMap,
    price: Callable[[Cell], Decimal | None],
    first_seen: dict[tuple[str, str], int],
) -> FeedRow | list[RowError]:
    row = _Row(number, cells, header)
    sku = row.value("sku", parse_sku)
    ean = row.value("ean", parse_ean)
    quantity = row.value("quantity", parse_quantity)
    price_value = row.value("price", price)
    title = row.value("title", parse_title)
    _check_identity(row, sku, ean, first_seen)
    if row.errors:
        return row.errors
    assert quantity is not None  # the column is required and an empty cell is an error
    return FeedRow(number, sku, ean, quantity, price_value, title)


def _memoised(parse: Callable[[Cell], T]) -> Callable[[Cell], T]:
    """Caches good results per text cell; a bad cell is parsed again to raise its message."""
    cache: dict[str, T] = {}

    def cached(cell: Cell) -> T:
        if type(cell) is not str:
            return parse(cell)
        try:
            return cache[cell]
        except KeyError:
            value = cache[cell] = parse(cell)
            return value

    return cached


class _Row:
    """One row's cells by field; a cell that does not parse becomes a RowError, not a value."""

    __slots__ = ("number", "cells", "header", "errors", "failed")

    def __init__(self, number: int, cells: Sequence[Cell], header: HeaderMap) -> None:
        self.number = number
        self.cells = cells
        self.header = header
        self.errors: list[RowError] = []
        self.failed: set[str] = set()

    def value(self, name: str, parse: Callable[[Cell], T]) -> T | None:
        index = self.header.indices.get(name)
        if index is None:
            return None
        cell = self.cells[index] if index < len(self.cells) else None
        try:
            return parse(cell)
        except BadValue as problem:
            self.error(name, shown(cell), problem.message)
            return None

    def error(self, name: str, value: str, message: str) -> None:
        self.failed.add(name)
        self.errors.append(RowError(self.number, self.header.headers[name], value, message))


def _check_identity(
    row: _Row, sku: str | None, ean: str | None, first_seen: dict[tuple[str, str], int]
) -> None:
    """Every row needs a sku or an ean, and must not name a product an earlier row named."""
    if "sku" in row.failed or (sku is None and "ean" in row.failed):
        return  # the identifying cell already has its own error
    if sku is None and ean is None:
        name = "sku" if "sku" in row.header.indices else "ean"
        row.error(name, "", _("row has no sku and no ean"))
        return
    name, key = ("sku", sku) if sku is not None else ("ean", ean)
    assert key is not None
    earlier = first_seen.setdefault((name, key), row.number)
    if earlier != row.number:
        if name == "sku":
            message = _("sku '%(value)s' already appears in row %(row)s")
        else:
            message = _("ean '%(value)s' already appears in row %(row)s")
        row.error(name, key, message % {"value": key, "row": earlier})
