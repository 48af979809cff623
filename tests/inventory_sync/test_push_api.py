"""POST /api/pos/stock/: token auth, validation first, compare values, idempotent replay."""

import pytest
from oscar.core.loading import get_model

from inventory_sync.connections import connection_of, rotate_push_token
from inventory_sync.models import PushRequest, SyncLog, SyncOutcome
from tests.factories import ShopFactory, make_offer

StockRecord = get_model("partner", "StockRecord")
URL = "/api/pos/stock/"


@pytest.fixture
def world():
    shop = ShopFactory()
    token = rotate_push_token(connection_of(shop))
    return shop, token, make_offer(shop, on_hand=10), make_offer(shop, on_hand=3)


def push(client, token, body):
    return client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def counts(*records):
    return [StockRecord.objects.get(pk=r.pk).num_in_stock for r in records]


@pytest.mark.django_db
def test_a_push_sets_absolute_quantities_and_logs_it(client, world):
    shop, token, a, b = world
    StockRecord.objects.filter(pk=a.pk).update(num_allocated=2)
    body = {
        "idempotency_key": "k1",
        "items": [
            {"sku": a.partner_sku, "quantity": 12, "expected": 10},
            {"sku": b.partner_sku, "quantity": 3},
        ],
    }
    response = push(client, token, body)
    assert response.status_code == 200
    log = SyncLog.objects.get(shop=shop)
    assert response.json() == {"applied": 1, "unchanged": 1, "sync_log": log.pk}
    assert counts(a, b) == [12, 3]
    assert StockRecord.objects.get(pk=a.pk).num_allocated == 2  # reservations untouched
    assert connection_of(shop).last_event_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["", "Bearer wrong", "Bearer", "Token abc", "Bearer a b"])
def test_without_the_right_token_nothing_happens(client, world, header):
    _shop, _token, a, _b = world
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    body = {"idempotency_key": "k", "items": [{"sku": a.partner_sku, "quantity": 1}]}
    response = client.post(URL, body, content_type="application/json", **extra)
    assert response.status_code in (401, 403)
    assert counts(a) == [10]


@pytest.mark.django_db
def test_another_shops_token_cannot_touch_this_shops_skus(client, world):
    _shop, _token, a, _b = world
    other_token = rotate_push_token(connection_of(ShopFactory()))
    body = {"idempotency_key": "k", "items": [{"sku": a.partner_sku, "quantity": 1}]}
    response = push(client, other_token, body)
    assert response.status_code == 400
    assert response.json() == {"items": {"0": {"sku": ["No product of this shop has this SKU."]}}}
    assert counts(a) == [10]


@pytest.mark.django_db
def test_bad_items_are_a_400_with_per_item_errors_and_nothing_applied(client, world):
    _shop, token, a, b = world
    body = {
        "idempotency_key": "k",
        "items": [{"sku": a.partner_sku, "quantity": 1}, {"sku": b.partner_sku, "quantity": -1}],
    }
    response = push(client, token, body)
    assert response.status_code == 400
    assert list(response.json()["items"]) == ["1"]
    assert list(response.json()["items"]["1"]) == ["quantity"]
    assert counts(a, b) == [10, 3]
    assert not PushRequest.objects.exists()  # a rejected request does not burn its key
    unknown = {
        "idempotency_key": "k",
        "items": [{"sku": a.partner_sku, "quantity": 1}, {"sku": "NOPE", "quantity": 1}],
    }
    response = push(client, token, unknown)
    assert response.status_code == 400
    assert response.json() == {"items": {"1": {"sku": ["No product of this shop has this SKU."]}}}
    assert counts(a) == [10]


@pytest.mark.django_db
def test_a_compare_value_mismatch_applies_nothing_and_lists_the_conflict(client, world):
    shop, token, a, b = world
    body = {
        "idempotency_key": "k",
        "items": [
            {"sku": a.partner_sku, "quantity": 5},
            {"sku": b.partner_sku, "quantity": 9, "expected": 4},
        ],
    }
    response = push(client, token, body)
    assert response.status_code == 409
    assert response.json()["conflicts"] == [{"sku": b.partner_sku, "expected": 4, "on_hand": 3}]
    assert counts(a, b) == [10, 3]
    assert SyncLog.objects.get(shop=shop).outcome == SyncOutcome.CONFLICT


@pytest.mark.django_db
def test_a_replay_returns_the_same_answer_without_applying_again(client, world):
    shop, token, a, _b = world
    body = {"idempotency_key": "same", "items": [{"sku": a.partner_sku, "quantity": 4}]}
    first = push(client, token, body)
    StockRecord.objects.filter(pk=a.pk).update(num_in_stock=7)  # the shop sold some meanwhile
    second = push(client, token, body)
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert counts(a) == [7]
    assert SyncLog.objects.filter(shop=shop).count() == 1
    changed = {"idempotency_key": "same", "items": [{"sku": a.partner_sku, "quantity": 5}]}
    assert push(client, token, changed).status_code == 422
    assert counts(a) == [7]


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_push_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/pos/stock/"]["post"]
    assert operation["operationId"] == "pos_push_stock"
    assert {"200", "400", "401", "409", "422"} <= set(operation["responses"])
    assert schema["components"]["securitySchemes"]["posPushToken"]["scheme"] == "bearer"
