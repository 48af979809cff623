"""The transactional outbox: tasks whose effect matters survive a broker outage.

`enqueue(task, *args)` writes an OutboxTask row inside the caller's transaction, so the row
exists exactly when its cause (an order placed, a payment received) committed, and a rolled
back cause leaves nothing. After the commit it tries to send the row at once; a broker that
is down is logged, never raised: the request answers as usual and the row waits in the
database. After a failed send the process's requests leave their rows to the relay for a
few seconds (celery.BROKER_PAUSE_SECONDS), so a frozen broker costs one request one socket
timeout.

`send_pending` (the relay) sends waiting rows oldest first and marks them sent. It runs
from the beat (`relay-outbox`), from `manage.py relay_outbox`, when a worker starts, and
after every later enqueue whose own send went through: whichever runs first once the
broker is back empties the outbox.

A row can be sent twice (the broker took it, then the process died before the row was
marked), so every task sent through here must be safe to run twice. Each message carries
its row's id in the `outbox_id` header: a task may use it as the key of its event
(`send_email_once`).

With eager tasks (no broker: the demo, most tests) nothing is written: the task runs on
commit exactly as `.delay()` does.
"""

import contextvars
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from celery import Task
from django.db import transaction
from django.utils import timezone

from marketplace.celery import app, broker_paused, pause_broker
from marketplace.models import OutboxTask, SentEmail, TaskEffect

logger = logging.getLogger(__name__)

# The longest a waiting row is left alone after failed sends; the wait doubles from 1 s.
MAX_BACKOFF_SECONDS = 60
# Rows sent by a request's after-commit hook on behalf of earlier requests: a few, so one
# person's page never carries a whole outage's backlog.
PIGGYBACK_LIMIT = 20
# The relay reconnects once when publishing (a pooled connection to a Redis that restarted);
# a request tries once: what it cannot send, the relay sends seconds later. (Kombu's retry
# must stay on: without it redis-py retries a refused connection for seconds.)
RELAY_RETRIES, REQUEST_RETRIES = 1, 0
# Sent rows are kept this long for tracing, then pruned by the beat's relay.
SENT_KEPT_DAYS = 7


def enqueue(task: Task, *args, **kwargs) -> None:
    """Records `task(*args, **kwargs)` in the caller's transaction and sends it after the
    commit. Arguments must be JSON values. Never raises for a broker that is down."""
    if app.conf.task_always_eager:
        task.delay(*args, **kwargs)  # OnCommitTask: runs on commit, as before the outbox
        return
    row = OutboxTask.objects.create(
        task_name=task.name, args=list(args), kwargs=kwargs, next_attempt_at=timezone.now()
    )
    # Run in the caller's context (the request id rides along), as OnCommitTask does.
    transaction.on_commit(partial(contextvars.copy_context().run, send_after_commit, row.pk))


def enqueue_for_relay(task: Task, *args, **kwargs) -> None:
    """As `enqueue`, but the request does not send the row: the relay does, within its
    interval, or a later request's send takes it along. For tasks nobody waits for (a
    product view's count): the page never waits on the broker, even a frozen one."""
    if app.conf.task_always_eager:
        task.delay(*args, **kwargs)
        return
    OutboxTask.objects.create(
        task_name=task.name, args=list(args), kwargs=kwargs, next_attempt_at=timezone.now()
    )


def send_after_commit(row_id: int) -> None:
    """The request's own row, then (when the broker took it) a few that wait for it."""
    if broker_paused():
        return  # the broker failed moments ago: the relay sends this row
    try:
        sent, failed = send_rows(ids=[row_id], retries=REQUEST_RETRIES)
        if failed:
            pause_broker()
        elif sent and pending_exists():
            send_rows(limit=PIGGYBACK_LIMIT, retries=REQUEST_RETRIES)
    except Exception:  # the response must tell the truth: the cause committed
        logger.exception("outbox: sending after commit failed; the relay sends it later")


def pending_exists() -> bool:
    waiting = OutboxTask.objects.filter(sent_at__isnull=True)
    return waiting.filter(next_attempt_at__lte=timezone.now()).exists()


