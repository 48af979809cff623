"""Stripe events: stored with their effect in one transaction, applied once, never lost.

The event row is inserted first; a replay or a concurrent duplicate hits its unique event id
(on PostgreSQL the second insert waits for the first transaction, then fails) and changes
nothing. The effect runs in a savepoint: if it cannot be applied yet (its order or account is
not here yet, events out of order) or fails, the row is kept as waiting and a beat task tries
it again with back-off, oldest first.
"""

import hashlib
import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import EventStatus, WebhookEvent
from .stripe_events import HANDLERS, NotYet

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 20
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)


def next_attempt(attempts: int, now: datetime) -> datetime:
    return now + min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


def receive_event(*, event: dict) -> WebhookEvent | None:
    """Stores and applies a verified event; None when it was already received."""
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                payload=event,
                status=EventStatus.WAITING,
            )
            apply_event(record)
    except IntegrityError:
        if not WebhookEvent.objects.filter(event_id=event["id"]).exists():
            raise
        logger.info("Stripe event %s received again; nothing changed", event["id"])
        return None
    return record


def store_invalid_event(*, body: bytes, reason: str, payload) -> WebhookEvent:
    """Keeps a signed body that is not a usable event, as invalid: never applied, never
    retried. Keyed on its own id when it has a usable one, else on a hash of the body, so
    the same body sent again stores nothing new."""
    event_id = payload.get("id") if isinstance(payload, dict) else None
    if not isinstance(event_id, str) or not event_id or len(event_id) > 100:
        event_id = "invalid:" + hashlib.sha256(body).hexdigest()
    kind = payload.get("type") if isinstance(payload, dict) else None
    record, _created = WebhookEvent.objects.get_or_create(
        event_id=event_id,
        defaults={
            "type": kind[:100] if isinstance(kind, str) else "",
            "payload": payload,
            "status": EventStatus.INVALID,
            "error": reason[:500],
        },
    )
    return record


def apply_event(record: WebhookEvent, *, now: datetime | None = None) -> None:
    """Applies a stored event in a savepoint and saves its outcome. Call in a transaction."""
    now = now or timezone.now()
    handler = HANDLERS.get(record.type)
    record.attempts += 1
    if handler is None:
        record.status = EventStatus.IGNORED
    else:
        try:
            with transaction.atomic():
                problem = handler(record.payload["data"]["object"])
        except NotYet as reason:
            wait(record, str(reason), now)
        except Exception as error:
            logger.exception("Stripe event %s (%s) failed", record.event_id, record.type)
            wait(record, f"{type(error).__name__}: {error}", now)
        else:
            # A handler's note means: applied as far as it goes, the rest needs a person.
            record.status = EventStatus.FAILED if problem else EventStatus.APPLIED
            record.error, record.applied_at, record.next_attempt_at = problem or "", now, None
    record.save()


def wait(record: WebhookEvent, error: str, now: datetime) -> None:
    record.error = error[:500]
    if record.attempts >= MAX_ATTEMPTS:
        # Kept for a person to look at; the payload is all there.
        record.status, record.next_attempt_at = EventStatus.FAILED, None
        logger.error("Stripe event %s gave up after %s attempts", record.event_id, record.attempts)
        return
    record.status, record.next_attempt_at = EventStatus.WAITING, next_attempt(record.attempts, now)


def retry_waiting_events(*, now: datetime | None = None, limit: int = 100) -> int:
    """Applies waiting events that are due, oldest first; a row locked by a concurrent run is
    skipped. Returns how many were applied now."""
    now = now or timezone.now()
    due = WebhookEvent.objects.filter(status=EventStatus.WAITING, next_attempt_at__lte=now)
    applied = 0
    for event_pk in list(due.order_by("received_at", "pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            record = (
                WebhookEvent.objects.select_for_update(skip_locked=True)
                .filter(pk=event_pk, status=EventStatus.WAITING)
                .first()
            )
            if record is not None:
                apply_event(record, now=now)
                applied += record.status == EventStatus.APPLIED
    return applied


class EventNotOpen(Exception):
    """The event was applied or handled meanwhile (a second click, another person)."""


def open_event(event_pk: int, *statuses: str) -> WebhookEvent:
    """The event, locked, if it is in one of `statuses`; call in a transaction."""
    record = WebhookEvent.objects.select_for_update().filter(pk=event_pk).first()
    if record is None or record.status not in statuses:
        raise EventNotOpen(event_pk)
    return record


def retry_now(*, event_pk: int, now: datetime | None = None) -> WebhookEvent:
    """A person asks for another try at once (e.g. after fixing its order in the admin)."""
    with transaction.atomic():
        record = open_event(event_pk, EventStatus.WAITING, EventStatus.FAILED)
        apply_event(record, now=now)
    return record


def mark_handled(*, event_pk: int, user, note: str) -> WebhookEvent:
    """A person dealt with a failed event outside the marketplace; says who and what."""
    with transaction.atomic():
        record = open_event(event_pk, EventStatus.FAILED)
        record.status, record.next_attempt_at = EventStatus.HANDLED, None
        record.handled_by, record.handled_at = user, timezone.now()
        record.handled_note = note[:300]
        record.save()
    logger.info("Stripe event %s handled by %s: %s", record.event_id, user.pk, note)
    return record
