"""Cell values of a stock feed: one parser per field.

A cell is what the reader hands over: text from a CSV, or a str, int or float from an XLSX
cell (dates and booleans arrive as text). Each parser returns the clean value, or raises
BadValue with a short message for the shop owner, in the active language (gettext at the
moment of failing, so only bad cells pay for it); it never raises anything else.
"""

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

Cell = str | int | float | None

MAX_SKU_LENGTH = 64
MAX_TITLE_LENGTH = 255  # Oscar's Product.title
MAX_QUANTITY = 1_000_000  # far above any shop's count; catches an EAN pasted into the wrong column
MAX_PRICE = Decimal("9999999999.99")  # fits Oscar's DecimalField(max_digits=12, decimal_places=2)
CENT = Decimal("0.01")
# A float from an XLSX formula such as =A2*1.21 may be a hair off the cent the shop sees.
FLOAT_CENT_TOLERANCE = Decimal("0.000001")
# Integers above 2**53 do not survive as floats, so such a number lost digits in the sheet.
MAX_EXACT_FLOAT_INTEGER = 2**53
SHOWN_VALUE_LENGTH = 60
_QUANTITY_DIGITS = len(str(MAX_QUANTITY))
# A text cell starting with one of these runs as a formula when the shop's data is opened in a
# spreadsheet again ("=cmd|' /C calc'!A0"); such cells are refused where text is kept. (A
# leading tab or line break, OWASP's other two, is whitespace and stripped before this check.)
FORMULA_PREFIXES = ("=", "+", "-", "@")

_QUANTITY_TEXT = re.compile(r"(\d+)(?:[.,]0{1,2})?", re.ASCII)
# The usual price text ("12", "12,95", "12.5"): no sign, currency or thousands separator.
_PRICE_USUAL = re.compile(r"(\d{1,10})(?:[.,](\d\d?))?", re.ASCII)
_PRICE_PLAIN = re.compile(r"(\d+)(?:([.,])(\d+))?", re.ASCII)
# Thousands groups with one consistent separator, optionally followed by decimals.
_PRICE_GROUPED = re.compile(
    r"(?P<int>\d{1,3}(?P<t>[., ])\d{3}(?:(?P=t)\d{3})*)(?:(?P<d>[.,])(?P<frac>\d+))?", re.ASCII
)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_CURRENCY_MARKS = ("€", "eur")
# A first character that needs the careful path: a space to strip or a formula prefix.
_UNSAFE_FIRST = frozenset(" =+-@")
_SPACES = str.maketrans({"\xa0": " ", "\u202f": " ", "\u2009": " "})


