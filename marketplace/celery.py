"""The Celery app. Settings come from Django's CELERY_* settings (see settings/base.py)."""

import contextvars
import logging
import os
import time
from datetime import datetime, timedelta
from functools import partial

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.utils import uuid
from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseConnectionError
from kombu.exceptions import OperationalError

from marketplace.observability import tasks as _observability  # noqa: F401 (signal hooks)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")
logger = logging.getLogger(__name__)


class OnCommitTask(DjangoTask):
    """Sends a task only once the surrounding transaction commits.

    A task dispatched inside a transaction that later rolls back must never run, and a
    worker must never look for rows that are not committed yet. Outside a transaction
    the task is sent at once. The id is fixed up front so callers still get a result handle.

    A task that fails because the database connection was lost (a restarted or failed-over
    PostgreSQL, a terminated backend) is retried with a growing, jittered delay; the worker
    opens a fresh connection for the retry. Tasks are keyed so a retry does nothing twice.
    A task's own `autoretry_for` replaces this one.
    """

    autoretry_for = (DatabaseConnectionError, InterfaceError)
    retry_backoff = 2  # 2, 4, 8 ... s with full jitter
    retry_backoff_max = 120
    retry_kwargs = {"max_retries": 6}  # about two minutes of a database away, then it fails

    def retry(self, args=None, kwargs=None, exc=None, throw=True, eta=None, countdown=None, **opts):
        """A retry waits at most `longest_wait()`: a worker holds a waiting task
        unacknowledged, and past the visibility timeout Redis would hand a copy to another."""
        if countdown is not None:
            countdown = min(countdown, longest_wait())
        if eta is not None:
            eta = min(eta, datetime.now(eta.tzinfo) + timedelta(seconds=longest_wait()))
        # A worker puts a message's own headers on the request itself, and Celery's retry
        # does not carry them: the outbox row's id stays the key of the event.
        outbox_id = self.request.get("outbox_id")
        if outbox_id is not None:
            opts["headers"] = {**(opts.get("headers") or {}), "outbox_id": outbox_id}
        return super().retry(args, kwargs, exc, throw, eta, countdown, **opts)

    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        task_id = task_id or uuid()
        send = partial(super().apply_async, args, kwargs, task_id=task_id, **options)
        if transaction.get_connection().in_atomic_block:
            # Sent later, but in the caller's context: the request id rides along.
            context = contextvars.copy_context()
            if not self.app.conf.task_always_eager:
                send = partial(send, retry_policy={"max_retries": 0})  # see send_after_commit
            transaction.on_commit(partial(context.run, send_after_commit, send, self.name))
            return self.AsyncResult(task_id)
        return send()


def send_after_commit(send, name: str) -> None:
    """After the commit a broker error can undo nothing; raised, it would only turn the
    committed truth into a 500. Tasks whose effect matters go through the outbox
    (marketplace/outbox.py); the others are lost while the broker is down, and logged.
    One try, and none for BROKER_PAUSE_SECONDS after a failure: a frozen broker then costs
    one request of this process one socket timeout, not every request several."""
    if broker_paused():
        logger.warning("task %s not sent after commit: the broker failed moments ago", name)
        return
    try:
        send()
    except OperationalError:
        pause_broker()
        logger.exception("task %s not sent after commit: the broker is unreachable", name)


def longest_wait() -> float:
    """The longest countdown a task may wait in a worker: a minute below the visibility
    timeout (CELERY_BROKER_TRANSPORT_OPTIONS)."""
    visibility = app.conf.broker_transport_options.get("visibility_timeout", 3600)
    return max(visibility - 60, 1)


def try_send(task, *args, **options) -> bool:
    """Sends a task whose work is also kept elsewhere (a stored row the beat picks up), at
    once: one try, none during the pause after a failure, never raising. False when it
    was not sent."""
    if broker_paused():
        return False
    try:
        task.apply_async(args, retry_policy={"max_retries": 0}, **options)
    except OperationalError:
        pause_broker()
        logger.warning("task %s not sent: the broker is unreachable", task.name)
        return False
    return True


# After a failed send after commit, this process's requests leave the broker alone for
# this long (marketplace/outbox.py: their rows wait for the relay).
BROKER_PAUSE_SECONDS = 5.0
_broker_paused_until = 0.0


def broker_paused() -> bool:
    return not app.conf.task_always_eager and time.monotonic() < _broker_paused_until


def pause_broker() -> None:
    global _broker_paused_until
    _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS


def resume_broker() -> None:
    """Ends the pause at once (tests; a broker known to be back)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


app = Celery("marketplace", task_cls=OnCommitTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
