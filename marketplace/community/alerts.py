"""Back-in-stock alerts: a consumer's Oscar ProductAlert on a product, due when any active
shop has the product (the same EAN is one Product with a StockRecord per shop) for sale
online again.

Stock comes back in many ways: a POS webhook or poll (inventory_sync/counts.py, one SQL
statement), a CSV or XLSX feed (stock_writes.py, COPY + UPDATE), a stock take, a hand edit
(services.set_on_hand), a reservation released by an unpaid or rejected order, a shop that
lowers its safety buffer or is reopened. None of them passes through one Python function or
a model signal (bulk and SQL writes send none), so instead of a hook in each, the beat asks
the database which open alerts are due (`send-back-in-stock-alerts`, every minute): it sees
every one of those ways with one indexed query, and costs nothing while nobody waits.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.availability import in_stock_online
from marketplace.outbox import enqueue
from shops.models import ShopStatus

ProductAlert = get_model("customer", "ProductAlert")
StockRecord = get_model("partner", "StockRecord")
BATCH = 500


def offers_for_sale():
    """Stock records of active shops with at least one unit for sale online."""
    return StockRecord.objects.filter(in_stock_online(), partner__shop__status=ShopStatus.ACTIVE)


def for_sale_anywhere(product_id: int) -> bool:
    return offers_for_sale().filter(product_id=product_id).exists()


def close_due_alerts(*, limit: int = BATCH) -> list[int]:
    """Closes up to `limit` open alerts whose product is for sale again and queues each one's
    e-mail (sent on commit, keyed by the alert). Returns the closed alerts' ids.

    Safe to run in several workers at once: due rows are locked with SKIP LOCKED and closed
    with a guarded UPDATE from "Active", so an alert is closed, and e-mailed, once.
    """
    from .tasks import send_back_in_stock_email

    sold_again = offers_for_sale().filter(product_id=OuterRef("product_id"))
    with transaction.atomic():
        due = list(
            ProductAlert.objects.select_for_update(skip_locked=True)
            .filter(status=ProductAlert.ACTIVE, user__isnull=False)
            .filter(Exists(sold_again))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not due:
            return []
        ProductAlert.objects.filter(pk__in=due, status=ProductAlert.ACTIVE).update(
            status=ProductAlert.CLOSED, date_closed=timezone.now()
        )
        for alert_id in due:
            enqueue(send_back_in_stock_email, alert_id)
    return due
