"""Celery tasks of the dispatcher: planning on the beat, and the e-mails of the courier's
stops (a failed stop; "your courier is next"); parts nobody collects (reminder, cancel)."""

from functools import partial

from celery import shared_task
from django.utils import timezone

from marketplace.outbox import event_key, send_email_once

from . import dispatch, emails, uncollected


@shared_task
def plan_routes_task() -> dict:
    """Beat (CELERY_BEAT_SCHEDULE "plan-routes"): re-plans today's routes."""
    now = timezone.now()
    return dispatch.plan_day(day=timezone.localdate(now), now=now).as_dict()


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_failure_emails(self, part_id: int, reason: str) -> None:
    try:
        send_email_once(event_key(self), partial(emails.send_part_failed, part_id, reason))
    except OSError as error:  # the mail server is away: try later
        raise self.retry(exc=error) from error


@shared_task
def remind_uncollected_parts() -> int:
    """Beat ("remind-uncollected-parts"): one reminder per part a day after it was ready."""
    return uncollected.send_reminders()


@shared_task
def cancel_uncollected_parts() -> int:
    """Beat ("cancel-uncollected-parts"): cancels and refunds parts nobody collected."""
    return uncollected.cancel_overdue()


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_collect_reminder_email(self, part_id: int) -> None:
    """Sent after the commit that set collect_reminder_sent_at (uncollected), so once."""
    try:
        key = f"collect-reminder-{part_id}"  # claimed once per part (uncollected)
        send_email_once(key, partial(emails.send_collect_reminder, part_id))
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_courier_next_email(self, part_id: int) -> None:
    """Sent after the commit that set next_notified_at (route_progress), so once per attempt."""
    try:
        send_email_once(event_key(self), partial(emails.send_courier_next, part_id))
    except OSError as error:
        raise self.retry(exc=error) from error
