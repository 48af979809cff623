"""/shop/stock/: upload, preview, apply, log, connection page; staleness on the storefront."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_model

from inventory_sync.connections import connection_of
from inventory_sync.models import PosConnection, StockFeedUpload, SyncLog, SyncOutcome
from inventory_sync.selectors import stock_is_stale
from tests.factories import ShopFactory, make_offer, make_owner

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def owner_client(client, shop):
    client.force_login(make_owner(shop))
    return client


def upload(client, content: bytes, name="stock.csv"):
    return client.post("/shop/stock/", {"file": SimpleUploadedFile(name, content)})


@pytest.mark.django_db
def test_upload_preview_apply_and_log(owner_client, shop):
    record = make_offer(shop, on_hand=5)
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=1)
    content = f"artikelnummer;aantal;prijs\n{record.partner_sku};8;12,95\n".encode("cp1252")
    response = upload(owner_client, content)
    assert response.status_code == 302
    stored = StockFeedUpload.objects.get(shop=shop)
    preview = owner_client.get(response.url)
    page = preview.content.decode()
    assert preview.context["summary"]["delimiter"] == ";"
    assert preview.context["summary"]["preview"][0]["quantity"] == 8
    assert "Whole or nothing" in page and "artikelnummer" in page
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 5  # a preview applies nothing
    result = owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/", follow=True)
    log = SyncLog.objects.get(shop=shop)
    assert result.redirect_chain[-1][0] == f"/shop/stock/log/{log.pk}/"
    assert (log.outcome, log.rows_applied, log.rows_unchanged) == (SyncOutcome.APPLIED, 1, 0)
    fresh = StockRecord.objects.get(pk=record.pk)
    assert (fresh.num_in_stock, fresh.num_allocated, str(fresh.price)) == (8, 1, "12.95")
    assert owner_client.get("/shop/stock/log/").context["logs"][0] == log


@pytest.mark.django_db
def test_a_file_with_problems_shows_the_report_and_applies_nothing(owner_client, shop):
    record = make_offer(shop, on_hand=5)
    content = f"sku,quantity\n{record.partner_sku},abc\nUNKNOWN,3\n".encode()
    stored_url = upload(owner_client, content).url
    page = owner_client.get(stored_url)
    problems = page.context["summary"]["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "quantity"), (3, "sku")]
    assert page.context["can_apply"] is False
    stored = StockFeedUpload.objects.get(shop=shop)
    owner_client.post(f"/shop/stock/uploads/{stored.pk}/apply/")
    assert SyncLog.objects.get(shop=shop).outcome == SyncOutcome.REJECTED
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 5


@pytest.mark.django_db
def test_an_unreadable_file_is_a_form_error(owner_client, shop):
    response = upload(owner_client, b"\x00\x01garbage", name="stock.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not StockFeedUpload.objects.exists()


@pytest.mark.django_db
def test_another_shops_uploads_and_logs_are_404(client, shop):
    make_offer(shop, on_hand=5)
    owner = make_owner(shop)
    client.force_login(owner)
    url = upload(client, b"sku,quantity\nX,1\n").url
    stored = StockFeedUpload.objects.get(shop=shop)
    client.post(f"/shop/stock/uploads/{stored.pk}/apply/")
    log = SyncLog.objects.get(shop=shop)
    client.force_login(make_owner(ShopFactory()))
    for path in (
        url,
        f"/shop/stock/uploads/{stored.pk}/status/",
        f"/shop/stock/log/{log.pk}/",
    ):
        assert client.get(path).status_code == 404
    assert client.post(f"/shop/stock/uploads/{stored.pk}/apply/").status_code == 404
    assert list(client.get("/shop/stock/log/").context["logs"]) == []
    client.logout()
    assert client.get("/shop/stock/").status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_connection_page_masks_secrets_and_shows_a_new_token_once(owner_client, shop):
    assert owner_client.get("/shop/stock/connection/").status_code == 200
    response = owner_client.post("/shop/stock/connection/", {"action": "rotate-token"})
    token = response.context["new_token"]
    connection = PosConnection.objects.get(shop=shop)
    connection.secrets = {"api_key": "sq0-very-secret-1234"}
    connection.save()
    assert token in response.content.decode()
    page = owner_client.get("/shop/stock/connection/").content.decode()
    assert token not in page and token[-4:] in page
    assert connection.signing_secret not in page and connection.signing_secret[-4:] in page
    assert "sq0-very-secret" not in page and "••••1234" in page
    assert "/api/pos/stock/" in page


@pytest.mark.django_db
def test_a_stale_shop_shows_availability_to_be_confirmed(client):
    fresh_shop, stale_shop, manual_shop = ShopFactory(), ShopFactory(), ShopFactory()
    product = make_offer(fresh_shop, on_hand=4).product
    for other in (stale_shop, manual_shop):
        StockRecord.objects.create(
            product=product,
            partner=other.partner,
            partner_sku=f"{other.slug}-x",
            price="11.00",
            num_in_stock=6,
            num_allocated=0,
        )
    now = timezone.now()
    connection_of(fresh_shop)
    PosConnection.objects.filter(shop=fresh_shop).update(last_event_at=now)
    connection_of(stale_shop)
    PosConnection.objects.filter(shop=stale_shop).update(
        last_full_sync_at=now - timedelta(hours=25)
    )
    stale_shop.refresh_from_db()
    assert stock_is_stale(stale_shop, now) is True
    assert stock_is_stale(manual_shop, now) is False  # no connection: kept by hand
    page = client.get(product.get_absolute_url()).content.decode()
    assert "4 in stock" in page  # fresh feed
    assert "6 in stock" in page  # the manual shop
    assert page.count("Availability to be confirmed") == 1


HOSTILE_CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "=cmd|'/c calc'!A1",
            "+SUM(1,2)",
            "-3",
            "1e309",
            "NaN",
            "12,5,5",
            "\x00",
            "'0123",
            "9" * 400,
            "<script>alert(1)</script>",
            "﻿sku",
        ]
    ),
)


@st.composite
def hostile_files(draw):
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    header = draw(
        st.lists(
            st.sampled_from(["sku", "ean", "quantity", "aantal", "prijs", "x", ""]), max_size=5
        )
    )
    rows = draw(st.lists(st.lists(HOSTILE_CELLS, max_size=6), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    text = "\n".join(delimiter.join(cells) for cells in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=hostile_files(), name=st.sampled_from(["s.csv", "s.xlsx", "s.txt", "s"]))
def test_hostile_files_never_crash_the_upload_and_apply_nothing(client, content, name):
    shop = ShopFactory()
    record = make_offer(shop, on_hand=5)
    client.raise_request_exception = False
    client.force_login(make_owner(shop))
    response = upload(client, content, name=name)
    assert response.status_code in (200, 302)
    for stored in StockFeedUpload.objects.filter(shop=shop):
        assert client.get(f"/shop/stock/uploads/{stored.pk}/").status_code == 200
        assert client.post(f"/shop/stock/uploads/{stored.pk}/apply/").status_code == 302
    fresh = StockRecord.objects.get(pk=record.pk)
    assert (fresh.num_in_stock, fresh.num_allocated) == (5, 0)
    # A file whose rows are all skipped (no count: not tracked here) may be applied, as a
    # change of nothing; no file may change a row.
    assert not SyncLog.objects.filter(
        shop=shop, outcome=SyncOutcome.APPLIED, rows_applied__gt=0
    ).exists()
