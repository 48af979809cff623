"""E-mails of the shop life cycle, sent once the decision has committed.

The project's task class dispatches on commit (marketplace/celery.py), so a rolled-back
approval never e-mails anyone. A mail server that is away is retried; the decision stands.
"""

from functools import partial

from celery import shared_task

from marketplace.outbox import event_key, send_email_once

from . import onboarding_emails


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_application_received_email(self, shop_id: int) -> None:
    try:
        send_email_once(
            event_key(self), partial(onboarding_emails.send_application_received, shop_id)
        )
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_shop_approved_email(self, shop_id: int, owner_id: int, payout_link: str) -> None:
    try:
        send_email_once(
            event_key(self),
            partial(onboarding_emails.send_shop_approved, shop_id, owner_id, payout_link),
        )
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_shop_rejected_email(self, shop_id: int) -> None:
    try:
        send_email_once(event_key(self), partial(onboarding_emails.send_shop_rejected, shop_id))
    except OSError as error:
        raise self.retry(exc=error) from error
