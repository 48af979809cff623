"""Square and Lightspeed as their current documented APIs are, against the fake POS:
the versions we send, paging by cursor, rate limits with the vendors' own headers, the
idempotency key that books a resent adjustment once, and the vendors' error shapes.
(docs/stock-feeds.md, "POS APIs", says which versions and where they are documented.)"""

import base64
import hashlib
import hmac
import logging
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.connections import webhook_url
from inventory_sync.connectors import connector_for
from inventory_sync.connectors import lightspeed as lightspeed_module
from inventory_sync.connectors.http import PosRefused
from inventory_sync.event_models import (
    PosItem,
    SaleWriteBack,
    WebhookEvent,
    WriteBackStatus,
)
from inventory_sync.models import ConnectionStatus, PosKind, Reservation, SyncOutcome
from inventory_sync.polling import poll_connection
from inventory_sync.write_back import idempotency_key, send_write_back
from tests.factories import ShopFactory, make_offer

from .fake_pos import RunningPos, http_date
from .pos_helpers import SECRET, connect, square_delivery

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def pos():
    with RunningPos() as running:
        yield running


def on_hand(record):
    return StockRecord.objects.get(pk=record.pk).num_in_stock


def square_count(variation, quantity, location="L1"):
    return {
        "catalog_object_id": variation,
        "catalog_object_type": "ITEM_VARIATION",
        "state": "IN_STOCK",
        "location_id": location,
        "quantity": str(quantity),
        "calculated_at": "2026-11-23T09:00:00.000Z",
    }


def square_variation(variation, sku):
    return {"type": "ITEM_VARIATION", "id": variation, "item_variation_data": {"sku": sku}}


# --- Square ---


@pytest.mark.django_db
def test_square_sends_its_version_and_an_older_one_is_refused(pos, caplog):
    shop = ShopFactory()
    offer = make_offer(shop, on_hand=1)
    pos.square_objects = [square_variation("V1", offer.partner_sku)]
    pos.square_counts = [square_count("V1", 6)]
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")

    assert poll_connection(connection_id=connection.pk).outcome == SyncOutcome.APPLIED
    assert {h["Square-Version"] for h in pos.headers_seen} == {"2026-07-15"}
    assert on_hand(offer) == 6

    # A connection pinned to the version we used to send is refused, in Square's error shape;
    # our log names the code, the shop reads a plain sentence, and no stock changes.
    connection.settings = {**connection.settings, "api_version": "2024-01-18"}
    connection.save()
    pos.square_counts = [square_count("V1", 2)]
    later = timezone.now() + timedelta(hours=2)
    with caplog.at_level(logging.WARNING, logger="inventory_sync.connections"):
        log = poll_connection(connection_id=connection.pk, now=later)
    assert log.outcome == SyncOutcome.FAILED
    assert "INVALID_VALUE" in caplog.text and "INVALID_VALUE" not in log.message
    assert pos.headers_seen[-1]["Square-Version"] == "2024-01-18"
    assert on_hand(offer) == 6


@pytest.mark.django_db
def test_square_counts_are_read_in_cursor_pages_of_the_location_in_stock(pos):
    shop = ShopFactory()
    offers = [make_offer(shop, on_hand=0) for _ in range(3)]
    pos.square_objects = [square_variation(f"V{i}", o.partner_sku) for i, o in enumerate(offers)]
    pos.square_counts = [square_count(f"V{i}", 10 + i) for i in range(3)] + [
        square_count("V0", 99, location="L2"),
        {**square_count("V1", 5), "state": "WASTE"},
    ]
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")

    poll_connection(connection_id=connection.pk)

    assert [on_hand(o) for o in offers] == [10, 11, 12]
    bodies = [b for m, p, _q, b in pos.requests if p == "/v2/inventory/counts/batch-retrieve"]
    assert [b.get("cursor") for b in bodies] == [None, "2"]  # the fake pages by two
    assert all(
        (b["location_ids"], b["states"], b["limit"]) == (["L1"], ["IN_STOCK"], 1000) for b in bodies
    )


