"""Webhook and push-API signatures, checked against HMACs computed here independently."""

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory_sync.connectors.signatures import (
    sign_push,
    verify_push,
    verify_shopify_webhook,
    verify_square_webhook,
)

BODY = b'{"id":820982911946154508,"inventory_item_id":1}'
SQUARE_URL = "https://example.com/webhooks/square"
PUSH_TIMESTAMP = 1_767_225_600

# Computed outside Python with `openssl dgst -sha256 -hmac KEY -binary | base64` (or hex).
SHOPIFY_VECTOR = "jyrcFx5F8WWZVbHM6sFJf7JdcVVUNXl4Y2+RJK+3Ogg="  # key "hush"
SQUARE_VECTOR = "TTjq/BIB0BisHdNf5sk8VqTNk9WGVksINbroMq8f2UE="  # key "sq0sig-key", URL + body
PUSH_VECTOR = "061fa163bd60049026b52a3ed331c9b3116d0aaba75a316f2023639e5cc80122"  # "push-secret"


def b64_hmac(key: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), message, hashlib.sha256).digest()).decode()


# --- Shopify --------------------------------------------------------------------------------


def test_shopify_known_vector():
    assert b64_hmac("hush", BODY) == SHOPIFY_VECTOR
    assert verify_shopify_webhook(raw_body=BODY, header_hmac=SHOPIFY_VECTOR, secret="hush")


@given(body=st.binary(max_size=500), secret=st.text(min_size=1, max_size=40))
def test_shopify_accepts_its_own_hmac_and_rejects_a_tampered_body(body, secret):
    header = b64_hmac(secret, body)
    assert verify_shopify_webhook(raw_body=body, header_hmac=header, secret=secret)
    assert not verify_shopify_webhook(raw_body=body + b" ", header_hmac=header, secret=secret)
    assert not verify_shopify_webhook(raw_body=body, header_hmac=header, secret=secret + "x")


@pytest.mark.parametrize(
    ("header", "secret"),
    [
        (SHOPIFY_VECTOR, "hush!"),  # wrong secret
        ("", "hush"),  # header missing
        (SHOPIFY_VECTOR, ""),  # no secret configured must never mean "anything goes"
        ("not base64 at all!", "hush"),
        ("jyrcFx5F8WWZVbHM6sFJf7JdcVVUNXl4Y2+RJK+3Ogg", "hush"),  # padding cut off
        ("ünïcode", "hush"),
        (hmac.new(b"hush", BODY, hashlib.sha256).hexdigest(), "hush"),  # hex, not base64
    ],
)
def test_shopify_rejects(header, secret):
    assert not verify_shopify_webhook(raw_body=BODY, header_hmac=header, secret=secret)


def test_shopify_rejects_a_tampered_body():
    tampered = BODY.replace(b"1}", b"2}")
    assert not verify_shopify_webhook(raw_body=tampered, header_hmac=SHOPIFY_VECTOR, secret="hush")


# --- Square ---------------------------------------------------------------------------------


def square(
    body: bytes = BODY, url: str = SQUARE_URL, signature: str = SQUARE_VECTOR, key="sq0sig-key"
):
    return verify_square_webhook(
        raw_body=body, notification_url=url, header_signature=signature, signature_key=key
    )


def test_square_known_vector():
    assert b64_hmac("sq0sig-key", SQUARE_URL.encode() + BODY) == SQUARE_VECTOR
    assert square()


def test_square_rejects_tampering():
    assert not square(body=BODY + b"\n")
    assert not square(url=SQUARE_URL + "/")  # the URL is signed: it must match exactly
    assert not square(key="sq0sig-other")
    assert not square(signature=b64_hmac("sq0sig-key", BODY))  # URL left out
    assert not square(signature=b64_hmac("sq0sig-key", BODY + SQUARE_URL.encode()))  # wrong order
    assert not square(signature="")
    assert not square(key="")
    assert not square(url="")


# --- our push API ---------------------------------------------------------------------------


def test_sign_push_known_vector():
    message = f"{PUSH_TIMESTAMP}.".encode() + BODY
    expected = hmac.new(b"push-secret", message, hashlib.sha256).hexdigest()
    assert expected == PUSH_VECTOR
    assert sign_push(raw_body=BODY, secret="push-secret", timestamp=PUSH_TIMESTAMP) == PUSH_VECTOR


def push(**overrides) -> bool:
    arguments = {
        "raw_body": BODY,
        "secret": "push-secret",
        "timestamp": PUSH_TIMESTAMP,
        "signature": PUSH_VECTOR,
        "now": PUSH_TIMESTAMP + 10,
    } | overrides
    return verify_push(**arguments)


def test_verify_push_accepts_a_fresh_signature():
    assert push()
    assert push(signature=PUSH_VECTOR.upper())  # hex digits in either case


@pytest.mark.parametrize(
    "overrides",
    [
        {"raw_body": BODY + b" "},
        {"secret": "push-secret2"},
        {"secret": ""},
        {"timestamp": PUSH_TIMESTAMP + 1},  # the timestamp is part of what is signed
        {"signature": ""},
        {"signature": PUSH_VECTOR[:-1]},
        {"signature": "zz" + PUSH_VECTOR[2:]},
        {"signature": "é" + PUSH_VECTOR[1:]},
    ],
)
def test_verify_push_rejects_tampering(overrides):
    assert not push(**overrides)


def test_verify_push_rejects_stale_and_future_timestamps():
    assert push(now=PUSH_TIMESTAMP + 300)
    assert not push(now=PUSH_TIMESTAMP + 301)
    assert push(now=PUSH_TIMESTAMP - 300)
    assert not push(now=PUSH_TIMESTAMP - 301)
    assert push(now=PUSH_TIMESTAMP + 3000, tolerance_seconds=3600)


def test_sign_push_needs_a_secret():
    with pytest.raises(ValueError, match="secret"):
        sign_push(raw_body=BODY, secret="", timestamp=PUSH_TIMESTAMP)
