"""GS1 check digits for every GTIN length (EAN-8, UPC-A, EAN-13, GTIN-14), and EAN cells."""

import math
import re

from django.utils.translation import gettext as _

from .values import BadValue, Cell, is_blank, shown

GTIN_LENGTHS = frozenset({8, 12, 13, 14})
_EAN_WITH_ZERO_DECIMALS = re.compile(r"(\d+)[.,]0+", re.ASCII)
_EAN_SCIENTIFIC = re.compile(r"(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})", re.ASCII)


def gs1_check_digit(body: str) -> int:
    """The check digit for a GTIN without its last digit.

    Weights 3 and 1 alternate from the right, so one function serves all lengths and a
    left-padded code keeps its check digit.
    """
    if not (body.isascii() and body.isdigit()):
        raise ValueError(f"a GTIN body is digits only, got {body!r}")
    weighted_three = sum(map(int, body[-1::-2]))  # the last digit of the body, every other one
    weighted_one = sum(map(int, body[-2::-2]))
    return (10 - (3 * weighted_three + weighted_one) % 10) % 10


def is_valid_gtin(code: str) -> bool:
    """True for an 8, 12, 13 or 14 digit code whose last digit is its GS1 check digit."""
    return (
        len(code) in GTIN_LENGTHS
        and code.isascii()
        and code.isdigit()
        and gs1_check_digit(code[:-1]) == int(code[-1])
    )


def parse_ean(cell: Cell) -> str | None:
    """The GTIN digits, or None for an empty cell.

    Spreadsheets mangle barcodes: numbers drop leading zeros, CSV exports write 8712345678906.0
    or 8.71234567891E+12, users type a leading apostrophe. Recover the digits when they are all
    still there; refuse when digits were lost rather than guess.
    """
    if is_blank(cell):
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
