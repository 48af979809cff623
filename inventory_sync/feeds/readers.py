"""Bytes to a table of cells: CSV (any usual encoding and delimiter) or the first XLSX sheet.

Only non-blank rows are kept, each with the row number the shop sees in a spreadsheet, so
messages can point at "row 12" and blank lines cost nothing.
"""

import codecs
import csv
import io
import re
import time as clock
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import openpyxl
from django.utils.translation import gettext as _

from .headers import count_known_fields
from .types import MAX_DATA_ROWS, FeedError
from .values import Cell, is_blank

XLSX_EXTENSIONS = frozenset({"xlsx", "xlsm"})
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
DELIMITERS = (",", ";", "\t")
# What a workbook may unpack to, checked on the archive's directory before anything is
# inflated (zipfile stops at each member's declared size, so the sizes cannot lie). A real
# stock sheet of MAX_DATA_ROWS rows is well under these; a zip bomb is not (issue 15).
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed, for members over RATIO_FROM_BYTES; real XLSX XML is ~10
RATIO_FROM_BYTES = 1024 * 1024
MAX_SHARED_STRINGS = 1_000_000  # counted by streaming the part, before openpyxl loads it
MAX_CELLS = 4_000_000  # cells read from the sheet, blank ones included
MAX_XLSX_SECONDS = 20.0  # reading the sheet; a file that takes longer is refused
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
# Header detection looks at the first lines only; a preamble ("Export 1 May") may precede it.
HEADER_SEARCH_ROWS = 10
SNIFF_SAMPLE_CHARS = 4096  # csv.Sniffer is quadratic on quote-heavy text; keep its sample small
MAX_ROWS_READ = MAX_DATA_ROWS + 1  # the data rows plus a header
MAX_ROWS_SCANNED = 5 * MAX_ROWS_READ  # rows looked at, blank ones included


@dataclass(frozen=True, slots=True)
class Table:
    rows: list[tuple[int, Sequence[Cell]]]  # (spreadsheet row number, cells), blank rows left out
    encoding: str | None
    delimiter: str | None


def read_table(*, content: bytes, filename: str) -> Table:
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if content.startswith(ZIP_MAGIC):
        return read_xlsx(content=content)
    if extension in XLSX_EXTENSIONS:
        raise FeedError(
            _("The file is named .%(extension)s but is not an Excel workbook.")
            % {"extension": extension}
        )
    if content.startswith(OLE_MAGIC):
        raise FeedError(_("Old Excel .xls files are not supported; save it as .xlsx or CSV."))
    return read_csv(content=content)


# --- CSV ------------------------------------------------------------------------------------


def read_csv(*, content: bytes) -> Table:
    text, encoding = decode_text(content)
    if "\x00" in text:
        raise FeedError(_("The file contains binary data; upload a CSV or XLSX file."))
    text, delimiter = _excel_separator_hint(text)
    if not text.strip():
        raise FeedError(_("The file is empty."))
    delimiter = delimiter or detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    rows: list[tuple[int, Sequence[Cell]]] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if "".join(cells).strip():  # CSV cells are text: blank if all are whitespace
                rows.append((number, cells))
                _check_row_count(rows)
    except csv.Error as exc:
        reason = str(exc)  # the csv module's own wording; only the usual case is translated
        if "field larger than field limit" in reason:
            reason = _("a cell is longer than %(limit)s characters") % {
                "limit": csv.field_size_limit()
            }
        raise FeedError(
            _("The CSV file cannot be read at row %(row)s: %(reason)s.")
            % {"row": number + 1, "reason": reason}
        ) from exc
    return Table(rows=rows, encoding=encoding, delimiter=delimiter)


