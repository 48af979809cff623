"""Online sales written back to POS systems that take adjustments (and listed for the
others), the push API's event-time guard, "create product from this row", and the
connection page."""

import socket
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model

from inventory_sync.connections import rotate_push_token
from inventory_sync.event_models import PosItem, SaleWriteBack, WriteBackStatus
from inventory_sync.models import PosKind, Reservation, ReservationState, StockFeedUpload
from inventory_sync.services import close_reservations
from inventory_sync.write_back import RetryLater, send_write_back
from tests.factories import ShopFactory, make_offer, make_owner

from .fake_pos import RunningPos
from .pos_helpers import SECRET, connect

StockRecord = get_model("partner", "StockRecord")


def reserve(record, quantity=2):
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=quantity)
    return Reservation.objects.create(stockrecord=record, quantity=quantity)


@pytest.fixture
def pos():
    with RunningPos() as running:
        yield running


@pytest.mark.django_db
def test_a_consumed_sale_is_adjusted_in_shopify_once(pos, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SHOPIFY, base_url=pos.url, location_id="9")
    record = make_offer(shop, on_hand=10)
    PosItem.objects.create(connection=connection, external_id="101", stockrecord=record)
    pos.shopify_levels = [{"inventory_item_id": 101, "location_id": 9, "available": 10}]
    reservation = reserve(record)
    pos.failures = [(500, None)]
    with django_capture_on_commit_callbacks(execute=False) as sent:
        close_reservations(reservation_ids=[reservation.pk], state=ReservationState.CONSUMED)
    assert len(sent) == 1  # the write-back task, sent only once the consume commits
    write_back = SaleWriteBack.objects.get()
    with pytest.raises(RetryLater) as later:  # the task turns this into a Celery retry
        send_write_back(write_back_id=write_back.pk)
    assert later.value.seconds == 30
    assert send_write_back(write_back_id=write_back.pk) == WriteBackStatus.SENT
    write_back.refresh_from_db()
    assert (write_back.status, write_back.attempts, write_back.quantity) == (
        WriteBackStatus.SENT,
        2,
        2,
    )
    assert pos.adjustments == [("shopify", 101, -2)]
    assert pos.shopify_levels[0]["available"] == 8
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 8
    # Consuming again or re-sending changes nothing.
    close_reservations(reservation_ids=[reservation.pk], state=ReservationState.CONSUMED)
    assert send_write_back(write_back_id=write_back.pk) == WriteBackStatus.SENT
    assert pos.adjustments == [("shopify", 101, -2)] and SaleWriteBack.objects.count() == 1


@pytest.mark.django_db
def test_square_gets_an_adjustment_with_an_idempotency_key(pos, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SQUARE, base_url=pos.url, location_id="L1")
    record = make_offer(shop, on_hand=10)
    PosItem.objects.create(connection=connection, external_id="V1", stockrecord=record)
    reservation = reserve(record, 3)
    with django_capture_on_commit_callbacks(execute=True):
        close_reservations(reservation_ids=[reservation.pk], state=ReservationState.CONSUMED)
    write_back = SaleWriteBack.objects.get()
    body = next(b for m, p, q, b in pos.requests if p.endswith("batch-create"))
    assert body["idempotency_key"] == f"stadsmarkt-sale-{write_back.pk}"
    change = body["changes"][0]
    assert change["type"] == "ADJUSTMENT"
    # Square-Version 2026-07-15: the adjustment says where the units were before and after
    # (location_id is retired); the time is the sale's, so a resend is the same body.
    assert change["adjustment"] == {
        "reference_id": f"stadsmarkt-sale-{write_back.pk}", "catalog_object_id": "V1",
        "from_location_id": "L1", "to_location_id": "L1", "from_state": "IN_STOCK",
        "to_state": "SOLD", "quantity": "3", "occurred_at": write_back.created_at.isoformat(),
    }  # fmt: skip
    assert write_back.status == WriteBackStatus.SENT and pos.adjustments == [("square", "V1", -3)]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [PosKind.LIGHTSPEED, PosKind.FILE, PosKind.PUSH])
