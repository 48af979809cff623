"""Connections to shops' POS systems and our own push API."""

from .signatures import sign_push, verify_push, verify_shopify_webhook, verify_square_webhook

__all__ = [
    "connector_for",
    "sign_push",
    "verify_push",
    "verify_shopify_webhook",
    "verify_square_webhook",
]


def connector_for(connection):
    """The connector of a polled POS, or None for kinds we do not call (file, push)."""
    from .lightspeed import LightspeedConnector
    from .shopify import ShopifyConnector
    from .square import SquareConnector

    kinds = {
        "shopify": ShopifyConnector,
        "square": SquareConnector,
        "lightspeed": LightspeedConnector,
    }
    kind = kinds.get(connection.kind)
    return kind(connection) if kind else None
