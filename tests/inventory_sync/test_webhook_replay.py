"""Webhook freshness comes from signed content only (issue 15, item 7).

A captured, correctly signed Shopify body replayed later with a new webhook id and a forged
X-Shopify-Triggered-At header (neither is covered by the signature) must not put its old count
back. Square signs its whole event (event id and times), so an older count is refused on its
own calculated_at whatever else comes with it.
"""

import pytest
from django.core.cache import cache
from oscar.core.loading import get_model

from inventory_sync.event_models import EventStatus, PosItem, WebhookEvent
from inventory_sync.models import PosKind
from inventory_sync.tasks import apply_webhook_events
from inventory_sync.webhooks import APPLY_SCHEDULED_KEY
from tests.factories import ShopFactory, make_offer

from .pos_helpers import connect, post, shopify_delivery, square_delivery

StockRecord = get_model("partner", "StockRecord")


def on_hand(record) -> int:
    return StockRecord.objects.get(pk=record.pk).num_in_stock


def linked(kind, external_id, **settings):
    shop = ShopFactory()
    connection = connect(shop, kind, **settings)
    record = make_offer(shop, on_hand=10)
    PosItem.objects.create(
        connection=connection, external_id=external_id, sku=record.partner_sku, stockrecord=record
    )
    cache.delete(APPLY_SCHEDULED_KEY)
    return connection, record


@pytest.mark.django_db
def test_a_replayed_shopify_body_with_a_new_id_and_forged_time_changes_nothing(client):
    connection, record = linked(PosKind.SHOPIFY, "1001", location_id="1")
    captured = shopify_delivery(
        connection, item=1001, available=9, triggered_at="2026-11-23T09:00:00Z", webhook_id="w-1"
    )
    assert post(client, captured).status_code == 200
    newer = shopify_delivery(
        connection, item=1001, available=2, triggered_at="2026-11-23T10:00:00Z", webhook_id="w-2"
    )
    assert post(client, newer).status_code == 200
    apply_webhook_events()
    assert on_hand(record) == 2

    # The attacker resends the captured body and signature with headers of their choosing.
    path, body, headers = captured
    headers = {
        **headers,
        "HTTP_X_SHOPIFY_WEBHOOK_ID": "w-replayed",
        "HTTP_X_SHOPIFY_TRIGGERED_AT": "2030-01-01T00:00:00Z",
    }
    assert post(client, (path, body, headers)).status_code == 200
    apply_webhook_events()

    assert on_hand(record) == 2
    assert WebhookEvent.objects.get(event_id="w-replayed").status == EventStatus.STALE


@pytest.mark.django_db
def test_a_shopify_body_without_its_own_time_is_not_applied(client):
    connection, record = linked(PosKind.SHOPIFY, "1001", location_id="1")
    path, body, headers = shopify_delivery(
        connection, item=1001, available=3, triggered_at="2026-11-23T09:00:00Z"
    )
    unsigned_time = body.replace(b'"updated_at": "2026-11-23T09:00:00Z", ', b"")
    from .pos_helpers import SECRET, sign

    headers = {**headers, "HTTP_X_SHOPIFY_HMAC_SHA256": sign(SECRET, unsigned_time)}
    assert post(client, (path, unsigned_time, headers)).status_code == 200
    apply_webhook_events()

    assert on_hand(record) == 10
    assert WebhookEvent.objects.get().status == EventStatus.INVALID


@pytest.mark.django_db
def test_an_older_square_count_is_refused_on_its_signed_time(client):
    connection, record = linked(PosKind.SQUARE, "VAR-1", location_id="L1")
    newer = square_delivery(
        connection, variation="VAR-1", quantity=2, calculated_at="2026-11-23T10:00:00Z"
    )
    older = square_delivery(
        connection, variation="VAR-1", quantity=9, calculated_at="2026-11-23T09:00:00Z"
    )
    assert post(client, newer).status_code == 200
    apply_webhook_events()
    assert post(client, older).status_code == 200
    apply_webhook_events()

    assert on_hand(record) == 2
    assert sorted(WebhookEvent.objects.values_list("status", flat=True)) == [
        EventStatus.APPLIED,
        EventStatus.STALE,
    ]