def reserve_and_consume(shop, connection, quantity=2):
    record = make_offer(shop, on_hand=10)
    PosItem.objects.create(connection=connection, external_id="V1", stockrecord=record)
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=quantity)
    reservation = Reservation.objects.create(stockrecord=record, quantity=quantity)
    return SaleWriteBack.objects.create(
        shop=shop, reservation=reservation, stockrecord=record, quantity=quantity
    )


@pytest.mark.django_db
def test_a_square_sale_whose_answer_was_lost_is_booked_once_when_resent(pos):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")
    pos.square_counts = [square_count("V1", 10)]
    write_back = reserve_and_consume(shop, connection)
    # The first send reached Square, which booked it, but its answer never came back.
    connector_for(connection).adjust(
        external_id="V1",
        delta=-2,
        idempotency_key=idempotency_key(write_back),
        occurred_at=write_back.created_at,
    )
    assert pos.square_counts[0]["quantity"] == "8"

    # The retry sends the same body under the same key: Square answers as before, books nothing.
    assert send_write_back(write_back_id=write_back.pk) == WriteBackStatus.SENT
    assert pos.adjustments == [("square", "V1", -2)]
    assert pos.square_counts[0]["quantity"] == "8"

    # The key belongs to that body: another time under it is refused, as Square does.
    with pytest.raises(PosRefused) as refused:
        connector_for(connection).adjust(
            external_id="V1",
            delta=-2,
            idempotency_key=idempotency_key(write_back),
            occurred_at=write_back.created_at + timedelta(seconds=1),
        )
    assert "IDEMPOTENCY_KEY_REUSED" in refused.value.detail
    assert pos.adjustments == [("square", "V1", -2)]


@pytest.mark.django_db
def test_the_fake_square_refuses_a_write_without_a_key_or_with_the_retired_location(pos):
    headers = {"Authorization": f"Bearer {pos.token}", "Square-Version": "2026-07-15"}
    adjustment = {
        "catalog_object_id": "V1",
        "from_location_id": "L1",
        "to_location_id": "L1",
        "from_state": "IN_STOCK",
        "to_state": "SOLD",
        "quantity": "1",
        "occurred_at": "2026-12-01T10:00:00+00:00",
    }
    url = f"{pos.url}/v2/inventory/changes/batch-create"

    def post(body):
        return requests.post(url, json=body, headers=headers, timeout=5)

    no_key = post({"changes": [{"type": "ADJUSTMENT", "adjustment": adjustment}]})
    assert no_key.status_code == 400
    assert no_key.json()["errors"][0] | {"detail": ""} == {
        "category": "INVALID_REQUEST_ERROR",
        "code": "MISSING_REQUIRED_PARAMETER",
        "field": "idempotency_key",
        "detail": "",
    }
    old_shape = {**adjustment, "location_id": "L1"}
    retired = post({"idempotency_key": "k1", "changes": [{"adjustment": old_shape}]})
    assert (retired.status_code, retired.json()["errors"][0]["field"]) == (
        400,
        "adjustment.location_id",
    )
    assert pos.adjustments == []


@pytest.mark.django_db
def test_a_square_batch_answered_200_with_errors_is_not_taken_as_booked(pos):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")
    write_back = reserve_and_consume(shop, connection)
    pos.square_batch_errors = [
        {"category": "INVALID_REQUEST_ERROR", "code": "NOT_FOUND", "field": "catalog_object_id"}
    ]

    assert send_write_back(write_back_id=write_back.pk) == WriteBackStatus.FAILED
    write_back.refresh_from_db()
    assert write_back.last_error and "NOT_FOUND" not in write_back.last_error
    assert pos.adjustments == []


