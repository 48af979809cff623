"""Shopify on its GraphQL Admin API (issue 17), against the fake POS on 127.0.0.1: what the
queries and the adjustment send, a location where a variant is not stocked, throttling and
user errors."""

import pytest
from oscar.core.loading import get_model

from inventory_sync.connectors.http import PosRefused, PosUnavailable
from inventory_sync.connectors.shopify import ShopifyConnector
from inventory_sync.models import ConnectionStatus, PosConnection, PosKind, SyncOutcome
from inventory_sync.polling import poll_connection
from tests.factories import ShopFactory, make_offer

from .fake_pos import RunningPos
from .pos_helpers import connect

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def pos():
    with RunningPos() as running:
        yield running


def variant(item, sku, title="Default Title"):
    return {"title": title, "sku": sku, "barcode": "", "price": "4.50", "inventory_item_id": item}


@pytest.mark.django_db
def test_a_variant_not_stocked_at_the_shops_location_gives_no_count(pos):
    shop = ShopFactory()
    here, elsewhere = make_offer(shop, on_hand=1), make_offer(shop, on_hand=1)
    pos.shopify_products = [
        {"title": "Muts", "variants": [variant(201, here.partner_sku, "Rood")]},
        {"title": "Sjaal", "variants": [variant(202, elsewhere.partner_sku)]},
    ]
    pos.shopify_levels = [
        {"inventory_item_id": 201, "location_id": 9, "available": 6, "updated_at": None},
        {"inventory_item_id": 202, "location_id": 77, "available": 40, "updated_at": None},
    ]
    connection = connect(shop, PosKind.SHOPIFY, base_url=pos.url, location_id="9")
    items, levels = ShopifyConnector(connection).fetch()
    assert [(i.external_id, i.title) for i in items] == [("201", "Muts – Rood"), ("202", "Sjaal")]
    assert [(level.external_id, level.quantity) for level in levels] == [("201", 6)]
    request = pos.requests[0]
    assert request[0:2] == ("POST", "/admin/api/2026-10/graphql.json")
    assert request[3]["variables"] == {
        "first": 250,
        "after": None,
        "location": "gid://shopify/Location/9",
    }

    log = poll_connection(connection_id=connection.pk)
    assert log.outcome == SyncOutcome.APPLIED
    assert [StockRecord.objects.get(pk=r.pk).num_in_stock for r in (here, elsewhere)] == [6, 1]


@pytest.mark.django_db
def test_the_adjustment_names_item_location_and_our_write_back(pos):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SHOPIFY, base_url=pos.url, location_id="9")
    pos.shopify_levels = [{"inventory_item_id": 101, "location_id": 9, "available": 10}]
    ShopifyConnector(connection).adjust(external_id="101", delta=-3, idempotency_key="wb-7")
    assert pos.adjustments == [("shopify", 101, -3)] and pos.shopify_levels[0]["available"] == 7
    body = pos.requests[-1][3]
    assert "@idempotent(key: $key)" in body["query"] and body["variables"]["key"] == "wb-7"
    assert body["variables"]["input"] == {
        "reason": "correction",
        "name": "available",
        "referenceDocumentUri": "gid://stadsmarkt/WriteBack/wb-7",
        "changes": [
            {
                "delta": -3,
                "changeFromQuantity": None,
                "inventoryItemId": "gid://shopify/InventoryItem/101",
                "locationId": "gid://shopify/Location/9",
            }
        ],
    }
    # Sent again (a retry after a lost answer): the key books it once.
    ShopifyConnector(connection).adjust(external_id="101", delta=-3, idempotency_key="wb-7")
    assert pos.adjustments == [("shopify", 101, -3)] and pos.shopify_levels[0]["available"] == 7
    # An item Shopify does not stock there: a user error, refused, nothing booked.
    with pytest.raises(PosRefused):
        ShopifyConnector(connection).adjust(external_id="999", delta=-1, idempotency_key="wb-8")
    assert pos.adjustments == [("shopify", 101, -3)]


@pytest.mark.django_db
def test_a_throttled_query_backs_off_like_a_429_and_other_errors_are_refused(pos):
    shop = ShopFactory()
    record = make_offer(shop, on_hand=4)
    connection = connect(shop, PosKind.SHOPIFY, base_url=pos.url, location_id="9")
    pos.graphql_errors = [
        {"message": "Throttled", "extensions": {"code": "THROTTLED"}},
        {"message": "Field 'x' doesn't exist", "extensions": {"code": "undefinedField"}},
    ]
    with pytest.raises(PosUnavailable):
        ShopifyConnector(connection).fetch()
    with pytest.raises(PosRefused):
        ShopifyConnector(connection).fetch()

    pos.graphql_errors = [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]
    log = poll_connection(connection_id=connection.pk)
    assert log.outcome == SyncOutcome.FAILED
    connection = PosConnection.objects.get(pk=connection.pk)
    assert connection.status == ConnectionStatus.FAILING and connection.backoff_until
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 4
