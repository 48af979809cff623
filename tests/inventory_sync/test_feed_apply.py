"""Applying a stock file: SKU then EAN, whole or nothing, reservations untouched.

Runs on whatever database the suite uses: the COPY + single UPDATE path on PostgreSQL
(CI), the bulk_update fallback on SQLite; the outcomes asserted are the same.
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from oscar.core.loading import get_model

from inventory_sync import feed_apply
from inventory_sync.feeds import parse_stock_file
from inventory_sync.models import (
    PosConnection,
    StockFeedUpload,
    SyncLog,
    SyncOutcome,
    UploadStatus,
)
from tests.factories import ShopFactory, make_offer, make_owner

StockRecord = get_model("partner", "StockRecord")
EAN = "8712345678906"  # a valid EAN-13


def upload_of(shop, text: str, name="stock.csv") -> StockFeedUpload:
    content = text.encode()
    parsed = parse_stock_file(content=content, filename=name)
    return StockFeedUpload.objects.create(
        shop=shop,
        file=ContentFile(content, name=name),
        original_name=name,
        summary=feed_apply.summarise(partner_id=shop.partner_id, parsed=parsed),
        status=UploadStatus.VALIDATED,
    )


def on_hand(*records):
    return [StockRecord.objects.get(pk=r.pk).num_in_stock for r in records]


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.mark.django_db
def test_rows_match_by_sku_then_ean_and_unchanged_rows_are_counted(shop):
    by_sku, by_ean, same = (make_offer(shop, on_hand=5) for _ in range(3))
    by_ean.product.upc = EAN
    by_ean.product.save()
    feed = (
        "sku;ean;quantity;price\n"
        f"{by_sku.partner_sku};;7;12,50\n"
        f";{EAN};3;\n"
        f"{same.partner_sku};;5;\n"
    )
    log = feed_apply.apply_upload(upload_of(shop, feed).pk)
    assert log.outcome == SyncOutcome.APPLIED
    assert (log.rows_total, log.rows_applied, log.rows_unchanged) == (3, 2, 1)
    assert on_hand(by_sku, by_ean, same) == [7, 3, 5]
    assert StockRecord.objects.get(pk=by_sku.pk).price == Decimal("12.50")
    assert StockRecord.objects.get(pk=by_ean.pk).price == Decimal("10.00")  # no price: kept
    assert PosConnection.objects.get(shop=shop).last_full_sync_at is not None
    upload = StockFeedUpload.objects.get(sync_log=log)
    assert (upload.status, upload.progress) == (UploadStatus.APPLIED, 100)


@pytest.mark.django_db
def test_an_ean_stored_as_upc_a_matches_its_ean13_form(shop):
    record = make_offer(shop, on_hand=1)
    record.product.upc = "012345678905"  # UPC-A; the feed writes the EAN-13 form
    record.product.save()
    log = feed_apply.apply_upload(upload_of(shop, "ean,quantity\n0012345678905,4\n").pk)
    assert log.outcome == SyncOutcome.APPLIED
    assert on_hand(record) == [4]


@pytest.mark.django_db
def test_one_unmatched_row_rejects_the_whole_file(shop):
    known = make_offer(shop, on_hand=5)
    other_shop = make_offer(ShopFactory(), on_hand=5)  # another shop's SKU is not ours
    feed = f"sku,quantity\n{known.partner_sku},9\n{other_shop.partner_sku},1\n"
    log = feed_apply.apply_upload(upload_of(shop, feed).pk)
    assert log.outcome == SyncOutcome.REJECTED
    assert (log.rows_total, log.rows_unmatched, log.rows_applied) == (2, 1, 0)
    assert log.report["problems"] == [
        {
            "row": 3,
            "column": "sku",
            "value": other_shop.partner_sku,
            "message": feed_apply.UNMATCHED,
        }
    ]
    assert on_hand(known, other_shop) == [5, 5]
    assert StockFeedUpload.objects.get(sync_log=log).status == UploadStatus.REJECTED


@pytest.mark.django_db
def test_one_row_error_rejects_the_whole_file(shop):
    known = make_offer(shop, on_hand=5)
    feed = f"sku,quantity\n{known.partner_sku},9\nX-1,drie\n"
    log = feed_apply.apply_upload(upload_of(shop, feed).pk)
    assert log.outcome == SyncOutcome.REJECTED
    assert log.rows_failed == 1
    assert [(p["row"], p["column"]) for p in log.report["problems"]][0] == (3, "quantity")
    assert on_hand(known) == [5]


@pytest.mark.django_db
def test_two_rows_naming_one_product_reject_the_file(shop):
    record = make_offer(shop, on_hand=5)
    record.product.upc = EAN
    record.product.save()
    feed = f"sku,ean,quantity\n{record.partner_sku},,1\n,{EAN},2\n"
    log = feed_apply.apply_upload(upload_of(shop, feed).pk)
    assert log.outcome == SyncOutcome.REJECTED
    assert "row 2" in log.report["problems"][0]["message"]
    assert on_hand(record) == [5]


@pytest.mark.django_db
def test_reservations_are_untouched_by_a_feed(shop):
    record = make_offer(shop, on_hand=10)
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=4)
    feed_apply.apply_upload(upload_of(shop, f"sku,quantity\n{record.partner_sku},2\n").pk)
    fresh = StockRecord.objects.get(pk=record.pk)
    assert (fresh.num_in_stock, fresh.num_allocated) == (2, 4)


@pytest.mark.django_db
def test_applying_twice_applies_once(shop):
    record = make_offer(shop, on_hand=1)
    upload = upload_of(shop, f"sku,quantity\n{record.partner_sku},2\n")
    first = feed_apply.apply_upload(upload.pk)
    assert feed_apply.apply_upload(upload.pk) == first
    assert SyncLog.objects.filter(shop=shop).count() == 1


@pytest.mark.django_db
def test_the_bulk_write_uses_copy_and_one_update_on_postgresql(shop, django_assert_max_num_queries):
    records = [make_offer(shop, on_hand=1) for _ in range(50)]
    feed = "sku,quantity\n" + "".join(f"{r.partner_sku},{i}\n" for i, r in enumerate(records))
    upload = upload_of(shop, feed)
    with django_assert_max_num_queries(20) as queries:
        log = feed_apply.apply_upload(upload.pk)
    assert (log.rows_applied, log.rows_unchanged) == (49, 1)  # row 0 sets 1 -> 1: unchanged
    assert on_hand(*records) == list(range(50))
    updates = [q["sql"] for q in queries.captured_queries if "partner_stockrecord" in q["sql"]]
    updates = [sql for sql in updates if sql.startswith("UPDATE")]
    if connection.vendor == "postgresql":
        # COPY goes through the driver's copy_expert, which Django does not log; its table
        # does show.
        assert any("CREATE TEMP TABLE" in q["sql"] for q in queries.captured_queries)
        assert len(updates) == 1
        assert any("IS DISTINCT FROM" in sql for sql in updates)


@pytest.mark.django_db
def test_a_large_file_runs_as_a_task_and_reaches_100(
    shop, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(feed_apply, "INLINE_MAX_ROWS", 3)
    records = [make_offer(shop, on_hand=0) for _ in range(5)]
    upload = upload_of(shop, "sku,quantity\n" + "".join(f"{r.partner_sku},8\n" for r in records))
    seen = []
    real = feed_apply.set_progress
    monkeypatch.setattr(feed_apply, "set_progress", lambda pk, p: (seen.append(p), real(pk, p)))
    client.force_login(make_owner(shop))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/shop/stock/uploads/{upload.pk}/apply/")
    assert response.status_code == 302 and response.url == f"/shop/stock/uploads/{upload.pk}/"
    assert len(callbacks) == 1  # the task was sent on commit, not run in the request
    upload.refresh_from_db()
    assert (upload.status, upload.progress) == (UploadStatus.APPLIED, 100)
    assert seen == sorted(seen) and seen
    assert on_hand(*records) == [8] * 5
    status = client.get(f"/shop/stock/uploads/{upload.pk}/status/").json()
    assert status == {
        "status": "applied",
        "progress": 100,
        "log_url": f"/shop/stock/log/{upload.sync_log_id}/",
    }
