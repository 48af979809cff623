"""A POS stock feed of 100,000 rows: our feed apply beside the COPY+upsert floor and a
naive per-row ORM save, measured in one run on one shop's records.

Needs PostgreSQL (DATABASE_URL, migrated). Ours is the path an upload takes after the
owner presses Apply (feed_apply.apply_upload): read the stored file, parse the CSV bytes
(detection, validation), match every row by SKU, write with stock_writes.write_stock (COPY
into a staging table, one UPDATE that skips unchanged rows) and log, in one transaction.
The floor is that COPY + UPDATE alone, from ready (id, quantity, price) rows. After one
uncounted warm-up run (the first UPDATE of freshly inserted rows is cheaper than any later
one), floor and ours run alternately twice and the best run of each counts, so neither
gains from table state or a noisy neighbour's quiet moment. The per-row ORM save (get by SKU,
save) is measured on a sample of PER_ROW_SAMPLE rows and extrapolated to rows/s: running it
on 100,000 rows would take minutes and tell nothing more.
"""

import csv
import io
import time
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from oscar.core.loading import get_model

from benchmarks import benchmark
from inventory_sync import feed_apply
from inventory_sync.models import StockFeedUpload, SyncOutcome, UploadStatus
from inventory_sync.stock_writes import _copy_in
from shops.models import Shop, ShopStatus

ROWS = {"smoke": 2_000, "full": 100_000}
PER_ROW_SAMPLE = {"smoke": 200, "full": 2_000}
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")


def make_shop(rows: int) -> tuple[int, list[tuple[int, str]]]:
    tag = uuid.uuid4().hex[:8]
    partner = Partner.objects.create(name=f"Feed bench {tag}", code=f"feed-{tag}")
    Shop.objects.create(
        partner=partner, slug=f"feed-{tag}", kind="books", status=ShopStatus.ACTIVE,
        legal_name="Bench B.V.", chamber_of_commerce_number=str(uuid.uuid4().int)[:8],
        street="Brink 1", postcode="7411 BR", city="Deventer",
        latitude=Decimal("52.2551"), longitude=Decimal("6.1599"),
    )  # fmt: skip
    product_class = ProductClass.objects.get_or_create(
        name="Bench", defaults={"track_stock": True}
    )[0]
    products = Product.objects.bulk_create(
        [
            Product(title=f"Feed {tag} {i}", product_class=product_class, structure="standalone")
            for i in range(rows)
        ],
        batch_size=5000,
    )
    records = StockRecord.objects.bulk_create(
        [
            StockRecord(
                product=p,
                partner=partner,
                partner_sku=f"F{tag}-{i}",
                price=Decimal("9.95"),
                num_in_stock=10,
                num_allocated=0,
            )
            for i, p in enumerate(products)
        ],
        batch_size=5000,
    )
    return partner.pk, [(r.pk, r.partner_sku) for r in records]


def feed_bytes(records, quantity) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=";")
    out.writerow(["artikelnummer", "voorraad", "prijs"])
    for index, (_pk, sku) in enumerate(records):
        out.writerow([sku, quantity + index % 7, "12,95"])
    return buffer.getvalue().encode("utf-8")


def ours(partner_id: int, content: bytes) -> tuple[float, int]:
    upload = StockFeedUpload.objects.create(
        shop=Shop.objects.get(partner_id=partner_id),
        file=ContentFile(content, name="voorraad.csv"),
        original_name="voorraad.csv",
        status=UploadStatus.VALIDATED,
    )
    try:
        started = time.perf_counter()
        log = feed_apply.apply_upload(upload.pk)
        seconds = time.perf_counter() - started
    finally:
        upload.file.delete(save=False)
    assert log.outcome == SyncOutcome.APPLIED, log.report.get("problems", [])[:3]
    return seconds, log.rows_applied


def floor(partner_id: int, records, quantity) -> tuple[float, int]:
    buffer = io.StringIO()
    for index, (pk, _sku) in enumerate(records):
        buffer.write(f"{pk},{quantity + index % 7},12.95\n")
    buffer.seek(0)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_floor (id integer PRIMARY KEY, q integer,"
            " p numeric(12,2)) ON COMMIT DROP"
        )
        _copy_in(cursor, "COPY bench_floor FROM STDIN WITH (FORMAT csv)", buffer)
        cursor.execute(
            "UPDATE partner_stockrecord AS sr"
            " SET num_in_stock = s.q, price = s.p, date_updated = now()"
            " FROM bench_floor AS s WHERE sr.id = s.id AND sr.partner_id = %s"
            " AND (sr.num_in_stock IS DISTINCT FROM s.q OR sr.price IS DISTINCT FROM s.p)",
            [partner_id],
        )
        changed = cursor.rowcount
    return time.perf_counter() - started, changed


def per_row(partner_id: int, records, quantity) -> float:
    started = time.perf_counter()
    for index, (_pk, sku) in enumerate(records):
        record = StockRecord.objects.get(partner_id=partner_id, partner_sku=sku)
        record.num_in_stock = quantity + index % 7
        record.price = Decimal("12.95")
        record.save()
    return time.perf_counter() - started


@benchmark("pos_feed")
def pos_feed(size: str) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("pos_feed needs PostgreSQL: set DATABASE_URL")
    rows = ROWS[size]
    partner_id, records = make_shop(rows)
    floor(partner_id, records, 10)  # warm-up: see the module docstring
    floor_runs, ours_runs = [], []
    for quantity in (20, 40):  # every run changes every row: quantities differ by 10
        floor_runs.append(floor(partner_id, records, quantity))
        ours_runs.append(ours(partner_id, feed_bytes(records, quantity + 10)))
    floor_seconds, ours_seconds = min(floor_runs)[0], min(ours_runs)[0]
    changed = {count for _seconds, count in floor_runs + ours_runs}
    sample = records[: min(PER_ROW_SAMPLE[size], rows)]
    per_row_seconds = per_row(partner_id, sample, 70)
    assert changed == {rows}, changed
    ours_rate, floor_rate = rows / ours_seconds, rows / floor_seconds
    per_row_rate = len(sample) / per_row_seconds
    print(
        f"ours {ours_seconds:.2f}s, floor {floor_seconds:.2f}s for {rows} rows;"
        f" per-row ORM {per_row_seconds:.2f}s for {len(sample)} rows (extrapolated)"
    )
    return {
        "rows": rows,
        "rows_per_s": round(ours_rate),
        "floor_rows_per_s": round(floor_rate),
        "per_row_orm_rows_per_s": round(per_row_rate),
        "per_row_orm_sample": len(sample),
        "per_row_orm_extrapolated": len(sample) < rows,
        "ratio_to_floor": round(ours_rate / floor_rate, 3),
        "ratio_to_per_row": round(ours_rate / per_row_rate, 1),
        "changed": rows,
    }
