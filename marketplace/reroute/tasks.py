from functools import partial

from celery import shared_task

from marketplace.outbox import send_email_once

from . import emails, services


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_chance_email(self, chance_id: int, kind: str) -> None:
    try:
        send_email_once(
            f"reroute-{kind}-{chance_id}", partial(emails.send_chance_email, chance_id, kind)
        )
    except OSError as error:  # the mail server is away: try later
        raise self.retry(exc=error) from error


@shared_task
def expire_chances() -> int:
    """Beat: refunds the refused lines nobody moved in time."""
    return services.expire_chances()