def send_pending(*, limit: int = 500, due_only: bool = True) -> int:
    """The relay: sends unsent rows oldest first and marks them sent; returns how many.

    Rows still in their backoff are left alone unless `due_only` is False. Safe to call
    again at any time, from any number of processes (see send_rows).
    """
    sent, _ = send_rows(limit=limit, due_only=due_only, retries=RELAY_RETRIES)
    return sent


def send_rows(
    *, ids: list[int] | None = None, limit: int = 500, due_only: bool = True, retries: int
) -> tuple[int, bool]:
    """Sends unsent rows oldest first, marking each sent; returns (sent, a send failed).

    Locks the rows with SKIP LOCKED, so two relays (or a relay and a request) never send
    the same row at once. Stops at the first failed send: the broker is away, the rest
    would fail too. A failed row counts the attempt and waits (doubling, up to
    MAX_BACKOFF_SECONDS).
    """
    now = timezone.now()
    with transaction.atomic():
        rows = OutboxTask.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        if due_only:
            rows = rows.filter(next_attempt_at__lte=now)
        sent = 0
        for row in rows.order_by("pk")[:limit]:
            try:
                publish(row, retries=retries)
            except Exception as error:
                mark_failed(row, error, now=now)
                return sent, True
            row.sent_at = timezone.now()
            row.attempts += 1
            row.save(update_fields=["sent_at", "attempts"])
            sent += 1
    return sent, False


def prune_sent(*, keep_days: int = SENT_KEPT_DAYS) -> int:
    """Deletes rows sent more than `keep_days` ago (kept meanwhile for tracing)."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = OutboxTask.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


def publish(row: OutboxTask, *, retries: int) -> None:
    app.send_task(
        row.task_name,
        args=row.args,
        kwargs=row.kwargs,
        headers={"outbox_id": row.pk},
        retry=True,
        retry_policy={"max_retries": retries, "interval_start": 0, "interval_step": 0.2},
    )


def mark_failed(row: OutboxTask, error: Exception, *, now) -> None:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    wait = min(2 ** (row.attempts - 1), MAX_BACKOFF_SECONDS)
    row.next_attempt_at = now + timedelta(seconds=wait)
    row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    logger.warning(
        "outbox: %s (row %s) not sent, attempt %s: %s; waiting %s s",
        row.task_name,
        row.pk,
        row.attempts,
        row.last_error,
        wait,
    )


def event_key(task: Task, fallback: str | None = None) -> str | None:
    """The key of the event a running task was sent for: its outbox row when it came
    through the outbox, else `fallback` (None: no key, the task cannot tell a repeat)."""
    # A worker sees the message's headers on the request; Task.apply nests them.
    outbox_id = task.request.get("outbox_id", (task.request.headers or {}).get("outbox_id"))
    if outbox_id is not None:
        return f"outbox-{outbox_id}"
    return fallback


def send_email_once(key: str | None, send: Callable[[], None]) -> bool:
    """Sends an e-mail once per `key`; False when it was already sent under that key.

    The key is written in a transaction held open while the e-mail goes out: a second run
    at the same time waits on the unique key and then finds it; a failed send (an
    exception) rolls the key back, so a retry sends. Only a process that dies between the
    mail server's answer and the commit can send twice. With no key, just sends.
    """
    if key is None:
        send()
        return True
    with transaction.atomic():
        _, created = SentEmail.objects.get_or_create(key=key)
        if not created:
            logger.info("e-mail %s already sent; not again", key)
            return False
        send()
    return True


def once(key: str | None, effect: Callable[[], None]) -> bool:
    """Runs `effect` (writes to our own database) once per `key`: the key and the effect
    commit together, so a redelivered task finds the key and does nothing, and an effect
    that fails leaves no key. False when it was done already. With no key, just runs."""
    if key is None:
        effect()
        return True
    with transaction.atomic():
        _, created = TaskEffect.objects.get_or_create(key=key)
        if not created:
            logger.info("task effect %s already done; not again", key)
            return False
        effect()
    return True
