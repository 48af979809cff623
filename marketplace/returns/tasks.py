from functools import partial

from celery import shared_task

from marketplace.outbox import send_email_once

from . import emails


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_return_email(self, return_id: int, kind: str) -> None:
    try:
        # Keyed by the return and kind: each e-mail goes once, however the task came.
        send_email_once(
            f"return-{return_id}-{kind}", partial(emails.send_return_email, return_id, kind)
        )
    except OSError as error:  # the mail server is away: try later
        raise self.retry(exc=error) from error
