"""The Celery app. Settings come from Django's CELERY_* settings (see settings/base.py)."""

import contextvars
import logging
import os
import time
from functools import partial

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.utils import uuid
from django.db import transaction
from kombu.exceptions import OperationalError

from marketplace.observability import tasks as _observability  # noqa: F401 (signal hooks)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")
logger = logging.getLogger(__name__)


class OnCommitTask(DjangoTask):
    """Sends a task only once the surrounding transaction commits.

    A task dispatched inside a transaction that later rolls back must never run, and a
    worker must never look for rows that are not committed yet. Outside a transaction
    the task is sent at once. The id is fixed up front so callers still get a result handle.
    """

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
