"""POS webhooks: verified on the raw body, stored raw, deduplicated, stale ones ignored, and
applied in micro-batches across shops by SKU, then EAN."""

import pytest
from django.core.cache import cache
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from inventory_sync.event_apply import apply_pending_events
from inventory_sync.event_models import EventStatus, PosItem, StockEventMark, WebhookEvent
from inventory_sync.models import PosKind, SyncLog
from inventory_sync.tasks import apply_webhook_events
from inventory_sync.webhooks import APPLY_SCHEDULED_KEY
from tests.factories import ShopFactory, make_offer

from .pos_helpers import connect, post, shopify_delivery, square_delivery

StockRecord = get_model("partner", "StockRecord")


def on_hand(record) -> int:
    return StockRecord.objects.get(pk=record.pk).num_in_stock


def link(connection, external_id, record):
    return PosItem.objects.create(
        connection=connection, external_id=external_id, sku=record.partner_sku, stockrecord=record
    )


@pytest.fixture
def shopify():
    shop = ShopFactory()
    connection = connect(shop, PosKind.SHOPIFY, location_id="1")
    record = make_offer(shop, on_hand=10)
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=2)
    link(connection, "1001", record)
    cache.delete(APPLY_SCHEDULED_KEY)
    return connection, record


@pytest.mark.django_db
def test_a_shopify_webhook_is_stored_raw_then_applied_keeping_reservations(client, shopify):
    connection, record = shopify
    cache.set(APPLY_SCHEDULED_KEY, 1)  # a batch is already queued: the view only stores
    delivery = shopify_delivery(
        connection, item=1001, available=7, triggered_at="2026-11-23T10:00:00Z"
    )
    with CaptureQueriesContext(db) as queries:
        response = post(client, delivery)
    assert response.status_code == 200
    # One read of the connection, one insert: no product lookups while the POS waits.
    assert len(queries) == 2, [q["sql"] for q in queries]
    event = WebhookEvent.objects.get()
    assert bytes(event.body) == delivery[1]
    assert event.status == EventStatus.PENDING
    assert event.headers == {
        "topic": "inventory_levels/update",
        "triggered_at": "2026-11-23T10:00:00Z",
        "shop_domain": "winkel.myshopify.com",
    }
    assert on_hand(record) == 10

    assert apply_webhook_events() == 1

    event.refresh_from_db()
    assert event.status == EventStatus.APPLIED
    fresh = StockRecord.objects.get(pk=record.pk)
    assert (fresh.num_in_stock, fresh.num_allocated) == (7, 2)
    assert (
        StockEventMark.objects.get(pk=record.pk).last_event_at.isoformat()
        == "2026-11-23T10:00:00+00:00"
    )
    assert cache.get(APPLY_SCHEDULED_KEY) is None


@pytest.mark.django_db
def test_duplicate_and_stale_shopify_deliveries_change_nothing(
    client, shopify, django_capture_on_commit_callbacks
):
    connection, record = shopify
    first = shopify_delivery(
        connection, item=1001, available=7, triggered_at="2026-11-23T10:00:00Z", webhook_id="w-1"
    )
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert post(client, first).status_code == 200
    assert len(sent) == 1  # the batch task, dispatched on commit
    assert on_hand(record) == 7
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=6)  # a sale at the counter
    assert post(client, first).status_code == 200  # Shopify retries the same webhook id
    older = shopify_delivery(
        connection, item=1001, available=9, triggered_at="2026-11-23T09:59:59Z"
    )
    assert post(client, older).status_code == 200
    apply_webhook_events()
    assert on_hand(record) == 6
    assert WebhookEvent.objects.filter(event_id="w-1").count() == 1
    statuses = sorted(WebhookEvent.objects.values_list("status", flat=True))
    assert statuses == [EventStatus.APPLIED, EventStatus.STALE]


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["body", "signature", "secret", "url"])
def test_a_webhook_that_is_not_signed_right_is_refused_and_not_stored(client, shopify, tamper):
    connection, record = shopify
    path, body, headers = shopify_delivery(
        connection, item=1001, available=1, triggered_at="2026-11-23T10:00:00Z"
    )
    if tamper == "body":
        body = body.replace(b'"available": 1', b'"available": 0')
    elif tamper == "signature":
        headers["HTTP_X_SHOPIFY_HMAC_SHA256"] = "bm90IGEgc2lnbmF0dXJl"
    elif tamper == "secret":
        connection.signing_secret = "another-secret"
        connection.save()
    else:
        path = path.replace(connection.webhook_key, "0" * 32)
    response = client.post(path, body, content_type="application/json", **headers)
    assert response.status_code == (404 if tamper == "url" else 401)
    assert not WebhookEvent.objects.exists()
    assert on_hand(record) == 10


