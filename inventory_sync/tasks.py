from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from marketplace.outbox import enqueue

from . import feed_apply, upload_checks


@shared_task
def apply_stock_upload(upload_id: int, mode: str = feed_apply.MODE_ALL) -> None:
    """A large stock file, applied off the request; the upload page polls its progress."""
    try:
        feed_apply.apply_upload(upload_id, mode=mode)
    except (DatabaseError, OSError) as error:  # the database or the file store went away
        feed_apply.mark_failed(upload_id, error)


@shared_task(
    soft_time_limit=upload_checks.CHECK_SOFT_SECONDS,
    time_limit=upload_checks.CHECK_HARD_SECONDS,
    # Not acknowledged late: a file that kills its worker must not be handed to the next one.
    acks_late=False,
)
def check_stock_upload(upload_id: int) -> None:
    """A workbook's or large CSV's parse, off the request; the upload page follows it."""
    try:
        upload_checks.check_upload(upload_id=upload_id)
    except SoftTimeLimitExceeded:
        upload_checks.refuse_upload(upload_id=upload_id, message=upload_checks.took_too_long())


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=10)
def apply_webhook_events() -> int:
    """Applies stored webhooks in micro-batches until none is pending. Coalesced: the
    webhook view queues it only when no run is queued (see webhooks.schedule_apply)."""
    from .event_apply import apply_pending_events
    from .webhooks import APPLY_SCHEDULED_KEY

    cache.delete(APPLY_SCHEDULED_KEY)  # before reading: later events queue a new run
    total = 0
    while taken := apply_pending_events():
        total += taken
    return total


@shared_task
def poll_due_connections() -> int:
    """Beat: polls every POS connection whose time has come and that is not backing off."""
    from .polling import connections_due

    due = connections_due(timezone.now())
    for connection_id in due:
        poll_connection.delay(connection_id)
    return len(due)


@shared_task
def poll_connection(connection_id: int) -> None:
    from .polling import poll_connection as poll

    poll(connection_id=connection_id)


def queue_first_poll(connection) -> None:
    """Polls a POS we poll as soon as its settings are committed, not at the next beat: the
    poll learns the POS's item ids, so its webhooks can be matched from then on. Safe to
    call again: a poll only sets counts to what the POS says, with the stale guard."""
    from .polling import POLLED_KINDS

    if connection.kind in POLLED_KINDS:
        enqueue(poll_connection, connection.pk)  # the outbox: sent once the settings commit


@shared_task(bind=True, max_retries=8)
def write_back_sale(self, write_back_id: int) -> None:
    """Sends one online sale to the POS; on 429/5xx retries with growing delays."""
    from .write_back import RetryLater, send_write_back

    try:
        send_write_back(write_back_id=write_back_id)
    except RetryLater as later:
        raise self.retry(countdown=later.seconds) from later
