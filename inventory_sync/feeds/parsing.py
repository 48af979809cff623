"""parse_stock_file: a shop's stock file (CSV or XLSX bytes) to checked rows and row errors.

Pure: no database, no network. The caller decides what to do with a file that has row
errors; this module only says precisely which cell is wrong and why. Every problem with the
file as a whole raises FeedError; no other exception escapes, whatever the bytes.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from .ean_cells import parse_ean
from .gc_pause import gc_paused
from .headers import FIELDS, HeaderMap, map_header
from .layouts import Layout, Mapping, mapping_columns, recognise, signature
from .readers import (
    HEADER_SEARCH_ROWS,
    ZIP_MAGIC,
    check_workbook_directory,
    is_workbook,
    read_table,
)
from .types import MAX_FILE_BYTES, FeedError, FeedRow, MappingNeeded, ParsedFeed, RowError
from .values import (
    BadValue,
    Cell,
    is_blank,
    is_not_tracked,
    parse_counted_quantity,
    parse_price,
    parse_quantity,
    parse_sku,
    parse_title,
    price_evidence,
    shown,
)

T = TypeVar("T")
MAPPING_SAMPLE_ROWS = 20  # the header and the rows its sample values are taken from


def parse_stock_file(
    *,
    content: bytes,
    filename: str,
    location: str | None = None,
    mappings: dict[str, dict] | None = None,
) -> ParsedFeed:
    """location: the shop's location in a file with several (LocationNeeded when it is needed
    and missing); mappings: the owner's saved column mappings by header signature."""
    with gc_paused():
        return _parse_stock_file(content, filename, location, mappings or {})


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


def _parse_stock_file(
    content: bytes, filename: str, location: str | None, mappings: dict[str, dict]
) -> ParsedFeed:
    check_stock_file_quickly(content=content, filename=filename)
    table = read_table(content=content, filename=filename)
    if not table.rows:
        raise FeedError(_("The file is empty."))
    header_position, header, layout = _find_header(table.rows, mappings)
    body = table.rows[header_position + 1 :]
    if not body:
        raise FeedError(_("The file has a header row but no rows of stock."))
    chosen = ""
    locations: tuple[str, ...] = ()
    if layout is not None:
        chosen, quantity_header = layout.choose(body, location)
        locations = layout.locations(body)
        body = layout.project(body, chosen)
        header = _projected_header(layout, quantity_header)
    assert header is not None  # _find_header gives a layout or a header
    file_decimal, decimal_comma = _decimal_convention(body, header.indices.get("price"))
    result = _Result()
    rows = _parse_body(body, header, file_decimal, result)
    return ParsedFeed(
        rows=rows,
        errors=result.errors,
        columns=dict(header.headers),
        encoding=table.encoding,
        delimiter=table.delimiter,
        decimal_comma=decimal_comma,
        vendor=layout.vendor if layout is not None else "",
        location=chosen,
        locations=locations,
        price_excl_vat=header.price_excl_vat,
        notes=result.notes,
        warnings=result.warnings,
        conflicting_rows=frozenset(result.conflicts),
        mapping=layout.mapping if layout is not None else None,
    )


class _Result:
    __slots__ = ("errors", "notes", "warnings", "conflicts")

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.notes: list[RowError] = []
        self.warnings: list[RowError] = []
        self.conflicts: set[int] = set()


def _projected_header(layout: Layout, quantity_header: str) -> HeaderMap:
    """Projected rows are [sku, ean, quantity, price, title]; messages name the file's own
    column for each."""
    indices = {
        name: position
        for position, name in enumerate(FIELDS)
        if name == "quantity" or name in layout.sources
    }
    headers = {
        name: quantity_header if name == "quantity" else layout.headers[name] for name in indices
    }
    return HeaderMap(
        indices=indices, headers=headers, found=(), price_excl_vat=layout.price_excl_vat
    )