@pytest.mark.django_db
def test_square_rate_limited_backs_off_exponentially(pos, caplog):
    shop = ShopFactory()
    offer = make_offer(shop, on_hand=1)
    pos.square_objects = [square_variation("V1", offer.partner_sku)]
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")
    pos.failures = [(429, None), (429, None)]  # Square sends no Retry-After: back off ourselves
    start = timezone.now()

    with caplog.at_level(logging.WARNING, logger="inventory_sync.connections"):
        poll_connection(connection_id=connection.pk, now=start)
        connection.refresh_from_db()
        first = connection.backoff_until - start
        later = connection.backoff_until + timedelta(seconds=1)
        poll_connection(connection_id=connection.pk, now=later)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.FAILING
    assert first == timedelta(seconds=30)
    assert connection.backoff_until - later == timedelta(seconds=60)
    assert "RATE_LIMITED" in caplog.text


@pytest.mark.django_db
def test_square_webhook_with_only_the_legacy_sha1_signature_is_refused(client):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SQUARE, location_id="L1")
    path, body, headers = square_delivery(
        connection, variation="V1", quantity=3, calculated_at="2026-11-23T10:00:00Z"
    )
    sha1 = hmac.new(SECRET.encode(), webhook_url(connection).encode() + body, hashlib.sha1)
    legacy = {"HTTP_X_SQUARE_SIGNATURE": base64.b64encode(sha1.digest()).decode()}
    refused = client.post(path, body, content_type="application/json", **legacy)
    assert refused.status_code == 401
    accepted = client.post(path, body, content_type="application/json", **headers)
    assert accepted.status_code == 200
    assert WebhookEvent.objects.filter(connection=connection).count() == 1


# --- Lightspeed X-Series ---


def x_product(pid, sku, version, **extra):
    return {"id": pid, "sku": sku, "name": sku, "version": version, **extra}


def x_inventory(pid, level, version, outlet="o-1", **extra):
    return {
        "id": f"i-{pid}-{outlet}",
        "product_id": pid,
        "outlet_id": outlet,
        "current_inventory_level": level,
        "version": version,
        **extra,
    }


@pytest.mark.django_db
def test_x_series_uses_its_date_version_and_pages_inventory_oldest_first(pos):
    shop = ShopFactory()
    a, b, gone = (make_offer(shop, on_hand=0) for _ in range(3))
    pos.x_products = [
        x_product("p-a", a.partner_sku, 10),
        x_product("p-b", b.partner_sku, 11),
        x_product("p-g", gone.partner_sku, 12),
    ]
    pos.x_inventory = [
        x_inventory("p-a", 4, 30),
        x_inventory("p-b", 6, 31),
        x_inventory("p-a", 50, 32, outlet="o-2"),
        x_inventory("p-g", 9, 33, deleted_at="2026-11-01T00:00:00+00:00"),
    ]
    connection = connect(shop, PosKind.LIGHTSPEED, base_url=pos.url, series="x", outlet_id="o-1")

    assert poll_connection(connection_id=connection.pk).outcome == SyncOutcome.APPLIED

    assert [on_hand(a), on_hand(b), on_hand(gone)] == [4, 6, 0]
    products = [q["after"] for m, p, q, _b in pos.requests if p == "/api/2026-07/products"]
    assert products == ["0", "11", "12"]  # `after` is the highest version of the last page
    inventory = [b for m, p, _q, b in pos.requests if p == "/api/2026-07/inventory"]
    assert [(b["after"], b["sort_direction"]) for b in inventory] == [
        (0, "asc"),
        (31, "asc"),
        (33, "asc"),
    ]


