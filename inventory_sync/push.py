"""The generic push API's effect: absolute quantities per SKU, all or nothing.

Kept apart from the DRF view so the rules read (and test) without HTTP.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from .connections import record_success
from .counts import Count, write_counts
from .models import PosConnection, SyncKind, SyncLog, SyncOutcome
from .stock_writes import StockWrite, write_stock

StockRecord = get_model("partner", "StockRecord")


@dataclass
class PushResult:
    status: int
    body: dict = field(default_factory=dict)


def unknown_skus(*, partner_id: int, items: list[dict]) -> dict[int, dict]:
    """Per-item errors keyed by the item's index, the shape DRF gives for a list of items;
    empty when every SKU is this shop's and named once."""
    skus = [item["sku"] for item in items]
    known = set(
        StockRecord.objects.filter(partner_id=partner_id, partner_sku__in=skus).values_list(
            "partner_sku", flat=True
        )
    )
    errors, seen = {}, set()
    for index, sku in enumerate(skus):
        if sku not in known:
            errors[index] = {"sku": [_("No product of this shop has this SKU.")]}
        elif sku in seen:
            errors[index] = {"sku": [_("This SKU appears twice in the request.")]}
        seen.add(sku)
    return errors


def apply_push(*, connection: PosConnection, items: list[dict], occurred_at=None) -> PushResult:
    """Locks the named records in id order, checks every compare value, then writes all.

    One mismatched compare value means the caller's picture is out of date: nothing is
    applied (409) and every conflict is listed, so the caller can re-read and resend.
    With `occurred_at` (the POS's time of the counts) a record that already has a newer or
    equal count keeps it: the push arrived late, and its SKUs are listed as stale.
    """
    shop = connection.shop
    by_sku = {item["sku"]: item for item in items}
    with transaction.atomic():
        records = list(
            StockRecord.objects.select_for_update()
            .filter(partner_id=shop.partner_id, partner_sku__in=list(by_sku))
            .order_by("pk")
            .values_list("pk", "partner_sku", "num_in_stock")
        )
        conflicts = [
            {"sku": sku, "expected": by_sku[sku]["expected"], "on_hand": on_hand}
            for _pk, sku, on_hand in records
            if by_sku[sku].get("expected") is not None and by_sku[sku]["expected"] != on_hand
        ]
        log = SyncLog(
            shop=shop,
            connection=connection,
            kind=SyncKind.PUSH,
            source="push API",
            rows_total=len(items),
            finished_at=timezone.now(),
        )
        if conflicts:
            log.outcome = SyncOutcome.CONFLICT
            log.message = _("Compare value did not match; nothing was applied.")
            log.report = {
                "problems": [
                    {
                        "row": "",
                        "column": "expected",
                        "value": str(c["expected"]),
                        "message": _("sku %(sku)s: on hand is %(on_hand)s")
                        % {"sku": c["sku"], "on_hand": c["on_hand"]},
                    }
                    for c in conflicts
                ],
                "problems_total": len(conflicts),
            }
            log.save()
            return PushResult(
                409,
                {
                    "detail": _("Compare value mismatch; nothing was applied."),
                    "conflicts": conflicts,
                },
            )
        changed, stale = _write(records, by_sku, occurred_at, shop.partner_id)
        log.outcome = SyncOutcome.APPLIED
        log.rows_applied = changed
        log.rows_unchanged = len(records) - changed
        if stale:
            log.message = _("%(count)s SKU(s) had a newer count already; left as they were.") % {
                "count": len(stale)
            }
        log.save()
        record_success(connection, full_sync=False)
    body: dict[str, object] = {
        "applied": changed,
        "unchanged": len(records) - changed,
        "sync_log": log.pk,
    }
    if occurred_at is not None:
        body["stale"] = stale
    return PushResult(200, body)


def _write(records, by_sku, occurred_at, partner_id) -> tuple[int, list[str]]:
    """(records changed, SKUs skipped as stale)."""
    if occurred_at is None:
        writes = [StockWrite(pk, by_sku[sku]["quantity"], None) for pk, sku, _on_hand in records]
        return write_stock(partner_id=partner_id, writes=writes), []
    result = write_counts(
        [Count(pk, by_sku[sku]["quantity"], occurred_at) for pk, sku, _on_hand in records]
    )
    stale = sorted(sku for pk, sku, _on_hand in records if pk not in result.fresh)
    return len(result.changed), stale
