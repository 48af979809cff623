"""Card codes and PINs. A code is 16 characters of an alphabet without look-alikes (no 0/O,
1/I/L), about 79 random bits from `secrets`, shown in four groups: XXXX-XXXX-XXXX-XXXX."""

import re
import secrets

from django.contrib.auth.hashers import check_password, make_password

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
PIN_LENGTH = 6
# What a QR code of ours holds before the code.
QR_PREFIX = "STADSMARKT-CADEAU:"


class BadCode(ValueError):
    """Not a card code: the message says what is wrong, for people."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def shown(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(text: str) -> str:
    """A typed or scanned code as stored: upper case, without spaces and dashes."""
    text = (text or "").strip()
    if text.upper().startswith(QR_PREFIX):
        text = text[len(QR_PREFIX) :]
    code = re.sub(r"[\s\-]", "", text).upper()
    if len(code) != CODE_LENGTH:
        raise BadCode(f"length:{len(code)}")
    if any(char not in CODE_ALPHABET for char in code):
        raise BadCode("characters")
    return code


def qr_text(code: str) -> str:
    return QR_PREFIX + code


def hash_pin(pin: str) -> str:
    return make_password(pin)


def pin_matches(pin: str, pin_hash: str) -> bool:
    return bool(pin) and check_password(pin.strip(), pin_hash)
