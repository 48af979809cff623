"""EAN-13 check digits (GS1 mod-10)."""


def ean13_check_digit(first_twelve: str) -> str:
    if len(first_twelve) != 12 or not first_twelve.isdigit():
        raise ValueError(f"An EAN-13 body is 12 digits, got {first_twelve!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def make_ean13(first_twelve: str) -> str:
    return first_twelve + ean13_check_digit(first_twelve)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]
