"""GS1 check digits for every GTIN length (EAN-8, UPC-A, EAN-13, GTIN-14)."""

GTIN_LENGTHS = frozenset({8, 12, 13, 14})


def gs1_check_digit(body: str) -> int:
    """The check digit for a GTIN without its last digit.

    Weights 3 and 1 alternate from the right, so one function serves all lengths and a
    left-padded code keeps its check digit.
    """
    if not (body.isascii() and body.isdigit()):
        raise ValueError(f"a GTIN body is digits only, got {body!r}")
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(body[::-1]))
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    """True for an 8, 12, 13 or 14 digit code whose last digit is its GS1 check digit."""
    return (
        len(code) in GTIN_LENGTHS
        and code.isascii()
        and code.isdigit()
        and gs1_check_digit(code[:-1]) == int(code[-1])
    )
