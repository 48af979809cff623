"""parse_stock_file: a shop's stock file (CSV or XLSX bytes) to checked rows and row errors.

Pure: no database, no network. The caller decides what to do with a file that has row
errors; this module only says precisely which cell is wrong and why. Every problem with the
file as a whole raises FeedError; no other exception escapes, whatever the bytes.
"""

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from .gtin import parse_ean
from .headers import HeaderMap, map_header
from .readers import HEADER_SEARCH_ROWS, read_table
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
    if len(content) > MAX_FILE_BYTES:
        raise FeedError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if not content.strip():
        raise FeedError("The file is empty.")
    table = read_table(content=content, filename=filename)
    if not table.rows:
        raise FeedError("The file is empty.")
    header_position, header = _find_header(table.rows)
    body = table.rows[header_position + 1 :]
    if not body:
        raise FeedError("The file has a header row but no rows of stock.")
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
    votes = {",": 0, ".": 0}
    for _number, cells in body:
        if price_index < len(cells):
            evidence = price_evidence(cells[price_index])
            if evidence is not None:
                votes[evidence] += 1
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
    rows: list[FeedRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str], int] = {}  # ("sku", value) or ("ean", value) -> row
    price = partial(parse_price, file_decimal=file_decimal)
    for number, cells in body:
        row = _Row(number, cells, header)
        sku = row.value("sku", parse_sku)
        ean = row.value("ean", parse_ean)
        quantity = row.value("quantity", parse_quantity)
        price_value = row.value("price", price)
        title = row.value("title", parse_title)
        _check_identity(row, sku, ean, first_seen)
        if row.errors:
            errors.extend(row.errors)
            continue
        assert quantity is not None  # the column is required and an empty cell is an error
        rows.append(FeedRow(number, sku, ean, quantity, price_value, title))
    return rows, errors


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
        row.error("sku" if "sku" in row.header.indices else "ean", "", "row has no sku and no ean")
        return
    name, key = ("sku", sku) if sku is not None else ("ean", ean)
    assert key is not None
    earlier = first_seen.setdefault((name, key), row.number)
    if earlier != row.number:
        row.error(name, key, f"{name} '{key}' already appears in row {earlier}")
