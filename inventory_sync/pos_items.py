"""A POS's item ids mapped to this shop's stock records: by SKU first, then by EAN."""

from django.db import transaction
from oscar.core.loading import get_model

from marketplace.gtin import gtin_key

from .connectors.values import ItemData
from .event_models import EventStatus, PosItem, WebhookEvent
from .models import PosConnection

StockRecord = get_model("partner", "StockRecord")


def record_matcher(partner_id: int):
    """A function (sku, ean) -> stock record id of this shop, from one read of its records."""
    by_sku: dict[str, int] = {}
    by_ean: dict[str, int] = {}
    for pk, sku, upc in StockRecord.objects.filter(partner_id=partner_id).values_list(
        "pk", "partner_sku", "product__upc"
    ):
        by_sku.setdefault(sku, pk)
        if key := gtin_key(upc):
            by_ean.setdefault(key, pk)

    def match(sku: str, ean: str) -> int | None:
        found = by_sku.get(sku) if sku else None
        if found is None and (key := gtin_key(ean)):
            found = by_ean.get(key)
        return found

    return match


def store_items(*, connection: PosConnection, items: list[ItemData]) -> int:
    """Upserts the POS's items and (re)matches every item of the connection; returns how
    many are unmatched. Unmatched webhooks of this connection are queued again: a new
    product or a new link may now match them (nothing is lost)."""
    with transaction.atomic():
        PosItem.objects.bulk_create(
            [
                PosItem(
                    connection=connection,
                    external_id=item.external_id[:100],
                    sku=item.sku[:128],
                    ean=item.ean[:64],
                    title=item.title[:255],
                    price=item.price,
                )
                for item in items
            ],
            update_conflicts=True,
            update_fields=["sku", "ean", "title", "price"],
            unique_fields=["connection", "external_id"],
            batch_size=1000,
        )
        unmatched = rematch_items(connection=connection)
        WebhookEvent.objects.filter(connection=connection, status=EventStatus.UNMATCHED).update(
            status=EventStatus.PENDING
        )
    return unmatched


def rematch_items(*, connection: PosConnection) -> int:
    match = record_matcher(connection.shop.partner_id)
    changed, unmatched = [], 0
    for item in PosItem.objects.filter(connection=connection).only(
        "pk", "sku", "ean", "stockrecord_id"
    ):
        found = match(item.sku, item.ean)
        unmatched += found is None
        if found != item.stockrecord_id:
            item.stockrecord_id = found
            changed.append(item)
    PosItem.objects.bulk_update(changed, ["stockrecord"], batch_size=1000)
    return unmatched


def records_for_items(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """(connection id, external id) -> stock record id, for the matched ones; one query."""
    if not pairs:
        return {}
    connection_ids = {c for c, _ in pairs}
    external_ids = {e for _, e in pairs}
    rows = PosItem.objects.filter(
        connection_id__in=connection_ids,
        external_id__in=external_ids,
        stockrecord__isnull=False,
    ).values_list("connection_id", "external_id", "stockrecord_id")
    return {(c, e): r for c, e, r in rows if (c, e) in pairs}
