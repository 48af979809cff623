"""Applying a shop's stock file: match rows to its stock records, then all rows or none,
or, when the owner chooses it explicitly, only the good rows.

By default a file with any row error or any unmatched row changes nothing: a half-applied
count nobody chose is worse than yesterday's count. "Apply the good rows" writes every row
that parsed and matched, except rows naming a product another row also names (which of the
two is true is unknown), and reports the rest.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from oscar.core.loading import get_model

from marketplace.gtin import gtin_key

from .connections import connection_of, feed_settings, record_success
from .feeds import FeedError, FeedRow, ParsedFeed, parse_stock_file
from .feeds.gc_pause import gc_paused
from .feeds.types import LocationNeeded, MappingNeeded
from .models import StockFeedUpload, SyncKind, SyncLog, SyncOutcome, UploadStatus
from .stock_writes import StockWrite, write_stock

logger = logging.getLogger(__name__)
StockRecord = get_model("partner", "StockRecord")

# Above this many rows the owner's request only queues the work; a Celery task applies it.
INLINE_MAX_ROWS = 2_000
# A CSV above this size is parsed in a task too, like every workbook (upload_checks.py).
INLINE_PARSE_BYTES = 1024 * 1024
PREVIEW_ROWS = 20
PREVIEW_CHANGES = 50
CENT = Decimal("0.01")
MODE_ALL, MODE_GOOD = "all", "good"
REPORTED_PROBLEMS = 500  # a report longer than this helps nobody; the total is still given

# The msgid; translated where a problem is reported, in the language active then.
UNMATCHED = gettext_noop("no product of this shop has this SKU or EAN")


@dataclass
class Matching:
    writes: list[StockWrite]
    problems: list[dict]  # unmatched rows and rows naming a product another row named
    unmatched: int
    unmatched_rows: list[FeedRow] = field(default_factory=list)
    write_rows: list[int] = field(default_factory=list)  # the file's row of each write
    conflicting_rows: set[int] = field(default_factory=set)  # first rows of a repeated product
    current: dict[int, tuple] = field(default_factory=dict)  # pk -> (on hand, price, vat)

    def good_writes(self, conflicting: frozenset[int] | set[int]) -> list[StockWrite]:
        skip = self.conflicting_rows | set(conflicting)
        return [w for w, row in zip(self.writes, self.write_rows, strict=True) if row not in skip]


def match_rows(
    *,
    partner_id: int,
    rows: list[FeedRow],
    columns: dict[str, str],
    price_excl_vat: bool = False,
    with_current: bool = False,
) -> Matching:
    """By SKU first, then by EAN (the product's upc); one read of the shop's records.
    Prices without VAT get each product's own VAT rate added; with_current also reads each
    record's quantity and price, for the preview's old -> new."""
    with gc_paused():
        return _match_rows(partner_id, rows, columns, price_excl_vat, with_current)


def _match_rows(
    partner_id: int,
    rows: list[FeedRow],
    columns: dict[str, str],
    price_excl_vat: bool,
    with_current: bool,
) -> Matching:
    by_sku: dict[str, int] = {}
    current: dict[int, tuple] = {}
    if with_current or price_excl_vat:
        for pk, sku, on_hand, price, vat_rate in _records_of(
            partner_id, "partner_sku", "num_in_stock", "price", "vat_rate"
        ):
            by_sku.setdefault(sku, pk)
            current[pk] = (on_hand, price, vat_rate)
    else:  # applying a file with VAT-inclusive prices needs the SKUs only: the fast path
        for pk, sku in _records_of(partner_id, "partner_sku"):
            by_sku.setdefault(sku, pk)
    by_ean = _records_by_ean(partner_id) if any(row.ean for row in rows) else {}
    writes, problems, unmatched, row_of_record, unmatched_rows = [], [], 0, {}, []
    write_rows: list[int] = []
    conflicting: set[int] = set()
    sku_column, ean_column = columns.get("sku"), columns.get("ean", "")
    for row in rows:
        sku = row.sku
        pk = by_sku.get(sku) if sku else None
        if pk is None and (ean_key := gtin_key(row.ean)):
            pk = by_ean.get(ean_key)
        if pk is not None and pk not in row_of_record:  # the usual row, checked first
            row_of_record[pk] = row.row_number
            price = row.price
            if price_excl_vat and price is not None:
                price = with_vat(price, current[pk][2])
            writes.append(StockWrite(pk, row.quantity, price))
            write_rows.append(row.row_number)
            continue
        column = sku_column if sku else ean_column
        if pk is None:
            unmatched += 1
            unmatched_rows.append(row)
            problems.append(_problem(row.row_number, column, sku or row.ean, _(UNMATCHED)))
        else:
            conflicting.add(row_of_record[pk])
            message = _("names the same product as row %(row)s") % {"row": row_of_record[pk]}
            problems.append(_problem(row.row_number, column, sku or row.ean, message))
    return Matching(writes, problems, unmatched, unmatched_rows, write_rows, conflicting, current)


def with_vat(price_excl: Decimal, vat_rate: Decimal | None) -> Decimal:
    """A price without VAT to the price with it, to the cent (the shop's prices include VAT)."""
    rate = Decimal("21.00") if vat_rate is None else vat_rate
    return (price_excl * (100 + rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _records_by_ean(partner_id: int) -> dict[str, int]:
    by_ean: dict[str, int] = {}
    for pk, upc in _records_of(partner_id, "product__upc"):
        if key := gtin_key(upc):
            by_ean.setdefault(key, pk)
    return by_ean


def _records_of(partner_id: int, *fields: str) -> list[tuple]:
    """(id, *fields) of the shop's stock records, fetched as plain tuples: a feed touches
    all of them, and model-level row conversion would cost more than the query."""
    records = StockRecord.objects.filter(partner_id=partner_id).values_list("pk", *fields)
    sql, params = records.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _problem(row: int, column: str | None, value: str | None, message: str) -> dict:
    return {"row": row, "column": column or "", "value": value or "", "message": message}


def summarise(*, partner_id: int, parsed: ParsedFeed) -> dict:
    return check(partner_id=partner_id, parsed=parsed)[0]


def check(*, partner_id: int, parsed: ParsedFeed, preview: bool = True) -> tuple[dict, Matching]:
    """The preview of an upload, JSON-ready (format found, what changes, every problem and
    note), and the matched writes. Applying needs no old -> new (preview=False)."""
    matching = match_rows(
        partner_id=partner_id,
        rows=parsed.rows,
        columns=parsed.columns,
        price_excl_vat=parsed.price_excl_vat,
        with_current=preview,
    )
    problems = sorted(
        [_problem(e.row_number, e.column, e.value, e.message) for e in parsed.errors]
        + matching.problems,
        key=lambda problem: problem["row"],
    )
    failed_rows = len({error.row_number for error in parsed.errors})
    good = matching.good_writes(parsed.conflicting_rows)
    changes, unchanged = _changes(matching, good) if preview else ([], 0)
    problem_rows = len({problem["row"] for problem in problems})
    summary = {
        "encoding": parsed.encoding,
        "delimiter": parsed.delimiter,
        "decimal_comma": parsed.decimal_comma,
        "columns": parsed.columns,
        "vendor": parsed.vendor,
        "location": parsed.location,
        "locations": list(parsed.locations),
        "price_excl_vat": parsed.price_excl_vat,
        "rows_total": len(parsed.rows) + failed_rows,
        "rows_valid": len(parsed.rows),
        "rows_failed": failed_rows,
        "rows_unmatched": matching.unmatched,
        "rows_good": len(good),
        # Rows the "good rows" choice leaves out: those with problems and the first row of a
        # product named twice.
        "rows_skipped": problem_rows + len(matching.writes) - len(good),
        "changes": changes[:PREVIEW_CHANGES],
        "changes_total": len(changes),
        "unchanged_total": unchanged,
        "preview": [_row_data(row) for row in parsed.rows[:PREVIEW_ROWS]],
        "problems": problems[:REPORTED_PROBLEMS],
        "problems_total": len(problems),
        "notes": [_note(note) for note in parsed.notes[:REPORTED_PROBLEMS]],
        "notes_total": len(parsed.notes),
        "warnings": [_note(note) for note in parsed.warnings[:REPORTED_PROBLEMS]],
        "warnings_total": len(parsed.warnings),
        # What "create product from this row" needs, kept server-side with the upload.
        "unmatched_rows": [_row_data(row) for row in matching.unmatched_rows[:REPORTED_PROBLEMS]],
    }
    return summary, matching


def _note(note) -> dict:
    return _problem(note.row_number, note.column, note.value, note.message)


def _changes(matching: Matching, good: list[StockWrite]) -> tuple[list[dict], int]:
    """Old and new quantity and price of each product the file changes (when every row it
    can apply is applied), and how many it leaves as they are."""
    row_of = dict(
        zip((w.stockrecord_id for w in matching.writes), matching.write_rows, strict=True)
    )
    changes, unchanged = [], 0
    for write in good:
        on_hand, price, _vat = matching.current[write.stockrecord_id]
        new_price = price if write.price is None else write.price
        if on_hand == write.quantity and new_price == price:
            unchanged += 1
            continue
        changes.append(
            {
                "pk": write.stockrecord_id,
                "row": row_of[write.stockrecord_id],
                "old_quantity": on_hand,
                "new_quantity": write.quantity,
                "old_price": "" if price is None else str(price),
                "new_price": "" if new_price is None else str(new_price),
            }
        )
    shown = changes[:PREVIEW_CHANGES]
    names = dict(
        StockRecord.objects.filter(pk__in=[c["pk"] for c in shown]).values_list(
            "pk", "product__title"
        )
    )
    for change in shown:
        change["title"] = names.get(change.pop("pk"), "")
    return changes, unchanged


def _row_data(row: FeedRow) -> dict:
    return {
        "row": row.row_number,
        "sku": row.sku or "",
        "ean": row.ean or "",
        "quantity": row.quantity,
        "price": "" if row.price is None else str(row.price),
        "title": row.title or "",
    }


def examine(*, shop, content: bytes, filename: str, options: dict) -> tuple[str, dict]:
    """(status, summary) of a stored or uploaded file for this shop: the preview, a choice
    the owner must make first (location, columns), or the reason it is refused.

    options: what the owner chose for this upload; the shop's remembered location and saved
    column mappings fill in the rest. The options used are kept in the summary, so applying
    reads the file exactly as the preview did.
    """
    remembered = feed_settings(shop)
    location = options.get("location") or remembered["location"] or None
    mappings = {**remembered["mappings"], **options.get("mappings", {})}
    try:
        parsed = parse_stock_file(
            content=content, filename=filename, location=location, mappings=mappings
        )
    except LocationNeeded as need:
        return UploadStatus.CHOOSE, {
            "needs": "location",
            "locations": list(need.locations),
            "vendor": need.vendor,
            "options": options,
        }
    except MappingNeeded as need:
        return UploadStatus.CHOOSE, {
            "needs": "mapping",
            "file_columns": need.columns,
            "signature": need.signature,
            "message": need.message,
            "options": options,
        }
    except FeedError as error:
        return UploadStatus.REJECTED, {"error": error.message}
    summary = summarise(partner_id=shop.partner_id, parsed=parsed)
    summary["options"] = {"location": parsed.location, "mappings": mappings}
    return UploadStatus.VALIDATED, summary


def parse_for_apply(upload: StockFeedUpload, content: bytes) -> ParsedFeed:
    options = upload.summary.get("options") or {}
    return parse_stock_file(
        content=content,
        filename=upload.original_name,
        location=options.get("location") or None,
        mappings=options.get("mappings") or {},
    )


def is_large(upload: StockFeedUpload) -> bool:
    return upload.summary.get("rows_total", 0) > INLINE_MAX_ROWS


def set_progress(upload_id: int, percent: int) -> None:
    StockFeedUpload.objects.filter(pk=upload_id).update(progress=percent)


def apply_upload(
    upload_id: int,
    *,
    mode: str = MODE_ALL,
    on_progress: Callable[[int, int], None] | None = None,
) -> SyncLog | None:
    """Parses the stored file again, matches, and applies it whole or rejects it whole;
    with mode "good", applies the good rows and reports the others.

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
        parsed = parse_for_apply(upload, content)
    except FeedError as error:
        parsed, file_problem = None, error.message
    on_progress(upload_id, 40)
    if parsed is not None:
        summary, matching = check(partner_id=shop.partner_id, parsed=parsed, preview=False)
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
        elif summary["problems_total"] and mode == MODE_GOOD and summary["rows_good"]:
            good = matching.good_writes(parsed.conflicting_rows)
            changed = write_stock(partner_id=shop.partner_id, writes=good)
            log.outcome = SyncOutcome.APPLIED
            log.rows_total = summary["rows_total"]
            log.rows_applied = changed
            log.rows_unchanged = len(good) - changed
            log.rows_failed = summary["rows_failed"]
            log.rows_unmatched = summary["rows_unmatched"]
            log.message = gettext_noop(
                "Applied the good rows, as you chose; the rows with problems were skipped."
            )
            log.report = {
                "problems": summary["problems"],
                "problems_total": summary["problems_total"],
                "skipped": summary["rows_skipped"],
            }
            record_success(connection, full_sync=False)
        elif summary["problems_total"]:
            _reject(log, message=REJECTED_WHOLE, summary=summary)
            # The sentence is stored untranslated, its numbers beside it: the log page
            # says it in the reader's language, like the rest of the page.
            log.report["message_params"] = {
                "failed": summary["rows_failed"],
                "unmatched": summary["rows_unmatched"],
            }
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


REJECTED_WHOLE = gettext_noop(
    "Nothing was applied: %(failed)s row(s) with errors and %(unmatched)s unmatched "
    "row(s). A feed is applied whole or not at all."
)


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