@pytest.mark.django_db
def test_x_series_429_with_an_http_date_retry_after_is_honoured(pos):
    shop = ShopFactory()
    connection = connect(shop, PosKind.LIGHTSPEED, base_url=pos.url, series="x", outlet_id="o-1")
    pos.failures = [
        (429, None, {"Retry-After": http_date(600), "X-RateLimit-Limit": "350",
                     "X-RateLimit-Remaining": "0"}),
    ]  # fmt: skip
    start = timezone.now()

    assert poll_connection(connection_id=connection.pk, now=start).outcome == SyncOutcome.FAILED

    connection.refresh_from_db()
    assert timedelta(seconds=590) < connection.backoff_until - start <= timedelta(seconds=601)


# --- Lightspeed R-Series ---


def r_item(item_id, sku, qoh):
    return {
        "itemID": str(item_id),
        "customSku": sku,
        "ItemShops": {"ItemShop": {"shopID": "1", "qoh": str(qoh)}},
    }


@pytest.fixture
def waits(pos, monkeypatch):
    """Pauses are recorded, and time passes for the fake's bucket instead of the clock."""
    seen = []

    def pause(seconds):
        seen.append(seconds)
        pos.drain(seconds)

    monkeypatch.setattr(lightspeed_module, "pause", pause)
    return seen


@pytest.mark.django_db
def test_r_series_waits_for_room_in_the_bucket_and_follows_the_cursor(pos, waits):
    shop = ShopFactory()
    offers = [make_offer(shop, on_hand=0) for _ in range(5)]
    pos.r_items = [r_item(i, o.partner_sku, i + 1) for i, o in enumerate(offers)]
    pos.r_bucket.update(used=58, size=60, drip=0.5)
    connection = connect(
        shop, PosKind.LIGHTSPEED, base_url=pos.url, series="r", account_id="7", shop_id="1"
    )

    assert poll_connection(connection_id=connection.pk).outcome == SyncOutcome.APPLIED

    assert [on_hand(o) for o in offers] == [1, 2, 3, 4, 5]
    # Page 1 left 59/60, room for one more; page 2 filled it: wait one unit at 0.5 a second.
    assert waits == [2.0]
    queries = [q for m, p, q, _b in pos.requests]
    assert len(queries) == 3  # three pages, and not one 429
    assert queries[0] == {"load_relations": '["ItemShops","Prices"]', "limit": "100"}
    assert all("after" in q and "offset" not in q for q in queries[1:])


@pytest.mark.django_db
def test_r_series_backs_off_when_the_bucket_would_take_too_long(pos, waits):
    shop = ShopFactory()
    pos.r_items = [r_item(i, f"S-{i}", 1) for i in range(4)]
    pos.r_bucket.update(used=59, size=60, drip=0.02)
    connection = connect(
        shop, PosKind.LIGHTSPEED, base_url=pos.url, series="r", account_id="7", shop_id="1"
    )
    start = timezone.now()

    log = poll_connection(connection_id=connection.pk, now=start)

    connection.refresh_from_db()
    assert log.outcome == SyncOutcome.FAILED and waits == []
    assert len(pos.requests) == 1  # it stopped before running into the limit
    assert connection.backoff_until - start >= timedelta(seconds=50)  # 1 unit at 0.02/s


@pytest.mark.django_db
def test_r_series_429_says_when_in_seconds(pos):
    shop = ShopFactory()
    pos.r_items = [r_item(1, "S-1", 1)]
    pos.r_bucket.update(used=60, size=60, drip=1)
    connection = connect(
        shop, PosKind.LIGHTSPEED, base_url=pos.url, series="r", account_id="7", shop_id="1"
    )
    start = timezone.now()

    assert poll_connection(connection_id=connection.pk, now=start).outcome == SyncOutcome.FAILED

    connection.refresh_from_db()
    assert connection.backoff_until - start == timedelta(seconds=30)  # Retry-After 2 < 30 s
    pos.r_bucket.update(used=60, size=60, drip=0.01)  # 101 s to make room for one request
    later = connection.backoff_until + timedelta(seconds=1)
    poll_connection(connection_id=connection.pk, now=later)
    connection.refresh_from_db()
    assert connection.backoff_until - later == timedelta(seconds=101)
