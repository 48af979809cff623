"""The generic push API's effect: absolute quantities per SKU, all or nothing.

Kept apart from the DRF view so the rules read (and test) without HTTP.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from .connections import record_success
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
            errors[index] = {"sku": ["No product of this shop has this SKU."]}
        elif sku in seen:
            errors[index] = {"sku": ["This SKU appears twice in the request."]}
        seen.add(sku)
    return errors


def apply_push(*, connection: PosConnection, items: list[dict]) -> PushResult:
    """Locks the named records in id order, checks every compare value, then writes all.

    One mismatched compare value means the caller's picture is out of date: nothing is
    applied (409) and every conflict is listed, so the caller can re-read and resend.
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
            log.message = "Compare value did not match; nothing was applied."
            log.report = {
                "problems": [
                    {
                        "row": "",
                        "column": "expected",
                        "value": str(c["expected"]),
                        "message": f"sku {c['sku']}: on hand is {c['on_hand']}",
                    }
                    for c in conflicts
                ],
                "problems_total": len(conflicts),
            }
            log.save()
            return PushResult(
                409,
                {"detail": "Compare value mismatch; nothing was applied.", "conflicts": conflicts},
            )
        writes = [StockWrite(pk, by_sku[sku]["quantity"], None) for pk, sku, _ in records]
        changed = write_stock(partner_id=shop.partner_id, writes=writes)
        log.outcome = SyncOutcome.APPLIED
        log.rows_applied = changed
        log.rows_unchanged = len(writes) - changed
        log.save()
        record_success(connection, full_sync=False)
    return PushResult(
        200, {"applied": changed, "unchanged": len(writes) - changed, "sync_log": log.pk}
    )
