"""E-mails of returns, sent after the step commits (subscribed in apps.py)."""

from marketplace import events
from marketplace.outbox import enqueue

from .tasks import send_return_email


def email_requested(event: events.ReturnRequested) -> None:
    enqueue(send_return_email, event.return_id, "requested")
    enqueue(send_return_email, event.return_id, "shop_new")


def email_refunded(event: events.ReturnRefunded) -> None:
    enqueue(send_return_email, event.return_id, "refunded")


def subscribe() -> None:
    events.subscribe(events.ReturnRequested, email_requested)
    events.subscribe(events.ReturnRefunded, email_refunded)
