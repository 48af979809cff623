"""Saving a polled POS connection's settings polls it once, right after the commit, so the
POS's item ids are known (and its webhooks matched) before the next beat."""

import pytest
from oscar.core.loading import get_model

from inventory_sync.event_models import PosItem
from inventory_sync.models import PosKind, SyncKind, SyncLog, SyncOutcome
from tests.factories import ShopFactory, make_offer, make_owner

from .fake_pos import RunningPos
from .pos_helpers import connect

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def pos():
    with RunningPos() as running:
        yield running


def save_settings(client, shop, **fields):
    client.force_login(make_owner(shop))
    form = {"action": "settings", "access_token": "", "signing_secret": "", **fields}
    return client.post("/shop/stock/connection/", form)


@pytest.mark.django_db
def test_saving_shopify_settings_polls_once_after_commit(
    client, pos, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    record = make_offer(shop, on_hand=1)
    pos.shopify_products = [
        {
            "id": 1,
            "title": "Boek",
            "variants": [
                {
                    "id": 11,
                    "title": "Default Title",
                    "sku": record.partner_sku,
                    "barcode": "",
                    "price": "12.50",
                    "inventory_item_id": 101,
                }
            ],
        }
    ]
    pos.shopify_levels = [
        {
            "inventory_item_id": 101,
            "location_id": 9,
            "available": 8,
            "updated_at": "2026-11-23T10:00:00+01:00",
        }
    ]
    connection = connect(shop, PosKind.SHOPIFY, base_url="http://127.0.0.1:9", location_id="9")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        save_settings(client, shop, base_url=pos.url, location_id="9")
    assert pos.requests == []  # nothing is asked of the POS before the settings are committed
    assert len(queued) == 1

    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()  # the commit: the poll task is sent (Celery is eager in tests) and runs

    item = PosItem.objects.get(connection=connection, external_id="101")
    assert item.stockrecord_id == record.pk
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 8
    log = SyncLog.objects.get(shop=shop)
    assert (log.kind, log.outcome, log.rows_applied) == (SyncKind.POLL, SyncOutcome.APPLIED, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [PosKind.SQUARE, PosKind.LIGHTSPEED])
def test_saving_square_or_lightspeed_settings_queues_one_poll(
    client, kind, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    connect(shop, kind, base_url="http://127.0.0.1:9")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        save_settings(client, shop, location_id="L2")

    assert len(queued) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [PosKind.FILE, PosKind.PUSH])
def test_kinds_that_are_not_polled_queue_nothing(client, kind, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    connect(shop, kind)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        save_settings(client, shop, location_id="L2")

    assert queued == []


@pytest.mark.django_db
def test_invalid_settings_queue_no_poll(client, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    connect(shop, PosKind.SHOPIFY, base_url="http://127.0.0.1:9")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        save_settings(client, shop, base_url="not a url")

    assert queued == []
