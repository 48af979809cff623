"""Webhook and push-API signature checks: pure functions over the raw request body.

Always verify the bytes as received: re-serialised JSON differs in spacing and key order and
would never match. Comparisons use hmac.compare_digest so timing reveals nothing.
"""

import base64
import binascii
import hashlib
import hmac

SHOPIFY_HMAC_HEADER = "X-Shopify-Hmac-Sha256"
SQUARE_SIGNATURE_HEADER = "x-square-hmacsha256-signature"
PUSH_SIGNATURE_HEADER = "X-Stadsmarkt-Signature"
PUSH_TIMESTAMP_HEADER = "X-Stadsmarkt-Timestamp"
DEFAULT_PUSH_TOLERANCE_SECONDS = 300


def _hmac_sha256(key: str, message: bytes) -> bytes:
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).digest()


def _matches_base64(expected: bytes, header_value: str) -> bool:
    """Compare digests, not base64 texts, so padding or whitespace variants cannot matter."""
    try:
        received = base64.b64decode(header_value.strip(), validate=True)
    except (binascii.Error, ValueError):  # ValueError: non-ASCII text in the header
        return False
    return hmac.compare_digest(expected, received)


def verify_shopify_webhook(*, raw_body: bytes, header_hmac: str, secret: str) -> bool:
    # Shopify: base64(HMAC-SHA256(app secret, raw body)); https://shopify.dev/apps/webhooks/https
    if not secret or not header_hmac:
        return False
    return _matches_base64(_hmac_sha256(secret, raw_body), header_hmac)


def verify_square_webhook(
    *, raw_body: bytes, notification_url: str, header_signature: str, signature_key: str
) -> bool:
    # Square: base64(HMAC-SHA256(key, url+body)); developer.squareup.com/docs/webhooks/step3validate
    if not signature_key or not notification_url or not header_signature:
        return False
    message = notification_url.encode("utf-8") + raw_body
    return _matches_base64(_hmac_sha256(signature_key, message), header_signature)


def sign_push(*, raw_body: bytes, secret: str, timestamp: int) -> str:
    """Hex HMAC-SHA256 over "<timestamp>." + body: the timestamp is signed, so a captured
    request cannot be replayed later under a fresh timestamp."""
    if not secret:
        raise ValueError("a push secret is required")
    return hmac.new(
        secret.encode("utf-8"), f"{int(timestamp)}.".encode() + raw_body, hashlib.sha256
    ).hexdigest()


def verify_push(
    *,
    raw_body: bytes,
    secret: str,
    timestamp: int,
    signature: str,
    now: float,
    tolerance_seconds: int = DEFAULT_PUSH_TOLERANCE_SECONDS,
) -> bool:
    """True if signature is ours for this body and timestamp, and the timestamp is within
    tolerance_seconds of now (either side, allowing for clock skew)."""
    if not secret or not signature:
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = sign_push(raw_body=raw_body, secret=secret, timestamp=timestamp)
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().lower().encode())
