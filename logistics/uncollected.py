"""Parts nobody collects: one reminder a day after they were ready, and after the days
centre management set (DeliverySettings.uncollected_cancel_days) the part is cancelled and
refunded and its stock goes back on sale (part_states.cancel_uncollected).

A part waits for collection at its shop (a collect part, ready) or at the hub (at_hub). Both
beat tasks take small batches, each part in its own transaction, and are safe to run twice
at once: the reminder is claimed with a guarded UPDATE of `collect_reminder_sent_at`, the
cancellation is the state machine's guarded step (a part collected meanwhile is refused).
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from marketplace.outbox import enqueue

from .models import DeliverySettings, OrderPart, PartMethod, PartStatus
from .part_states import TransitionRefused, cancel_uncollected

S = PartStatus
REMIND_AFTER = timedelta(days=1)
BATCH = 100
logger = logging.getLogger(__name__)


def waiting_since(moment: datetime) -> QuerySet[OrderPart]:
    """Parts waiting for their consumer since `moment` or earlier."""
    at_shop = Q(status=S.READY, method=PartMethod.COLLECT, ready_at__lte=moment)
    at_hub = Q(status=S.AT_HUB, at_hub_at__lte=moment)
    return OrderPart.objects.filter(at_shop | at_hub)


def waiting_since_of(part: OrderPart) -> datetime | None:
    return part.at_hub_at if part.status == S.AT_HUB else part.ready_at


def cancel_moment(part: OrderPart) -> datetime | None:
    """When the part is cancelled if nobody collects it (local time, for the reminder)."""
    since = waiting_since_of(part)
    if since is None:
        return None
    days = DeliverySettings.current().uncollected_cancel_days
    return timezone.localtime(since + timedelta(days=days))


def send_reminders(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Beat: claims each due part's reminder once and sends it after the commit."""
    from .tasks import send_collect_reminder_email

    now = now or timezone.now()
    due = waiting_since(now - REMIND_AFTER).filter(collect_reminder_sent_at__isnull=True)
    claimed = 0
    for part_id, status in due.order_by("pk").values_list("pk", "status")[:limit]:
        with transaction.atomic():
            won = OrderPart.objects.filter(
                pk=part_id, status=status, collect_reminder_sent_at__isnull=True
            ).update(collect_reminder_sent_at=now)
            if won:  # another run (or a collection) got there first otherwise
                enqueue(send_collect_reminder_email, part_id)
                claimed += 1
    return claimed


def cancel_overdue(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Beat: cancels and refunds the parts waiting longer than management's days."""
    now = now or timezone.now()
    days = DeliverySettings.current().uncollected_cancel_days
    due = waiting_since(now - timedelta(days=days)).order_by("pk")
    cancelled = 0
    for part_id in list(due.values_list("pk", flat=True)[:limit]):
        try:
            cancel_uncollected(part_id=part_id)  # its own transaction
        except TransitionRefused:
            continue  # collected (or cancelled) since we looked
        except Exception:  # its refund failed: rolled back whole, tried again next run
            logger.exception("part %s not collected: cancelling it failed", part_id)
            continue
        cancelled += 1
        logger.info("part %s not collected within %s days: cancelled", part_id, days)
    return cancelled
