"""GS1 check digits for every GTIN length (EAN-8, UPC-A, EAN-13, GTIN-14).

One place for the demo generator, the stock feeds and the shop's product form.
"""

GTIN_LENGTHS = frozenset({8, 12, 13, 14})


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


def gtin_key(code: str | None) -> str | None:
    """EAN-8/UPC-A/EAN-13 of one product compare equal once padded to GTIN-14."""
    code = (code or "").strip()
    return code.zfill(14) if code.isdigit() else None


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and is_valid_gtin(code)


def ean13_check_digit(first_twelve: str) -> str:
    if len(first_twelve) != 12 or not first_twelve.isdigit():
        raise ValueError(f"An EAN-13 body is 12 digits, got {first_twelve!r}")
    return str(gs1_check_digit(first_twelve))


def make_ean13(first_twelve: str) -> str:
    return first_twelve + ean13_check_digit(first_twelve)
