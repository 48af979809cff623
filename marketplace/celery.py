"""The Celery app. Settings come from Django's CELERY_* settings (see settings/base.py)."""

import contextvars
import os
from functools import partial

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.utils import uuid
from django.db import transaction

from marketplace.observability import tasks as _observability  # noqa: F401 (signal hooks)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")


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
            transaction.on_commit(partial(contextvars.copy_context().run, send))
            return self.AsyncResult(task_id)
        return send()


app = Celery("marketplace", task_cls=OnCommitTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
