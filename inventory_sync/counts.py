"""POS counts with an event time, written in one guarded statement for many stock records.

A count is applied only if its event time is after the record's StockEventMark: an older
or repeated count (a retried webhook, a poll that raced a webhook) changes nothing. On hand
only; reservations are never touched.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from .event_models import StockEventMark

StockRecord = get_model("partner", "StockRecord")


@dataclass(frozen=True, slots=True)
class Count:
    stockrecord_id: int
    quantity: int
    at: datetime


@dataclass
class CountOutcome:
    fresh: set[int]  # records whose mark moved forward (their count was the newest)
    changed: set[int]  # of those, records whose on hand changed


def newest_per_record(counts: Iterable[Count]) -> tuple[list[Count], list[Count]]:
    """(the newest count of each record, the older ones it supersedes)."""
    newest: dict[int, Count] = {}
    superseded = []
    for count in counts:
        kept = newest.get(count.stockrecord_id)
        if kept is None or count.at >= kept.at:
            if kept is not None:
                superseded.append(kept)
            newest[count.stockrecord_id] = count
        else:
            superseded.append(count)
    return list(newest.values()), superseded


def write_counts(counts: list[Count]) -> CountOutcome:
    """Applies the newest count per record if it is newer than the record's mark.

    Safe to retry and to run concurrently: the mark is moved by a guarded upsert in the
    same statement as the write, so two appliers never let an older count win.
    """
    winners, _older = newest_per_record(counts)
    if not winners:
        return CountOutcome(set(), set())
    if connection.vendor == "postgresql":
        return _write_postgresql(winners)
    return _write_portable(winners)


# Only our model's table names are interpolated, never input.
_GUARDED_WRITE = """
WITH incoming AS (
    SELECT * FROM unnest(%s::integer[], %s::integer[], %s::timestamptz[]) AS t(id, quantity, at)
), fresh AS (
    INSERT INTO {marks} AS m (stockrecord_id, last_event_at)
    SELECT id, at FROM incoming
    ON CONFLICT (stockrecord_id) DO UPDATE SET last_event_at = EXCLUDED.last_event_at
    WHERE m.last_event_at < EXCLUDED.last_event_at
    RETURNING m.stockrecord_id
), changed AS (
    UPDATE {records} AS sr SET num_in_stock = i.quantity, date_updated = %s
    FROM incoming AS i JOIN fresh AS f ON f.stockrecord_id = i.id
    WHERE sr.id = i.id AND sr.num_in_stock IS DISTINCT FROM i.quantity
    RETURNING sr.id
)
SELECT ARRAY(SELECT stockrecord_id FROM fresh), ARRAY(SELECT id FROM changed)
"""


def _write_postgresql(winners: list[Count]) -> CountOutcome:
    sql = _GUARDED_WRITE.format(
        marks=connection.ops.quote_name(StockEventMark._meta.db_table),
        records=connection.ops.quote_name(StockRecord._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                [c.stockrecord_id for c in winners],
                [c.quantity for c in winners],
                [c.at for c in winners],
                timezone.now(),  # Python's clock, as in every other write
            ],
        )
        fresh, changed = cursor.fetchone()
    return CountOutcome(set(fresh), set(changed))


def _write_portable(winners: list[Count]) -> CountOutcome:
    """SQLite (development): the same rules in Python, inside one transaction."""
    with transaction.atomic():
        ids = [c.stockrecord_id for c in winners]
        marks = dict(StockEventMark.objects.filter(pk__in=ids).values_list("pk", "last_event_at"))
        fresh = [
            c for c in winners if c.stockrecord_id not in marks or c.at > marks[c.stockrecord_id]
        ]
        on_hand = dict(
            StockRecord.objects.filter(pk__in=[c.stockrecord_id for c in fresh]).values_list(
                "pk", "num_in_stock"
            )
        )
        fresh = [c for c in fresh if c.stockrecord_id in on_hand]
        StockEventMark.objects.bulk_create(
            [StockEventMark(stockrecord_id=c.stockrecord_id, last_event_at=c.at) for c in fresh],
            update_conflicts=True,
            update_fields=["last_event_at"],
            unique_fields=["stockrecord"],
        )
        now = timezone.now()
        changed = [c for c in fresh if on_hand[c.stockrecord_id] != c.quantity]
        StockRecord.objects.bulk_update(
            [
                StockRecord(pk=c.stockrecord_id, num_in_stock=c.quantity, date_updated=now)
                for c in changed
            ],
            ["num_in_stock", "date_updated"],
            batch_size=500,
        )
    return CountOutcome({c.stockrecord_id for c in fresh}, {c.stockrecord_id for c in changed})
