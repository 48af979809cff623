"""CSV and XLSX of a report table: the same rows as on screen, typed cells in XLSX."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from marketplace.spreadsheet_cells import as_text_cells, neutralise, neutralise_row

from .tables import COUNT, MONEY, PERCENT, ReportTable, kind_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {MONEY: "#,##0.00", COUNT: "#,##0", PERCENT: "0.0"}


def plain(value):
    """Exports carry values a spreadsheet reads back: local times without a zone, None empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def csv_text(table: ReportTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(neutralise_row(column.label for column in table.columns))
    for row in table.rows:
        writer.writerow([neutralise(csv_cell(plain(value))) for value in row])
    return buffer.getvalue()


def csv_cell(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def xlsx_bytes(table: ReportTable) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    sheet.append(neutralise_row(column.label for column in table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    as_text_cells(sheet[1])
    for row_index, row in enumerate(table.rows):
        sheet.append([neutralise(xlsx_cell(plain(value))) for value in row])
        as_text_cells(sheet[sheet.max_row])
        for column_index, cell in enumerate(sheet[sheet.max_row]):
            number_format = NUMBER_FORMATS.get(kind_of(table, row_index, column_index))
            if number_format and isinstance(cell.value, int | float):
                cell.number_format = number_format
    for column_cells in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_cell(value):
    # openpyxl stores Decimal as a float; a money figure of cents fits a float exactly enough
    # to read back to the same two decimals.
    return float(value) if isinstance(value, Decimal) else value