class BadValue(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def display(cell: Cell) -> str:
    """The cell as the shop would recognise it (an XLSX 12.0 shows as 12)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        if math.isfinite(cell) and cell.is_integer() and abs(cell) < MAX_EXACT_FLOAT_INTEGER:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, int):
        try:
            return str(cell)
        except ValueError:  # more digits than Python converts to text
            return _("(a number too long to show)")
    return cell


def shown(cell: Cell) -> str:
    """display(), shortened so one absurd cell cannot flood a report."""
    text = display(cell)
    if len(text) > SHOWN_VALUE_LENGTH:
        return text[: SHOWN_VALUE_LENGTH - 1] + "…"
    return text


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- quantity -------------------------------------------------------------------------------


def parse_quantity(cell: Cell) -> int:
    # The usual cell ("12") in one test; everything else takes the careful path below.
    if type(cell) is str and cell.isdigit() and cell.isascii() and len(cell) <= _QUANTITY_DIGITS:
        value = int(cell)
        if value <= MAX_QUANTITY:
            return value
    if isinstance(cell, int):
        value = cell
    elif isinstance(cell, float):
        if not (math.isfinite(cell) and cell.is_integer()):
            raise _not_whole(cell)
        value = int(cell)
    else:
        text = (cell or "").strip()
        if not text:
            raise BadValue(_("quantity is missing"))
        match = _QUANTITY_TEXT.fullmatch(text)
        if match is None:
            raise _not_whole(cell)
        digits = match.group(1).lstrip("0") or "0"
        if len(digits) > _QUANTITY_DIGITS:  # int() of thousands of digits is slow
            raise _too_many(cell)
        value = int(digits)
    if value < 0:
        raise _not_whole(cell)
    if value > MAX_QUANTITY:
        raise _too_many(cell)
    return value


_NEGATIVE_TEXT = re.compile(r"-\s*(\d{1,7})(?:[.,]0{1,2})?", re.ASCII)
# What tills write in a location's count for an item they do not stock there.
_NOT_TRACKED = frozenset({"notstocked", "nottracked", "nietgevoerd", "nietvoorradig", "nvt", "na"})
_DASHES = frozenset({"-", "–", "—"})


def is_not_tracked(cell: Cell) -> bool:
    """An empty count, a dash or "not stocked": the item is not counted at this location."""
    if is_blank(cell):
        return True
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    if text in _DASHES:
        return True
    return len(text) <= 20 and "".join(c for c in text.casefold() if c.isalnum()) in _NOT_TRACKED


def parse_counted_quantity(cell: Cell) -> int:
    """parse_quantity, but a negative whole count (a till that sold more than it counted)
    comes back negative; the caller sets it to 0 with a warning."""
    try:
        return parse_quantity(cell)
    except BadValue:
        negative = _negative_count(cell)
        if negative is None:
            raise
        return negative


def _negative_count(cell: Cell) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell if -MAX_QUANTITY <= cell < 0 else None
    if isinstance(cell, float):
        if math.isfinite(cell) and cell.is_integer() and -MAX_QUANTITY <= cell < 0:
            return int(cell)
        return None
    if isinstance(cell, str):
        match = _NEGATIVE_TEXT.fullmatch(cell.strip())
        if match is not None and int(match.group(1)) <= MAX_QUANTITY:
            return -int(match.group(1)) or None
    return None


def _not_whole(cell: Cell) -> BadValue:
    return BadValue(
        _("quantity must be a whole number of 0 or more, got '%(value)s'") % {"value": shown(cell)}
    )


def _too_many(cell: Cell) -> BadValue:
    return BadValue(
        _("quantity must be at most %(max)s, got '%(value)s'")
        % {"max": MAX_QUANTITY, "value": shown(cell)}
    )


# --- price ----------------------------------------------------------------------------------


def price_evidence(cell: Cell) -> str | None:
    """The decimal separator this price text proves ("," or "."), if it proves one.

    "12,95" and "1.234,50" prove a comma; "12.95" and "1,234.50" a point; "12", "1.234"
    (thousands or decimals?) and numeric XLSX cells prove nothing.
    """
    if not isinstance(cell, str):
        return None
    usual = _PRICE_USUAL.fullmatch(cell)
    if usual is not None:  # 1 or 2 decimals prove their separator; none prove nothing
        return cell[usual.end(1)] if usual.group(2) else None
    reading = _read_price_text(cell)
    return None if reading is None else reading.evidence


def parse_price(cell: Cell, *, file_decimal: str | None) -> Decimal | None:
    """The price in euros with 2 decimals, or None for an empty cell.

    file_decimal is the separator the file's other prices prove, when they agree; it settles
    "1.234" (1234 in a decimal-comma file, 1.234 and so too many decimals otherwise). Without
    it such a value is ambiguous and refused rather than guessed.
    """
    usual = _PRICE_USUAL.fullmatch(cell) if type(cell) is str else None
    if usual is not None:  # at most 10 + 2 digits: within MAX_PRICE, exact to the cent
        whole, fraction = usual.groups()
        return Decimal(f"{whole}.{(fraction or '').ljust(2, '0')}")
    if cell is None or is_blank(cell):
        return None
    if isinstance(cell, int):
        return _checked_price(Decimal(cell), cell, exact=True)
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise _not_a_price(cell)
        return _checked_price(Decimal(repr(cell)), cell, exact=False)
    reading = _read_price_text(cell)
    if reading is None:
        raise _not_a_price(cell)
    value = reading.value
    if value is None:
        if file_decimal is None:
            raise BadValue(
                _(
                    "price '%(value)s' is ambiguous (thousands or decimals?); "
                    "write it without a thousands separator"
                )
                % {"value": shown(cell)}
            )
        value = reading.resolve(file_decimal)
    if reading.negative and value:
        raise _negative_price(cell)
    return _checked_price(value, cell, exact=True)


class _PriceText(NamedTuple):
    value: Decimal | None  # None when ambiguous: "1.234" may be 1234 or 1.234
    evidence: str | None  # the decimal separator this text proves, if any
    negative: bool
    ambiguous_digits: str = ""
    ambiguous_separator: str = ""

    def resolve(self, file_decimal: str) -> Decimal:
        digits, separator = self.ambiguous_digits, self.ambiguous_separator
        if separator == file_decimal:
            return Decimal(digits.replace(separator, "."))
        return Decimal(digits.replace(separator, ""))


def _read_price_text(raw: str) -> _PriceText | None:
    """The amount in a price text, or None if the text is not an amount."""
    text, negative = _strip_currency_and_sign(raw)
    if text.endswith((",-", ".-", ",–", ".–")):  # Dutch "€ 12,-" means 12.00
        text = text[:-1] + "00"
    plain = _PRICE_PLAIN.fullmatch(text)
    if plain is not None:
        whole, separator, fraction = plain.groups()
        if separator is None:
            return _PriceText(Decimal(whole), None, negative)
        if len(fraction) == 3 and len(whole) <= 3 and whole[0] != "0":
            return _PriceText(None, None, negative, text, separator)
        return _PriceText(Decimal(f"{whole}.{fraction}"), separator, negative)
    grouped = _PRICE_GROUPED.fullmatch(text)
    if grouped is None:
        return None
    thousands, decimal_separator = grouped.group("t"), grouped.group("d")
    if decimal_separator == thousands:
        return None
    whole = grouped.group("int").replace(thousands, "")
    fraction = grouped.group("frac") or "0"
    # "1.234.567" has no decimals, but its thousands separator proves the decimal one.
    evidence = decimal_separator or {".": ",", ",": "."}.get(thousands)
    return _PriceText(Decimal(f"{whole}.{fraction}"), evidence, negative)


def _strip_currency_and_sign(raw: str) -> tuple[str, bool]:
    text = raw.translate(_SPACES).strip()
    if text[:1].isdigit() and text[-1:].isdigit():  # the usual case: nothing around the amount
        return text, False
    negative = False
    for _attempt in range(2):  # "€ -12,95" and "-€ 12,95" both occur
        text = _strip_currency(text)
        if text.startswith("-"):
            negative = True
            text = text[1:].strip()
    return text, negative


def _strip_currency(text: str) -> str:
    for mark in _CURRENCY_MARKS:
        if text[: len(mark)].lower() == mark:
            text = text[len(mark) :].strip()
        if text[-len(mark) :].lower() == mark:
            text = text[: -len(mark)].strip()
    return text


def _checked_price(value: Decimal, cell: Cell, *, exact: bool) -> Decimal:
    if value < 0:
        raise _negative_price(cell)
    if value > MAX_PRICE:
        raise BadValue(_("price is too large, got '%(value)s'") % {"value": shown(cell)})
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    allowed = Decimal(0) if exact else FLOAT_CENT_TOLERANCE
    if abs(value - rounded) > allowed:
        raise BadValue(
            _("price must have at most 2 decimals, got '%(value)s'") % {"value": shown(cell)}
        )
    return rounded


def _not_a_price(cell: Cell) -> BadValue:
    return BadValue(
        _("price must be an amount like 12.95 or 12,95, got '%(value)s'") % {"value": shown(cell)}
    )


def _negative_price(cell: Cell) -> BadValue:
    return BadValue(_("price must be 0 or more, got '%(value)s'") % {"value": shown(cell)})


# --- sku and title --------------------------------------------------------------------------


def parse_sku(cell: Cell) -> str | None:
    # Printable text has no control character and no whitespace but the plain space.
    if (
        type(cell) is str
        and 0 < len(cell) <= MAX_SKU_LENGTH
        and cell.isprintable()
        and cell[0] not in _UNSAFE_FIRST
        and cell[-1] != " "
    ):
        return cell
    if isinstance(cell, float) and abs(cell) >= MAX_EXACT_FLOAT_INTEGER:
        raise BadValue(
            _("sku '%(value)s' was stored as a number and lost digits; format the column as text")
            % {"value": shown(cell)}
        )
    text = display(cell).strip()
    if not text:
        return None
    if len(text) > MAX_SKU_LENGTH:
        raise BadValue(
            _("sku must be at most %(max)s characters, got %(length)s")
            % {"max": MAX_SKU_LENGTH, "length": len(text)}
        )
    if _CONTROL_CHARACTERS.search(text):
        raise BadValue(_("sku contains a control character: '%(value)s'") % {"value": shown(cell)})
    _refuse_formula("sku", text, cell)
    return text


def parse_title(cell: Cell) -> str | None:
    if (
        type(cell) is str
        and 0 < len(cell) <= MAX_TITLE_LENGTH
        and cell.isprintable()
        and cell[0] not in _UNSAFE_FIRST
        and cell[-1] != " "
        and "  " not in cell
    ):
        return cell  # already one line with single spaces, nothing to tidy or refuse
    # A quoted CSV field may hold line breaks; a title is one line.
    text = " ".join(display(cell).split())
    if not text:
        return None
    if len(text) > MAX_TITLE_LENGTH:
        raise BadValue(
            _("title must be at most %(max)s characters, got %(length)s")
            % {"max": MAX_TITLE_LENGTH, "length": len(text)}
        )
    _refuse_formula("title", text, cell)
    return text


def _refuse_formula(name: str, text: str, cell: Cell) -> None:
    if isinstance(cell, str) and text.startswith(FORMULA_PREFIXES):
        # One whole sentence per field, so a translation can word each naturally.
        message = _FORMULA_MESSAGES[name]()
        raise BadValue(message % {"value": shown(cell), "first": text[0]})


_FORMULA_MESSAGES = {
    "sku": lambda: _(
        "sku '%(value)s' starts with '%(first)s', which a spreadsheet runs as a formula; "
        "remove that first character"
    ),
    "title": lambda: _(
        "title '%(value)s' starts with '%(first)s', which a spreadsheet runs as a formula; "
        "remove that first character"
    ),
}
