"""Polling POS systems: the full count for Lightspeed, a reconciliation for Shopify and
Square (whose webhooks can be lost). A POS that answers 429 or 5xx is left alone for a
growing while (connections.record_failure), and the page says so."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .connections import record_failure, record_success
from .connectors import connector_for
from .connectors.http import PosError
from .counts import Count, write_counts
from .event_models import PosItem
from .models import PosConnection, PosKind, SyncKind, SyncLog, SyncOutcome
from .pos_items import store_items

POLLED_KINDS = (PosKind.SHOPIFY, PosKind.SQUARE, PosKind.LIGHTSPEED)
# Lightspeed has no webhooks: its poll is the sync. For the others it only reconciles.
POLL_INTERVAL: dict[str, timedelta] = {
    PosKind.LIGHTSPEED: timedelta(minutes=5),
    PosKind.SHOPIFY: timedelta(hours=1),
    PosKind.SQUARE: timedelta(hours=1),
}
WRITE_CHUNK = 5000
REPORTED_ITEMS = 500


def connections_due(now) -> list[int]:
    """Polled connections whose time has come and that are not backing off; their next
    poll is moved forward in the same statement's transaction so beat never sends two."""
    with transaction.atomic():
        due = list(
            PosConnection.objects.select_for_update(skip_locked=True)
            .filter(kind__in=POLLED_KINDS)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .filter(Q(backoff_until__isnull=True) | Q(backoff_until__lte=now))
            .exclude(settings={})
        )
        for connection in due:
            connection.next_poll_at = now + POLL_INTERVAL[connection.kind]
        PosConnection.objects.bulk_update(due, ["next_poll_at"])
    return [connection.pk for connection in due]


def poll_connection(*, connection_id: int, now=None) -> SyncLog | None:
    """Fetches items and counts, then writes them in one transaction; returns the log.

    Idempotent: counts carry the POS's change time (or the poll's start) and go through the
    stale guard, so a repeated poll changes nothing. Skipped while backing off.
    """
    now = now or timezone.now()
    connection = PosConnection.objects.select_related("shop").get(pk=connection_id)
    if connection.backoff_until and connection.backoff_until > now:
        return None
    connector = connector_for(connection)
    if connector is None:
        return None
    log = SyncLog(shop=connection.shop, connection=connection, kind=SyncKind.POLL)
    log.source = connection.get_kind_display()
    try:
        items, levels = connector.fetch()
    except PosError as error:
        record_failure(
            connection,
            message=error.message,
            retry_after=error.retry_after,
            now=now,
            detail=error.detail,
        )
        log.outcome, log.message = SyncOutcome.FAILED, error.message
        log.finished_at = timezone.now()
        log.save()
        return log
    with transaction.atomic():
        store_items(connection=connection, items=items)
        fill_log(log, connection, levels, started=now)
        log.save()
        record_success(connection, full_sync=True)
    from .webhooks import schedule_apply

    schedule_apply()  # webhooks waiting for this catalogue may match now
    return log


def fill_log(log: SyncLog, connection, levels, *, started) -> None:
    links = dict(
        PosItem.objects.filter(connection=connection, stockrecord__isnull=False).values_list(
            "external_id", "stockrecord_id"
        )
    )
    counts = [
        Count(links[level.external_id], level.quantity, level.at or started)
        for level in levels
        if level.external_id in links
    ]
    fresh = changed = 0
    for start in range(0, len(counts), WRITE_CHUNK):
        result = write_counts(counts[start : start + WRITE_CHUNK])
        fresh, changed = fresh + len(result.fresh), changed + len(result.changed)
    unmatched = list(
        PosItem.objects.filter(connection=connection, stockrecord__isnull=True).order_by("pk")
    )
    log.outcome = SyncOutcome.APPLIED
    log.rows_total = len(levels)
    log.rows_applied = changed
    log.rows_unchanged = len(counts) - changed
    log.rows_unmatched = len(unmatched)
    log.finished_at = timezone.now()
    log.message = _(
        "%(changed)s changed, %(older)s older than what we had (ignored),"
        " %(unmatched)s POS item(s) without a matching product."
    ) % {"changed": changed, "older": len(counts) - fresh, "unmatched": len(unmatched)}
    log.report = {
        "problems": [
            {
                "row": "",
                "column": "sku" if item.sku else "ean",
                "value": item.sku or item.ean or item.external_id,
                "message": _("no product of this shop has this SKU or EAN (%(title)s)")
                % {"title": item.title},
                "pos_item": item.pk,
            }
            for item in unmatched[:REPORTED_ITEMS]
        ],
        "problems_total": len(unmatched),
    }