@pytest.mark.django_db
def test_square_signature_covers_the_notification_url_dedup_on_event_id_and_stale_counts(client):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SQUARE, location_id="L1")
    record = make_offer(shop, on_hand=10)
    link(connection, "VAR-1", record)
    delivery = square_delivery(
        connection,
        variation="VAR-1",
        quantity=4,
        calculated_at="2026-11-23T10:00:00.102Z",
        event_id="e-1",
    )
    assert post(client, delivery).status_code == 200
    assert post(client, delivery).status_code == 200
    apply_webhook_events()
    assert on_hand(record) == 4
    stale = square_delivery(
        connection, variation="VAR-1", quantity=8, calculated_at="2026-11-23T09:00:00Z"
    )
    assert post(client, stale).status_code == 200
    apply_webhook_events()
    assert on_hand(record) == 4
    path, body, headers = square_delivery(
        connection, variation="VAR-1", quantity=1, calculated_at="2026-11-23T11:00:00Z"
    )
    # Signed over the body alone, without the URL: not Square's signature.
    from .pos_helpers import SECRET, sign

    headers["HTTP_X_SQUARE_HMACSHA256_SIGNATURE"] = sign(SECRET, body)
    assert client.post(path, body, content_type="application/json", **headers).status_code == 401
    assert on_hand(record) == 4
    assert WebhookEvent.objects.filter(event_id="e-1").count() == 1
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_webhook_of_another_kind_url_or_shop_cannot_write(client, shopify):
    connection, record = shopify
    other = connect(ShopFactory(), PosKind.SHOPIFY, location_id="1")
    # The other shop's URL and secret, naming this shop's POS item id: not linked there.
    delivery = shopify_delivery(other, item=1001, available=0, triggered_at="2026-11-23T10:00:00Z")
    assert post(client, delivery).status_code == 200
    apply_webhook_events()
    assert on_hand(record) == 10
    assert WebhookEvent.objects.get().status == EventStatus.UNMATCHED
    square_path = delivery[0].replace("/shopify/", "/square/")
    assert client.post(square_path, delivery[1], content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_unmatched_and_unreadable_events_are_kept_logged_and_retried_after_a_catalogue_sync(
    client, shopify
):
    connection, record = shopify
    delivery = shopify_delivery(
        connection, item=2002, available=3, triggered_at="2026-11-23T10:00:00Z"
    )
    post(client, delivery)
    path, _body, headers = shopify_delivery(
        connection, item=1001, available=3, triggered_at="2026-11-23T10:00:00Z"
    )
    from .pos_helpers import SECRET, sign

    bad = (
        b'{"inventory_item_id": 1001, "location_id": 1, "available": "lots",'
        b' "updated_at": "2026-11-23T10:00:00Z"}'
    )
    headers["HTTP_X_SHOPIFY_HMAC_SHA256"] = sign(SECRET, bad)
    post(client, (path, bad, headers))
    apply_webhook_events()
    events = dict(WebhookEvent.objects.values_list("status", "message"))
    assert set(events) == {EventStatus.UNMATCHED, EventStatus.INVALID}
    assert "not a number" in events[EventStatus.INVALID]
    log = SyncLog.objects.get(shop=connection.shop)
    assert (log.rows_total, log.rows_unmatched, log.rows_failed) == (2, 1, 1)
    other = make_offer(connection.shop, on_hand=1)
    from inventory_sync.connectors.values import ItemData
    from inventory_sync.pos_items import store_items

    store_items(connection=connection, items=[ItemData("2002", sku=other.partner_sku)])
    apply_webhook_events()
    assert on_hand(other) == 3
    assert WebhookEvent.objects.filter(status=EventStatus.APPLIED).count() == 1


@pytest.mark.django_db
def test_a_micro_batch_applies_many_shops_with_a_constant_number_of_queries(client):
    def burst(shops: int) -> tuple[int, list]:
        cache.set(APPLY_SCHEDULED_KEY, 1)
        records = []
        for index in range(shops):
            shop = ShopFactory()
            connection = connect(shop, PosKind.SHOPIFY, location_id="1")
            record = make_offer(shop, on_hand=50)
            link(connection, f"{index}", record)
            for minute in range(3):  # three events per shop: the newest wins
                post(
                    client,
                    shopify_delivery(
                        connection,
                        item=index,
                        available=40 + minute,
                        triggered_at=f"2026-11-23T10:0{minute}:00Z",
                    ),
                )
            records.append(record)
        with CaptureQueriesContext(db) as queries:
            assert apply_pending_events() == 3 * shops
        return len(queries), records

    small, _ = burst(2)
    large, records = burst(12)
    assert small == large
    assert [on_hand(r) for r in records] == [42] * 12
    assert WebhookEvent.objects.filter(status=EventStatus.STALE).count() == 2 * 14


@pytest.mark.django_db
def test_events_match_by_sku_then_ean():
    from inventory_sync.connectors.values import ItemData
    from inventory_sync.pos_items import store_items
    from tests.factories import ShopFactory as Shops

    shop = Shops()
    connection = connect(shop, PosKind.SQUARE, location_id="L1")
    by_sku = make_offer(shop)
    by_ean = make_offer(shop)
    by_ean.product.upc = "8712345678906"
    by_ean.product.save()
    unmatched = store_items(
        connection=connection,
        items=[
            ItemData("A", sku=by_sku.partner_sku, ean="8712345678906"),  # SKU wins over EAN
            ItemData("B", sku="unknown", ean="08712345678906"),  # GTIN-14 form of the EAN
            ItemData("C", sku="nothing", ean=""),
        ],
    )
    links = dict(PosItem.objects.values_list("external_id", "stockrecord_id"))
    assert links == {"A": by_sku.pk, "B": by_ean.pk, "C": None}
    assert unmatched == 1
