from functools import partial

from celery import shared_task

from marketplace.analytics_counters import count_order
from marketplace.outbox import event_key, once, send_email_once

from . import emails, services


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_order_placed_email(self, order_id: int) -> None:
    try:
        # Keyed by the order: it is placed once, whichever way the task came.
        send_email_once(f"order-placed-{order_id}", partial(emails.send_order_placed, order_id))
    except OSError as error:  # the mail server is away: try later, the order stands
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_part_email(self, part_id: int, kind: str) -> None:
    try:
        send_email_once(event_key(self), partial(emails.send_part_update, part_id, kind))
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_late_payment_email(self, order_id: int) -> None:
    """The payment arrived after the order was cancelled: refunded, and the consumer told."""
    try:
        send_email_once(f"late-payment-{order_id}", partial(emails.send_late_payment, order_id))
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task
def expire_unpaid_orders() -> int:
    """Beat: gives back the stock of orders not paid within the reservation time."""
    return services.expire_unpaid_orders()


@shared_task
def record_order_analytics(order_id: int) -> None:
    """Oscar's purchase counters, updated after the order commits (see apps.py). Keyed by
    the order (it is placed once): a redelivered task counts nothing again."""
    from oscar.core.loading import get_model

    order = get_model("order", "Order").objects.get(pk=order_id)
    once(f"order-analytics-{order_id}", partial(count_order, order))
