"""Signed webhook bodies in each vendor's shape, and connections pointed at the fake POS."""

import base64
import hashlib
import hmac
import json
import uuid
from urllib.parse import urlparse

from inventory_sync.connections import connection_of, webhook_url
from inventory_sync.models import PosKind

SECRET = "whsec-test-0123456789abcdef"


def sign(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def connect(shop, kind, *, base_url="", **settings):
    connection = connection_of(shop)
    connection.kind = kind
    connection.signing_secret = SECRET
    connection.settings = {"base_url": base_url, **settings}
    connection.secrets = {"access_token": "pos-token"}
    connection.save()
    return connection


def shopify_delivery(connection, *, item, available, triggered_at, webhook_id=None, location=1):
    body = json.dumps(
        {
            "inventory_item_id": item,
            "location_id": location,
            "available": available,
            "updated_at": triggered_at,
            "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location}?inventory_item_id={item}",
        }
    ).encode()
    headers = {
        "HTTP_X_SHOPIFY_HMAC_SHA256": sign(SECRET, body),
        "HTTP_X_SHOPIFY_TOPIC": "inventory_levels/update",
        "HTTP_X_SHOPIFY_WEBHOOK_ID": webhook_id or str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_TRIGGERED_AT": triggered_at,
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": "winkel.myshopify.com",
    }
    return urlparse(webhook_url(connection)).path, body, headers


def square_delivery(
    connection, *, variation, quantity, calculated_at, event_id=None, location="L1"
):
    body = json.dumps(
        {
            "merchant_id": "M1",
            "type": "inventory.count.updated",
            "event_id": event_id or str(uuid.uuid4()),
            "created_at": calculated_at,
            "data": {
                "type": "inventory_counts",
                "id": str(uuid.uuid4()),
                "object": {
                    "inventory_counts": [
                        {
                            "catalog_object_id": variation,
                            "catalog_object_type": "ITEM_VARIATION",
                            "state": "IN_STOCK",
                            "location_id": location,
                            "quantity": str(quantity),
                            "calculated_at": calculated_at,
                        }
                    ]
                },
            },
        }
    ).encode()
    url = webhook_url(connection)
    headers = {"HTTP_X_SQUARE_HMACSHA256_SIGNATURE": sign(SECRET, url.encode() + body)}
    return urlparse(url).path, body, headers


def post(client, delivery):
    path, body, headers = delivery
    return client.post(path, body, content_type="application/json", **headers)


__all__ = ["PosKind", "connect", "post", "shopify_delivery", "sign", "square_delivery"]
