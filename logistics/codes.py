"""The pickup and delivery codes a part is handed over on."""

import hmac
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud and typed at a counter.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def codes_match(given: str, expected: str) -> bool:
    cleaned = (given or "").strip().upper().replace(" ", "").replace("-", "")
    return bool(expected) and hmac.compare_digest(cleaned.encode(), expected.encode())
