from functools import partial

from celery import shared_task

from marketplace.outbox import send_email_once
from marketplace.payments.gateway import GatewayUnavailable

from . import emails, services


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_chance_email(self, chance_id: int, kind: str) -> None:
    try:
        send_email_once(
            f"reroute-{kind}-{chance_id}", partial(emails.send_chance_email, chance_id, kind)
        )
    except OSError as error:  # the mail server is away: try later
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_line_added_email(self, joined_id: int) -> None:
    """The shop is told a moved line was added to its part (join_part.py)."""
    try:
        send_email_once(
            f"reroute-line-added-{joined_id}", partial(emails.send_line_added_email, joined_id)
        )
    except OSError as error:  # the mail server is away: try later
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=10, default_retry_delay=60)
def refund_late_top_up(self, top_up_id: int) -> None:
    try:
        services.send_late_top_up_refund(top_up_id=top_up_id)
    except GatewayUnavailable as error:  # nothing decided: the same key next time
        raise self.retry(exc=error) from error


@shared_task
def expire_chances() -> int:
    """Beat: refunds the refused lines nobody moved in time."""
    return services.expire_chances()
