import logging

from celery import shared_task
from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def ping(value: str) -> str:
    """Answers its argument: proves a worker takes tasks from the broker and runs them."""
    return f"pong:{value}"


@shared_task
def relay_outbox() -> int:
    """Beat: sends the outbox's waiting tasks (marketplace/outbox.py), then forgets those
    sent a week ago. Safe to run twice."""
    from marketplace.outbox import prune_sent, send_pending

    sent = send_pending()
    prune_sent()
    return sent


@worker_ready.connect
def relay_outbox_on_start(**kwargs) -> None:
    """A worker that starts (after an outage, a deploy) sends what waited for the broker."""
    from marketplace.outbox import send_pending

    try:
        send_pending()
    except Exception:  # the worker runs on; the beat relays later
        logger.exception("outbox: relay at worker start failed")
