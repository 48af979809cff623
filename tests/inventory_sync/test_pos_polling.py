"""Polls against a POS on 127.0.0.1 in each vendor's shapes: paging, matching, stale
guard, and back-off on 429 (Retry-After) and 5xx recorded on the connection."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.connectors.http import answered_error
from inventory_sync.event_models import PosItem
from inventory_sync.models import ConnectionStatus, PosConnection, PosKind, SyncOutcome
from inventory_sync.polling import connections_due, poll_connection
from tests.factories import ShopFactory, make_offer

from .fake_pos import RunningPos
from .pos_helpers import connect

StockRecord = get_model("partner", "StockRecord")


def on_hand(*records):
    return [StockRecord.objects.get(pk=r.pk).num_in_stock for r in records]


@pytest.fixture
def pos():
    with RunningPos() as running:
        yield running


@pytest.fixture
def shop_with_offers():
    shop = ShopFactory()
    a, b = make_offer(shop, on_hand=1), make_offer(shop, on_hand=1)
    b.product.upc = "8712345678906"
    b.product.save()
    StockRecord.objects.filter(pk=a.pk).update(num_allocated=1)
    return shop, a, b


@pytest.mark.django_db
def test_shopify_reconciliation_follows_cursor_pages_and_matches_by_sku_then_barcode(
    pos, shop_with_offers
):
    shop, a, b = shop_with_offers
    pos.shopify_products = [
        {
            "id": 1,
            "title": "Boek",
            "variants": [
                {
                    "id": 11,
                    "title": "Default Title",
                    "sku": a.partner_sku,
                    "barcode": "",
                    "price": "12.50",
                    "inventory_item_id": 101,
                }
            ],
        },
        {
            "id": 2,
            "title": "Kaas",
            "variants": [
                {
                    "id": 21,
                    "title": "Default Title",
                    "sku": "",
                    "barcode": "8712345678906",
                    "price": "5.00",
                    "inventory_item_id": 102,
                }
            ],
        },
        {
            "id": 3,
            "title": "Nieuw",
            "variants": [
                {
                    "id": 31,
                    "title": "Rood",
                    "sku": "NEW-1",
                    "barcode": "",
                    "price": "3.10",
                    "inventory_item_id": 103,
                }
            ],
        },
    ]
    pos.shopify_levels = [
        {
            "inventory_item_id": 101,
            "location_id": 9,
            "available": 8,
            "updated_at": "2026-11-23T10:00:00+01:00",
        },
        {
            "inventory_item_id": 102,
            "location_id": 9,
            "available": -2,
            "updated_at": "2026-11-23T10:00:00+01:00",
        },
        {
            "inventory_item_id": 103,
            "location_id": 9,
            "available": 4,
            "updated_at": "2026-11-23T10:00:00+01:00",
        },
        {
            "inventory_item_id": 101,
            "location_id": 77,
            "available": 500,
            "updated_at": "2026-11-23T10:00:00+01:00",
        },
    ]
    connection = connect(shop, PosKind.SHOPIFY, base_url=pos.url, location_id="9")

    log = poll_connection(connection_id=connection.pk)

    assert log.outcome == SyncOutcome.APPLIED
    assert on_hand(a, b) == [8, 0]  # a POS count below zero means nothing on the shelf
    assert StockRecord.objects.get(pk=a.pk).num_allocated == 1
    assert (log.rows_total, log.rows_applied, log.rows_unmatched) == (3, 2, 1)
    assert log.report["problems"][0]["value"] == "NEW-1"
    assert PosItem.objects.get(external_id="103").title == "Nieuw – Rood"
    # One GraphQL query (the REST Admin API is legacy), paged by cursor, at the location.
    calls = [
        (method, path.rsplit("/", 1)[-1], body["variables"]["after"], body["variables"]["location"])
        for method, path, _query, body in pos.requests
    ]
    assert calls == [
        ("POST", "graphql.json", None, "gid://shopify/Location/9"),
        ("POST", "graphql.json", "2", "gid://shopify/Location/9"),
    ]
    assert "productVariants" in pos.requests[0][3]["query"]
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.OK and connection.last_full_sync_at

    # Polling again changes nothing: the same change times are not newer than the marks.
    StockRecord.objects.filter(pk=a.pk).update(num_in_stock=3)  # a sale at the counter since
    assert poll_connection(connection_id=connection.pk).rows_applied == 0
    assert on_hand(a) == [3]


@pytest.mark.django_db
def test_square_poll_reads_counts_in_cursor_batches(pos, shop_with_offers):
    shop, a, b = shop_with_offers
    pos.square_objects = [
        {
            "type": "ITEM_VARIATION",
            "id": "V1",
            "item_variation_data": {
                "sku": a.partner_sku,
                "name": "Regular",
                "price_money": {"amount": 1295, "currency": "EUR"},
            },
        },
        {
            "type": "ITEM_VARIATION",
            "id": "V2",
            "item_variation_data": {"upc": "8712345678906", "name": "Groot"},
        },
        {"type": "ITEM_VARIATION", "id": "V3", "item_variation_data": {"sku": "X", "name": "Los"}},
    ]
    pos.square_counts = [
        {
            "catalog_object_id": "V1",
            "catalog_object_type": "ITEM_VARIATION",
            "state": "IN_STOCK",
            "location_id": "L1",
            "quantity": "6",
            "calculated_at": "2026-11-23T09:00:00.000Z",
        },
        {
            "catalog_object_id": "V2",
            "catalog_object_type": "ITEM_VARIATION",
            "state": "IN_STOCK",
            "location_id": "L1",
            "quantity": "2.0",
            "calculated_at": "2026-11-23T09:00:00.000Z",
        },
        {
            "catalog_object_id": "V1",
            "catalog_object_type": "ITEM_VARIATION",
            "state": "IN_STOCK",
            "location_id": "L2",
            "quantity": "99",
            "calculated_at": "2026-11-23T09:00:00.000Z",
        },
    ]
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")

    log = poll_connection(connection_id=connection.pk)

    assert on_hand(a, b) == [6, 2]
    assert log.rows_unmatched == 1
    posts = [(path, body) for method, path, _q, body in pos.requests if method == "POST"]
    assert [body.get("cursor") for _p, body in posts] == [None]  # two L1 counts: one page
    assert posts[0][1]["location_ids"] == ["L1"]
    catalog_pages = [q.get("cursor") for m, p, q, _b in pos.requests if p == "/v2/catalog/list"]
    assert catalog_pages == [None, "2"]
    assert str(PosItem.objects.get(external_id="V1").price) == "12.95"


@pytest.mark.django_db
@pytest.mark.parametrize("series", ["r", "x"])
def test_lightspeed_polling_in_both_shapes(pos, shop_with_offers, series):
    shop, a, b = shop_with_offers
    if series == "r":
        pos.r_items = [
            {
                "itemID": "1",
                "systemSku": "2100001",
                "customSku": a.partner_sku,
                "description": "Boek",
                "ItemShops": {
                    "ItemShop": [
                        {"shopID": "1", "qoh": "5", "timeStamp": "2026-11-23T10:00:00+00:00"},
                        {"shopID": "2", "qoh": "50"},
                    ]
                },
            },
            {
                "itemID": "2",
                "systemSku": "2100002",
                "customSku": "",
                "ean": "8712345678906",
                "description": "Kaas",
                "ItemShops": {
                    "ItemShop": {
                        "shopID": "1",
                        "qoh": "7",
                        "timeStamp": "2026-11-23T10:00:00+00:00",
                    }
                },
            },
            {
                "itemID": "3",
                "systemSku": "2100003",
                "description": "Los",
                "ItemShops": {"ItemShop": []},
            },
        ]
        settings = {"series": "r", "account_id": "123", "shop_id": "1"}
    else:
        pos.x_products = [
            {"id": "p-1", "sku": a.partner_sku, "name": "Boek", "version": 10},
            {
                "id": "p-2",
                "sku": "other",
                "name": "Kaas",
                "product_codes": [{"type": "EAN", "code": "8712345678906"}],
                "version": 11,
            },
            {"id": "p-3", "sku": "los", "name": "Los", "version": 12},
        ]
        pos.x_inventory = [
            {
                "id": "i-1",
                "product_id": "p-1",
                "outlet_id": "o-1",
                "current_inventory_level": 5,
                "version": 20,
            },
            {
                "id": "i-2",
                "product_id": "p-2",
                "outlet_id": "o-1",
                "current_inventory_level": 7,
                "version": 21,
            },
            {
                "id": "i-3",
                "product_id": "p-1",
                "outlet_id": "o-2",
                "current_inventory_level": 99,
                "version": 22,
            },
        ]
        settings = {"series": "x", "outlet_id": "o-1"}
    connection = connect(shop, PosKind.LIGHTSPEED, base_url=pos.url, **settings)

    log = poll_connection(connection_id=connection.pk)

    assert log.outcome == SyncOutcome.APPLIED
    assert on_hand(a, b) == [5, 7]
    assert log.rows_unmatched == 1
    if series == "r":
        assert all(method == "GET" for method, *_rest in pos.requests)
    else:  # X-Series 2026-07 asks for inventory with a POST carrying the filters
        assert {(m, p) for m, p, _q, _b in pos.requests} == {
            ("GET", "/api/2026-07/products"),
            ("POST", "/api/2026-07/inventory"),
        }


@pytest.mark.django_db
def test_429_and_500_back_off_exponentially_honour_retry_after_and_recover(pos, shop_with_offers):
    shop, a, _b = shop_with_offers
    pos.r_items = [
        {
            "itemID": "1",
            "customSku": a.partner_sku,
            "ItemShops": {"ItemShop": {"shopID": "1", "qoh": "4"}},
        }
    ]
    connection = connect(
        shop, PosKind.LIGHTSPEED, base_url=pos.url, series="r", account_id="1", shop_id="1"
    )
    start = timezone.now()
    pos.failures = [(429, 120)]

    log = poll_connection(connection_id=connection.pk, now=start)

    connection.refresh_from_db()
    # The shop reads a plain sentence of ours, not the POS's status or answer (issue 15).
    assert log.outcome == SyncOutcome.FAILED and "429" not in log.message
    assert connection.status == ConnectionStatus.FAILING and connection.failures == 1
    assert connection.backoff_until - start >= timedelta(seconds=120)  # Retry-After wins over 30 s
    assert connection.last_error == answered_error()
    assert on_hand(a) == [1]
    requests_before = len(pos.requests)
    assert poll_connection(connection_id=connection.pk, now=start + timedelta(seconds=60)) is None
    assert len(pos.requests) == requests_before  # backing off: the POS is left alone
    assert connection.pk not in connections_due(start + timedelta(seconds=60))

    pos.failures = [(503, None)]
    later = connection.backoff_until + timedelta(seconds=1)
    poll_connection(connection_id=connection.pk, now=later)
    connection.refresh_from_db()
    assert connection.failures == 2
    assert (
        timedelta(seconds=59) < connection.backoff_until - later < timedelta(seconds=65)
    )  # 30 s doubled

    poll_connection(
        connection_id=connection.pk, now=connection.backoff_until + timedelta(seconds=1)
    )
    connection.refresh_from_db()
    assert (connection.status, connection.failures, connection.backoff_until) == (
        ConnectionStatus.OK,
        0,
        None,
    )
    assert on_hand(a) == [4]


@pytest.mark.django_db
def test_beat_sends_each_due_connection_once():
    shop = ShopFactory()
    connection = connect(shop, PosKind.LIGHTSPEED, base_url="http://127.0.0.1:9", series="r")
    connect(ShopFactory(), PosKind.FILE)
    now = timezone.now()
    assert connections_due(now) == [connection.pk]
    assert connections_due(now) == []  # the next poll moved five minutes on
    assert PosConnection.objects.get(pk=connection.pk).next_poll_at == now + timedelta(minutes=5)
