"""Applying a shop's stock file: match rows to its stock records, then all rows or none.

A file with any row error or any unmatched row changes nothing: a half-applied count is
worse than yesterday's count, because nobody can tell which half is true.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from oscar.core.loading import get_model

from .connections import connection_of, record_success
from .feeds import FeedError, FeedRow, ParsedFeed, parse_stock_file
from .feeds.gc_pause import gc_paused
from .models import StockFeedUpload, SyncKind, SyncLog, SyncOutcome, UploadStatus
from .stock_writes import StockWrite, write_stock

logger = logging.getLogger(__name__)
StockRecord = get_model("partner", "StockRecord")

# Above this many rows the owner's request only queues the work; a Celery task applies it.
INLINE_MAX_ROWS = 2_000
PREVIEW_ROWS = 20
REPORTED_PROBLEMS = 500  # a report longer than this helps nobody; the total is still given

# The msgid; translated where a problem is reported, in the language active then.
UNMATCHED = gettext_noop("no product of this shop has this SKU or EAN")


def gtin_key(code: str | None) -> str | None:
    """EAN-8/UPC-A/EAN-13 of one product compare equal once padded to GTIN-14."""
    code = (code or "").strip()
    return code.zfill(14) if code.isdigit() else None


@dataclass
class Matching:
    writes: list[StockWrite]
    problems: list[dict]  # unmatched rows and rows naming a product another row named
    unmatched: int
    unmatched_rows: list[FeedRow] = field(default_factory=list)


def match_rows(*, partner_id: int, rows: list[FeedRow], columns: dict[str, str]) -> Matching:
    """By SKU first, then by EAN (the product's upc); one read of the shop's records."""
    with gc_paused():
        return _match_rows(partner_id, rows, columns)


def _match_rows(partner_id: int, rows: list[FeedRow], columns: dict[str, str]) -> Matching:
    by_sku: dict[str, int] = {}
    for pk, sku in _records_of(partner_id, "partner_sku"):
        by_sku.setdefault(sku, pk)
    by_ean = _records_by_ean(partner_id) if any(row.ean for row in rows) else {}
    writes, problems, unmatched, row_of_record, unmatched_rows = [], [], 0, {}, []
    sku_column, ean_column = columns.get("sku"), columns.get("ean", "")
    for row in rows:
        sku = row.sku
        pk = by_sku.get(sku) if sku else None
        if pk is None:
            pk = by_ean.get(gtin_key(row.ean)) if row.ean else None
        if pk is not None and pk not in row_of_record:  # the usual row, checked first
            row_of_record[pk] = row.row_number
            writes.append(StockWrite(pk, row.quantity, row.price))
            continue
        column = sku_column if sku else ean_column
        if pk is None:
            unmatched += 1
            unmatched_rows.append(row)
            problems.append(_problem(row.row_number, column, sku or row.ean, _(UNMATCHED)))
        else:
            message = _("names the same product as row %(row)s") % {"row": row_of_record[pk]}
            problems.append(_problem(row.row_number, column, sku or row.ean, message))
    return Matching(writes, problems, unmatched, unmatched_rows)


def _records_by_ean(partner_id: int) -> dict[str, int]:
    by_ean: dict[str, int] = {}
    for pk, upc in _records_of(partner_id, "product__upc"):
        if key := gtin_key(upc):
            by_ean.setdefault(key, pk)
    return by_ean


def _records_of(partner_id: int, field: str) -> list[tuple[int, str | None]]:
    """(id, field) of the shop's stock records, fetched as plain tuples: a feed touches
    all of them, and model-level row conversion would cost more than the query."""
    records = StockRecord.objects.filter(partner_id=partner_id).values_list("pk", field)
    sql, params = records.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _problem(row: int, column: str | None, value: str | None, message: str) -> dict:
    return {"row": row, "column": column or "", "value": value or "", "message": message}


def summarise(*, partner_id: int, parsed: ParsedFeed) -> dict:
    return check(partner_id=partner_id, parsed=parsed)[0]


def check(*, partner_id: int, parsed: ParsedFeed) -> tuple[dict, Matching]:
    """The preview of an upload, JSON-ready (format found, first rows, every problem), and
    the matched writes."""
    matching = match_rows(partner_id=partner_id, rows=parsed.rows, columns=parsed.columns)
    problems = sorted(
        [_problem(e.row_number, e.column, e.value, e.message) for e in parsed.errors]
        + matching.problems,
        key=lambda problem: problem["row"],
    )
    failed_rows = len({error.row_number for error in parsed.errors})
    summary = {
        "encoding": parsed.encoding,
        "delimiter": parsed.delimiter,
        "decimal_comma": parsed.decimal_comma,
        "columns": parsed.columns,
        "rows_total": len(parsed.rows) + failed_rows,
        "rows_valid": len(parsed.rows),
        "rows_failed": failed_rows,
        "rows_unmatched": matching.unmatched,
        "preview": [_row_data(row) for row in parsed.rows[:PREVIEW_ROWS]],
        "problems": problems[:REPORTED_PROBLEMS],
        "problems_total": len(problems),
        # What "create product from this row" needs, kept server-side with the upload.
        "unmatched_rows": [_row_data(row) for row in matching.unmatched_rows[:REPORTED_PROBLEMS]],
    }
    return summary, matching


def _row_data(row: FeedRow) -> dict:
    return {
        "row": row.row_number,
        "sku": row.sku or "",
        "ean": row.ean or "",
        "quantity": row.quantity,
        "price": "" if row.price is None else str(row.price),
        "title": row.title or "",
    }


def is_large(upload: StockFeedUpload) -> bool:
    return upload.summary.get("rows_total", 0) > INLINE_MAX_ROWS


def set_progress(upload_id: int, percent: int) -> None:
    StockFeedUpload.objects.filter(pk=upload_id).update(progress=percent)


def apply_upload(
    upload_id: int, *, on_progress: Callable[[int, int], None] | None = None
) -> SyncLog | None:
    """Parses the stored file again, matches, and applies it whole or rejects it whole.

    Safe to run twice (a re-delivered task): the upload row is locked and its status checked
    in the transaction that writes, so only one run applies. Progress is written outside
    that transaction, where a polling page can see it.
    """
    upload = StockFeedUpload.objects.select_related("shop").get(pk=upload_id)
    if upload.status not in (UploadStatus.VALIDATED, UploadStatus.APPLYING):
        return upload.sync_log
    shop = upload.shop
    on_progress = on_progress or set_progress
    on_progress(upload_id, 10)
    with upload.file.open("rb") as handle:
        content = handle.read()
    try:
        parsed = parse_stock_file(content=content, filename=upload.original_name)
    except FeedError as error:
        parsed, file_problem = None, error.message
    on_progress(upload_id, 40)
    if parsed is not None:
        summary, matching = check(partner_id=shop.partner_id, parsed=parsed)
    on_progress(upload_id, 60)
    with transaction.atomic():
        locked = StockFeedUpload.objects.select_for_update().get(pk=upload_id)
        if locked.status not in (UploadStatus.VALIDATED, UploadStatus.APPLYING):
            return locked.sync_log
        connection = connection_of(shop)
        log = SyncLog(
            shop=shop, connection=connection, kind=SyncKind.FEED, source=locked.original_name
        )
        if parsed is None:
            _reject(log, message=file_problem, summary={"problems": [], "problems_total": 0})
        elif summary["problems_total"]:
            _reject(log, message=_rejection_message(summary), summary=summary)
        else:
            changed = write_stock(partner_id=shop.partner_id, writes=matching.writes)
            log.outcome = SyncOutcome.APPLIED
            log.rows_total = summary["rows_total"]
            log.rows_applied = changed
            log.rows_unchanged = len(matching.writes) - changed
            # Stored in English, shown in the reader's language (log.html translates it).
            log.message = gettext_noop("Applied: every row matched a product.")
            record_success(connection, full_sync=True)
        log.finished_at = timezone.now()
        log.save()
        locked.sync_log = log
        locked.status = (
            UploadStatus.APPLIED if log.outcome == SyncOutcome.APPLIED else UploadStatus.REJECTED
        )
        locked.progress = 100
        locked.save(update_fields=["sync_log", "status", "progress"])
    return log


def _reject(log: SyncLog, *, message: str, summary: dict) -> None:
    log.outcome = SyncOutcome.REJECTED
    log.message = message
    log.rows_total = summary.get("rows_total", 0)
    log.rows_failed = summary.get("rows_failed", 0)
    log.rows_unmatched = summary.get("rows_unmatched", 0)
    log.report = {"problems": summary["problems"], "problems_total": summary["problems_total"]}


def _rejection_message(summary: dict) -> str:
    return _(
        "Nothing was applied: %(failed)s row(s) with errors and %(unmatched)s unmatched "
        "row(s). A feed is applied whole or not at all."
    ) % {"failed": summary["rows_failed"], "unmatched": summary["rows_unmatched"]}


def mark_failed(upload_id: int, error: Exception) -> None:
    """An unexpected error in the task: the upload says so instead of spinning forever."""
    logger.exception("stock feed upload %s failed", upload_id)
    upload = StockFeedUpload.objects.select_related("shop").get(pk=upload_id)
    log = SyncLog.objects.create(
        shop=upload.shop,
        kind=SyncKind.FEED,
        source=upload.original_name,
        outcome=SyncOutcome.FAILED,
        message=_("Applying failed unexpectedly; nothing was applied. Please try again."),
        finished_at=timezone.now(),
    )
    StockFeedUpload.objects.filter(pk=upload_id, status=UploadStatus.APPLYING).update(
        status=UploadStatus.REJECTED, sync_log=log, progress=100
    )
