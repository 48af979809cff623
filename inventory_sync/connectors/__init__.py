"""Connections to shops' POS systems and our own push API."""

from .signatures import sign_push, verify_push, verify_shopify_webhook, verify_square_webhook

__all__ = ["sign_push", "verify_push", "verify_shopify_webhook", "verify_square_webhook"]