def test_other_pos_kinds_list_the_sale_to_book_by_hand(
    client, kind, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    connect(shop, kind)
    record = make_offer(shop, on_hand=10)
    reservation = reserve(record)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        close_reservations(reservation_ids=[reservation.pk], state=ReservationState.CONSUMED)
    assert sent == []
    write_back = SaleWriteBack.objects.get()
    assert write_back.status == WriteBackStatus.MANUAL
    client.force_login(make_owner(shop))
    page = client.get("/shop/stock/connection/")
    assert list(page.context["sales_to_book"]) == [write_back]
    intruder = ShopFactory()
    from tests.conftest import client_for

    other = client_for(make_owner(intruder))
    assert other.post(f"/shop/stock/connection/sales/{write_back.pk}/booked/").status_code == 404
    assert client.post(f"/shop/stock/connection/sales/{write_back.pk}/booked/").status_code == 302
    assert SaleWriteBack.objects.get().status == WriteBackStatus.BOOKED


@pytest.mark.django_db
def test_a_shop_without_a_pos_connection_books_nothing():
    record = make_offer(ShopFactory(), on_hand=10)
    close_reservations(reservation_ids=[reserve(record).pk], state=ReservationState.CONSUMED)
    assert not SaleWriteBack.objects.exists()


@pytest.mark.django_db
def test_a_late_push_with_an_older_event_time_changes_nothing(client):
    shop = ShopFactory()
    token = rotate_push_token(connect(shop, PosKind.PUSH))
    a = make_offer(shop, on_hand=10)

    def push(key, at, quantity):
        body = {
            "idempotency_key": key,
            "occurred_at": at,
            "items": [{"sku": a.partner_sku, "quantity": quantity}],
        }
        return client.post(
            "/api/pos/stock/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    assert push("k1", "2026-11-23T10:00:00+01:00", 7).json()["stale"] == []
    late = push("k0", "2026-11-23T09:59:00+01:00", 3)
    assert late.status_code == 200
    assert late.json() | {"sync_log": 0} == {
        "applied": 0,
        "unchanged": 1,
        "stale": [a.partner_sku],
        "sync_log": 0,
    }
    assert StockRecord.objects.get(pk=a.pk).num_in_stock == 7


@pytest.mark.django_db
def test_create_product_from_an_unmatched_row_attaches_to_an_existing_ean(client):
    shop, other_shop = ShopFactory(), ShopFactory()
    existing = make_offer(other_shop)
    existing.product.upc = "8712345678906"
    existing.product.save()
    client.force_login(make_owner(shop))
    content = (
        b"sku;ean;aantal;prijs;omschrijving\n"
        b"NEW-1;8712345678906;4;12,95;Kaas\n"
        b"NEW-2;;2;3,50;Zeep\n"
        b"NEW-3;8712345678907;1;1,00;Fout\n"
    )
    response = client.post("/shop/stock/", {"file": SimpleUploadedFile("v.csv", content)})
    upload = StockFeedUpload.objects.get(shop=shop)
    assert [r["row"] for r in upload.summary["unmatched_rows"]] == [2, 3]  # row 4: bad EAN
    page = client.get(response.url).content.decode()
    assert "Create product from this row" in page
    client.post(f"/shop/stock/uploads/{upload.pk}/rows/2/create/")
    client.post(f"/shop/stock/uploads/{upload.pk}/rows/3/create/")
    attached = StockRecord.objects.get(partner=shop.partner, partner_sku="NEW-1")
    assert attached.product_id == existing.product_id  # one product, two shops
    assert (attached.num_in_stock, attached.price) == (4, Decimal("12.95"))
    made = StockRecord.objects.get(partner=shop.partner, partner_sku="NEW-2")
    assert (made.product.title, made.product.upc, made.num_in_stock) == ("Zeep", "", 2)
    assert client.post(f"/shop/stock/uploads/{upload.pk}/rows/2/create/").status_code == 302
    assert StockRecord.objects.filter(partner=shop.partner).count() == 2  # not twice
    intruder = ShopFactory()
    from tests.conftest import client_for

    assert (
        client_for(make_owner(intruder))
        .post(f"/shop/stock/uploads/{upload.pk}/rows/3/create/")
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_an_invalid_ean_creates_nothing():
    from inventory_sync.catalogue_services import OfferRefused, add_offer_from_stock_row

    shop = ShopFactory()
    with pytest.raises(OfferRefused, match="not a valid barcode"):
        add_offer_from_stock_row(
            shop=shop, sku="A", ean="8712345678907", title="x", price=Decimal("1"), on_hand=1
        )
    assert not StockRecord.objects.filter(partner=shop.partner).exists()


@pytest.mark.django_db
def test_a_refused_row_is_explained_in_the_shops_language():
    from django.utils import translation

    from inventory_sync.catalogue_services import OfferRefused, add_offer_from_stock_row

    shop = ShopFactory()
    row = {"shop": shop, "ean": "", "title": "x", "price": Decimal("1"), "on_hand": 1}
    add_offer_from_stock_row(sku="A-1", **row)
    with translation.override("nl"), pytest.raises(OfferRefused) as refused:
        add_offer_from_stock_row(sku="A-1", **row)
    assert str(refused.value) == "Je winkel gebruikt artikelnummer A-1 al."
    assert refused.value.field == "sku"
    assert StockRecord.objects.filter(partner=shop.partner).count() == 1


@pytest.mark.django_db
def test_the_connection_page_shows_status_masked_secrets_and_webhook_url(client):
    shop = ShopFactory()
    connection = connect(shop, PosKind.SQUARE, base_url="http://127.0.0.1:9", location_id="L1")
    client.force_login(make_owner(shop))
    response = client.post(
        "/shop/stock/connection/",
        {
            "action": "settings",
            "location_id": "L2",
            "access_token": "sq-secret-token-9876",
            "signing_secret": "",
        },
    )
    page = response.content.decode()
    connection.refresh_from_db()
    assert connection.settings["location_id"] == "L2"
    assert connection.secrets["access_token"] == "sq-secret-token-9876"
    assert connection.signing_secret == SECRET  # empty keeps the stored secret
    assert "sq-secret-token-9876" not in page and SECRET not in page
    assert "••••9876" in page and "••••" + SECRET[-4:] in page
    assert f"/api/pos/webhooks/square/{connection.webhook_key}/" in page
    other = ShopFactory()
    from tests.conftest import client_for

    other_page = client_for(make_owner(other)).get("/shop/stock/connection/").content.decode()
    assert connection.webhook_key not in other_page


@pytest.mark.django_db
def test_saved_settings_are_what_the_form_holds(client, monkeypatch):
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("23.227.38.65", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)  # no network
    shop = ShopFactory()
    connection = connect(shop, PosKind.SHOPIFY, base_url="http://127.0.0.1:9", location_id="L1")
    client.force_login(make_owner(shop))
    form = {"action": "settings", "access_token": "shpat-1234", "signing_secret": ""}
    page = client.post(
        "/shop/stock/connection/", {**form, "base_url": "winkel.myshopify.com", "series": ""}
    ).content.decode()
    connection.refresh_from_db()
    # Cleared location gone, no Lightspeed series stored, the address gets https.
    assert connection.settings == {"base_url": "https://winkel.myshopify.com"}
    assert 'type="url"' not in page  # the browser would refuse an address without https://
    assert "Access token" in page and "access_token</dt>" not in page
