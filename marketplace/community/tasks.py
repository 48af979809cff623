"""Tasks of "my town": load by id, call the service, own the retries. Each e-mail is keyed
(marketplace.outbox.send_email_once), so a redelivered task sends nothing new."""

from functools import partial

from celery import shared_task

from marketplace.outbox import send_email_once

from . import emails
from .alerts import close_due_alerts
from .models import NewsPost
from .selectors import news_recipients


@shared_task
def send_due_alerts() -> int:
    """Beat: closes the alerts whose product is for sale again and queues their e-mails."""
    return len(close_due_alerts())


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_back_in_stock_email(self, alert_id: int) -> None:
    try:
        send_email_once(f"back-in-stock-{alert_id}", partial(emails.send_back_in_stock, alert_id))
    except OSError as error:  # the mail server is away: try later
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_news_post(self, post_id: int) -> int:
    """E-mails a post once to each follower who asked for news; returns how many went now.
    Safe to run again: those sent already are skipped by their key."""
    post = NewsPost.objects.filter(pk=post_id).first()
    if post is None:  # deleted before the task ran
        return 0
    sent = 0
    try:
        for user_id in news_recipients(post=post).values_list("pk", flat=True):
            sent += send_email_once(
                f"news-{post_id}-{user_id}", partial(emails.send_news, post_id, user_id)
            )
    except OSError as error:
        raise self.retry(exc=error) from error
    return sent
