"""EAN cells of a stock file: the GTIN digits a spreadsheet meant, or a clear refusal."""

import math
import re

from django.utils.translation import gettext as _

from marketplace.gtin import GTIN_LENGTHS, is_valid_gtin

from .values import BadValue, Cell, is_blank, shown

_EAN_WITH_ZERO_DECIMALS = re.compile(r"(\d+)[.,]0+", re.ASCII)
_EAN_SCIENTIFIC = re.compile(r"(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})", re.ASCII)


def parse_ean(cell: Cell) -> str | None:
    """The GTIN digits, or None for an empty cell.

    Spreadsheets mangle barcodes: numbers drop leading zeros, CSV exports write 8712345678906.0
    or 8.71234567891E+12, users type a leading apostrophe. Recover the digits when they are all
    still there; refuse when digits were lost rather than guess.
    """
    if cell is None or is_blank(cell):
        return None
    digits = _ean_number_digits(cell) if isinstance(cell, int | float) else _ean_text_digits(cell)
    if 9 <= len(digits) <= 11:
        # A UPC-A or EAN-13 stored as a number lost its leading zeros; zeros on the left do
        # not change a GTIN or its check digit.
        digits = digits.zfill(12)
    if len(digits) not in GTIN_LENGTHS:
        raise _not_an_ean(cell)
    if not is_valid_gtin(digits):
        raise BadValue(_("EAN '%(value)s' has a wrong check digit") % {"value": shown(cell)})
    return digits


def _ean_number_digits(cell: int | float) -> str:
    if isinstance(cell, float) and not (math.isfinite(cell) and cell.is_integer()):
        raise _not_an_ean(cell)
    if cell < 0 or cell >= 10**14:
        raise _not_an_ean(cell)
    return str(int(cell))


def _ean_text_digits(cell: str) -> str:
    text = cell.strip().lstrip("'")
    if text.startswith('="') and text.endswith('"'):  # the ="0123" trick that keeps zeros
        text = text[2:-1]
    text = text.replace(" ", "")
    if text.isascii() and text.isdigit():
        return text
    with_zeros = _EAN_WITH_ZERO_DECIMALS.fullmatch(text)
    if with_zeros is not None:
        return with_zeros.group(1)
    scientific = _EAN_SCIENTIFIC.fullmatch(text)
    if scientific is None:
        raise _not_an_ean(cell)
    first, rest, exponent = scientific.groups()
    mantissa = first + (rest or "")
    length = int(exponent) + 1
    if len(mantissa) < length:
        raise BadValue(
            _(
                "EAN '%(value)s' lost digits to scientific notation; "
                "format the column as text and export again"
            )
            % {"value": shown(cell)}
        )
    if mantissa[length:].strip("0"):
        raise _not_an_ean(cell)
    return mantissa[:length]


def _not_an_ean(cell: Cell) -> BadValue:
    return BadValue(
        _("EAN must have 8, 12, 13 or 14 digits, got '%(value)s'") % {"value": shown(cell)}
    )
