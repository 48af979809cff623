"""Setting on hand (and price) for many stock records at once: never touches num_allocated.

PostgreSQL: COPY the rows into a TEMP staging table and apply them with ONE UPDATE that
skips unchanged rows, so 100,000 rows cost one round trip, not 100,000. Other databases
(SQLite in development) compare in Python and bulk_update only the changed rows.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")
STAGING_TABLE = "inventory_sync_staging"
BATCH = 500  # below SQLite's limit of bound parameters per statement


@dataclass(frozen=True, slots=True)
class StockWrite:
    stockrecord_id: int
    quantity: int
    price: Decimal | None  # None: keep the current price


def write_stock(*, partner_id: int, writes: list[StockWrite]) -> int:
    """Applies all writes for one partner's records; returns how many rows changed.

    The caller holds a transaction: every write lands or none does.
    """
    assert transaction.get_connection().in_atomic_block, "write_stock needs a transaction"
    if not writes:
        return 0
    if connection.vendor == "postgresql":
        return _write_postgresql(partner_id, writes)
    return _write_portable(partner_id, writes)


def _write_postgresql(partner_id: int, writes: list[StockWrite]) -> int:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    for write in writes:
        # An unquoted empty field is NULL in COPY's csv format: "keep the current price".
        out.writerow(
            [write.stockrecord_id, write.quantity, "" if write.price is None else write.price]
        )
    buffer.seek(0)
    table = connection.ops.quote_name(StockRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING_TABLE}")
        cursor.execute(
            f"CREATE TEMP TABLE {STAGING_TABLE} (stockrecord_id integer PRIMARY KEY,"
            " quantity integer NOT NULL, price numeric(12, 2)) ON COMMIT DROP"
        )
        _copy_in(
            cursor,
            f"COPY {STAGING_TABLE} (stockrecord_id, quantity, price) FROM STDIN WITH (FORMAT csv)",
            buffer,
        )
        # partner_id again here: a staged id of another shop can never be written. Only our
        # constant and Django's quoted table name are interpolated, never input.
        # The time from Python, like every other write: the database's clock may differ.
        cursor.execute(
            f"UPDATE {table} AS sr SET num_in_stock = s.quantity,"  # noqa: S608
            " price = COALESCE(s.price, sr.price), date_updated = %s"
            f" FROM {STAGING_TABLE} AS s"
            " WHERE sr.id = s.stockrecord_id AND sr.partner_id = %s"
            " AND (sr.num_in_stock IS DISTINCT FROM s.quantity"
            " OR (s.price IS NOT NULL AND sr.price IS DISTINCT FROM s.price))",
            [timezone.now(), partner_id],
        )
        changed = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGING_TABLE}")
    return changed


def _copy_in(cursor, sql: str, buffer: io.StringIO) -> None:
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):  # psycopg2
        raw.copy_expert(sql, buffer)
    else:  # psycopg 3
        with raw.copy(sql) as copy:
            copy.write(buffer.getvalue())


def _write_portable(partner_id: int, writes: list[StockWrite]) -> int:
    by_id = {write.stockrecord_id: write for write in writes}
    ids = list(by_id)
    now = timezone.now()
    with_price, without_price = [], []
    for start in range(0, len(ids), BATCH):
        current = StockRecord.objects.filter(
            partner_id=partner_id, pk__in=ids[start : start + BATCH]
        ).values_list("pk", "num_in_stock", "price")
        for pk, on_hand, price in current:
            write = by_id[pk]
            if write.price is not None and write.price != price:
                with_price.append(
                    StockRecord(
                        pk=pk, num_in_stock=write.quantity, price=write.price, date_updated=now
                    )
                )
            elif write.quantity != on_hand:
                # Price not written: a concurrent price edit is never overwritten with ours.
                without_price.append(
                    StockRecord(pk=pk, num_in_stock=write.quantity, date_updated=now)
                )
    StockRecord.objects.bulk_update(with_price, ["num_in_stock", "price", "date_updated"], BATCH)
    StockRecord.objects.bulk_update(without_price, ["num_in_stock", "date_updated"], BATCH)
    return len(with_price) + len(without_price)
