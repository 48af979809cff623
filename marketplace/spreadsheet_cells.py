"""Cells of every CSV and XLSX we export, safe to open in a spreadsheet.

Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by spreadsheets as
a formula (`=HYPERLINK(...)`, `@SUM(...)`): such text is written with a leading `'`, which
shows it as the text it is. Only text is touched: numbers (negative amounts included), dates
and times stay what they are. In XLSX, text cells are stored as strings, never as formulas.
"""

from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value for a CSV or XLSX cell: formula-like text prefixed with `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(values) -> list:
    return [neutralise(value) for value in values]


def as_text_cells(cells) -> None:
    """Marks every text cell of an openpyxl row as a string (openpyxl guesses `=...` a formula)."""
    for cell in cells:
        if isinstance(cell, Cell) and isinstance(cell.value, str):
            cell.data_type = "s"