def decode_text(content: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252.

    UTF-8 is tried strictly first: Windows-1252 text with accents is almost never valid UTF-8,
    while every byte string that is valid UTF-8 was almost surely meant as such.
    """
    if content.startswith(codecs.BOM_UTF8):
        return _decode(content[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(content, "utf-16"), "utf-16"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise FeedError(
            _("The file is not text in UTF-8 or Windows-1252; upload a CSV or XLSX file.")
        ) from exc


def _decode(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FeedError(
            _("The file says it is %(encoding)s text but is not.") % {"encoding": encoding.upper()}
        ) from exc


def _excel_separator_hint(text: str) -> tuple[str, str | None]:
    """Excel writes and honours a first line "sep=;"; it is not a row the shop sees."""
    first, newline, rest = text.lstrip("\ufeff").partition("\n")
    line = first.rstrip("\r")
    if line.lower().startswith("sep=") and len(line) == 5 and line[4] in DELIMITERS:
        return rest, line[4]
    return text, None


def detect_delimiter(text: str) -> str:
    """Comma, semicolon or tab.

    The delimiter that splits a header line into the most columns we know is right whatever
    the data looks like (Dutch files put decimal commas in ";"-separated rows). When no line
    names a known column, csv.Sniffer decides, and failing that the most frequent delimiter.
    """
    lines = [line for line in text[: 64 * 1024].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    known = {d: max(count_known_fields(_split(line, d)) for line in lines) for d in DELIMITERS}
    most_known = max(known.values())
    leaders = [d for d in DELIMITERS if known[d] == most_known]
    if len(leaders) == 1:
        return leaders[0]
    columns = {d: max(len(_split(line, d)) for line in lines) for d in leaders}
    sniffed = _sniff(text[:SNIFF_SAMPLE_CHARS])
    return max(leaders, key=lambda d: (d == sniffed, columns[d]))


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _sniff(sample: str) -> str | None:
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return None


# --- XLSX -----------------------------------------------------------------------------------


def read_xlsx(*, content: bytes) -> Table:
    _check_workbook_archive(content)
    # openpyxl raises whatever its zip and XML layers raise on a damaged file (KeyError,
    # ValueError, zipfile and XML errors, ...); for the shop all mean the same thing.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise FeedError(_unreadable_xlsx()) from exc
    try:
        return Table(rows=_read_first_sheet(workbook), encoding=None, delimiter=None)
    except FeedError:
        raise
    except Exception as exc:
        raise FeedError(_unreadable_xlsx()) from exc
    finally:
        workbook.close()


def _unreadable_xlsx() -> str:
    return _("The Excel file cannot be read; save it again as .xlsx or export it as CSV.")


def is_workbook(*, content: bytes, filename: str) -> bool:
    """Whether read_table reads these bytes as XLSX (the heavy parse, run in a task)."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    return content.startswith(ZIP_MAGIC) or extension in XLSX_EXTENSIONS


def check_workbook_directory(content: bytes) -> list[zipfile.ZipInfo]:
    """The checks that read only the archive's directory: milliseconds whatever the file
    unpacks to, so the upload request refuses a zip bomb before any task is queued."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except Exception as exc:  # zipfile raises several unrelated types on a damaged archive
        raise FeedError(_unreadable_xlsx()) from exc
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise FeedError(_("The file is a zip archive but not an Excel workbook (.xlsx)."))
    if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
        raise FeedError(
            _("The Excel file unpacks to more than %(mb)s MB; export it as CSV or split it.")
            % {"mb": MAX_UNZIPPED_BYTES // (1024 * 1024)}
        )
    for entry in entries:
        if entry.file_size > RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise FeedError(
                _(
                    "The Excel file unpacks to more than %(ratio)s times its size, which no"
                    " stock list does; export it as CSV."
                )
                % {"ratio": MAX_RATIO}
            )
    return entries


def _check_workbook_archive(content: bytes) -> None:
    entries = check_workbook_directory(content)
    _check_shared_strings(content, [entry for entry in entries if not entry.is_dir()])


def _check_shared_strings(content: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Counts the shared strings (<si> elements) by streaming every part in chunks, within
    the sizes checked above: openpyxl would build them all as Python strings before the
    first row is read. Every part, since the workbook may name its strings part anything."""
    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for entry in entries:
                count += _count_shared_strings(archive, entry, MAX_SHARED_STRINGS - count)
                if count > MAX_SHARED_STRINGS:
                    raise FeedError(
                        _(
                            "The Excel file holds more than %(max)s different texts; export it"
                            " as CSV or split it."
                        )
                        % {"max": MAX_SHARED_STRINGS}
                    )
    except FeedError:
        raise
    except Exception as exc:  # a damaged part: openpyxl would fail on it as well
        raise FeedError(_unreadable_xlsx()) from exc


def _count_shared_strings(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, room: int) -> int:
    """<si> elements in one part, counting stops once past `room`."""
    count, tail = 0, b""
    with archive.open(entry) as part:
        while chunk := part.read(1024 * 1024):
            data = tail + chunk
            tail = data[-64:]  # a tag cut by the chunk's end is whole in the next round
            count += len(_SHARED_STRING_TAG.findall(data)) - len(_SHARED_STRING_TAG.findall(tail))
            if count > room:
                return count
    return count + len(_SHARED_STRING_TAG.findall(tail))


def _read_first_sheet(workbook: openpyxl.Workbook) -> list[tuple[int, Sequence[Cell]]]:
    sheets = workbook.worksheets
    if not sheets:
        raise FeedError(_("The Excel file has no worksheet."))
    sheet = sheets[0]
    # Some tools write a wrong used range, which read-only mode would trust and cut rows off.
    sheet.reset_dimensions()
    rows: list[tuple[int, Sequence[Cell]]] = []
    deadline = clock.monotonic() + MAX_XLSX_SECONDS
    cells_read = 0
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        cells_read += len(values)
        _check_sheet_limits(number, cells_read, deadline)
        cells = [_xlsx_cell(value) for value in values]
        if not _is_blank_row(cells):
            rows.append((number, cells))
            _check_row_count(rows)
    return rows


def _check_sheet_limits(rows_scanned: int, cells_read: int, deadline: float) -> None:
    if rows_scanned > MAX_ROWS_SCANNED:
        raise FeedError(
            _("The Excel sheet has more than %(max)s rows, blank ones included; split it.")
            % {"max": MAX_ROWS_SCANNED}
        )
    if cells_read > MAX_CELLS:
        raise FeedError(
            _("The Excel sheet has more than %(max)s cells; keep only the stock columns.")
            % {"max": MAX_CELLS}
        )
    if rows_scanned % 1000 == 0 and clock.monotonic() > deadline:
        raise FeedError(
            _("Reading the Excel file took longer than %(seconds)s seconds; upload it as CSV.")
            % {"seconds": int(MAX_XLSX_SECONDS)}
        )


def _xlsx_cell(value: object) -> Cell:
    if value is None or type(value) in (str, int, float):
        return value  # type: ignore[return-value]
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


# --- shared ---------------------------------------------------------------------------------


def _is_blank_row(cells: Sequence[Cell]) -> bool:
    return all(is_blank(cell) for cell in cells)


def _check_row_count(rows: list[tuple[int, Sequence[Cell]]]) -> None:
    if len(rows) > MAX_ROWS_READ:
        raise FeedError(
            _("The file has more than %(max)s rows; split it into parts.") % {"max": MAX_DATA_ROWS}
        )