def _find_header(
    rows: list[tuple[int, Sequence[Cell]]], mappings: dict[str, dict]
) -> tuple[int, HeaderMap | None, Layout | None]:
    """The first row that is a saved mapping's header, a known till export's header, or
    names the required columns; exports sometimes open with a title."""
    first: HeaderMap | None = None
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        saved = mappings.get(signature(cells)) if mappings else None
        layout = Mapping.from_json(saved).layout(cells) if isinstance(saved, dict) else None
        layout = layout or recognise(cells)
        if layout is not None:
            return position, None, layout
        try:
            candidate = map_header(cells)
        except FeedError as ambiguous:
            raise _mapping_needed(rows[position:], ambiguous.message) from None
        if candidate.is_usable:
            return position, candidate, None
        first = first or candidate
    assert first is not None
    raise _mapping_needed(rows, first.missing_message())


def _mapping_needed(rows: list[tuple[int, Sequence[Cell]]], message: str) -> FeedError:
    """With two or more columns the owner can say which is which; otherwise the file is
    refused with the message."""
    header = rows[0][1]
    if len(rows) < 2 or sum(1 for cell in header if not is_blank(cell)) < 2:
        return FeedError(message)
    return MappingNeeded(
        message, columns=mapping_columns(rows[:MAPPING_SAMPLE_ROWS]), signature=signature(header)
    )


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
    body: list[tuple[int, Sequence[Cell]]],
    header: HeaderMap,
    file_decimal: str | None,
    result: "_Result",
) -> list[FeedRow]:
    """Each row through the fast path; a row with any problem is parsed again by _slow_row,
    which names every bad cell. Both paths use the same parsers, so they agree on values."""
    rows: list[FeedRow] = []
    first_seen: dict[tuple[str, str], int] = {}  # ("sku", value) or ("ean", value) -> row
    price = _memoised(partial(parse_price, file_decimal=file_decimal))
    parsers = (parse_sku, parse_ean, parse_quantity, price, parse_title)
    # A field the file lacks reads cell 0 (every kept row has one) and always gives None.
    fields: list[tuple[int, Callable[[Cell], Any]]] = [
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
        parsed = _slow_row(number, cells, header, price, first_seen, result)
        if parsed is not None:
            rows.append(parsed)
    return rows


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
    result: "_Result",
) -> FeedRow | None:
    """The row, or None with its errors (or its note, when it is not tracked) in result."""
    row = _Row(number, cells, header)
    quantity_cell = row.cell("quantity")
    if is_not_tracked(quantity_cell):
        # Not counted at this location: skipped, and its sku stays free for another row.
        result.notes.append(
            RowError(
                number,
                header.headers["quantity"],
                shown(quantity_cell),
                _("not tracked at this location; row skipped"),
            )
        )
        return None
    sku = row.value("sku", parse_sku)
    ean = row.value("ean", parse_ean)
    quantity = row.value("quantity", parse_counted_quantity)
    price_value = row.value("price", price)
    title = row.value("title", parse_title)
    _check_identity(row, sku, ean, first_seen, result.conflicts)
    if row.errors:
        result.errors.extend(row.errors)
        return None
    assert quantity is not None  # the column is required and an empty cell is skipped above
    if quantity < 0:
        result.warnings.append(
            RowError(
                number,
                header.headers["quantity"],
                shown(quantity_cell),
                _("negative count %(value)s read as 0") % {"value": quantity},
            )
        )
        quantity = 0
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

    def cell(self, name: str) -> Cell:
        index = self.header.indices.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def value(self, name: str, parse: Callable[[Cell], T]) -> T | None:
        if name not in self.header.indices:
            return None
        cell = self.cell(name)
        try:
            return parse(cell)
        except BadValue as problem:
            self.error(name, shown(cell), problem.message)
            return None

    def error(self, name: str, value: str, message: str) -> None:
        self.failed.add(name)
        self.errors.append(RowError(self.number, self.header.headers[name], value, message))


def _check_identity(
    row: _Row,
    sku: str | None,
    ean: str | None,
    first_seen: dict[tuple[str, str], int],
    conflicts: set[int],
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
        conflicts.add(earlier)
        if name == "sku":
            message = _("sku '%(value)s' already appears in row %(row)s")
        else:
            message = _("ean '%(value)s' already appears in row %(row)s")
        row.error(name, key, message % {"value": key, "row": earlier})
