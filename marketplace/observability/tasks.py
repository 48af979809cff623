"""Celery signal hooks: the request id rides in the task's headers, task outcomes are counted,
the worker logs through settings.LOGGING and (METRICS_PORT set) serves its own /metrics.

Connected when marketplace.celery is imported, which web and worker both do.
"""

import logging
import os
import time

from celery import signals

from . import metrics
from .context import request_id

logger = logging.getLogger(__name__)
HEADER = "x_request_id"
_running: dict[str, tuple] = {}  # task id -> (context token, start)


@signals.before_task_publish.connect
def carry_request_id(headers=None, **_):
    rid = request_id.get()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


def sent_request_id(task) -> str | None:
    request = task.request
    return getattr(request, HEADER, None) or (request.headers or {}).get(HEADER)


@signals.task_prerun.connect
def restore_request_id(task_id=None, task=None, **_):
    # An eager task runs inside the request and already has its id.
    rid = sent_request_id(task) or request_id.get()
    _running[task_id] = (request_id.set(rid), time.perf_counter())


@signals.task_postrun.connect
def log_and_count(task_id=None, task=None, state=None, **_):
    token, started = _running.pop(task_id, (None, time.perf_counter()))
    metrics.TASKS.labels(task=task.name, state=state or "UNKNOWN").inc()
    logger.info(
        "task %s %s",
        task.name,
        state,
        extra={
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # ended in another context than it started (some pools)
            request_id.set(None)


@signals.task_failure.connect
def count_failure(sender=None, **_):
    metrics.TASK_FAILURES.labels(task=sender.name).inc()


@signals.setup_logging.connect
def use_django_logging(**_):
    """Celery keeps its hands off the root logger: worker and beat log like the web."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@signals.worker_init.connect
def serve_worker_metrics(**_):
    """The worker's own task counts on METRICS_PORT (its container is not the web's). With
    the prefork pool set PROMETHEUS_MULTIPROC_DIR too, so the children's counts are merged."""
    port = os.environ.get("METRICS_PORT")
    if not port:
        return
    from prometheus_client import start_http_server

    address = os.environ.get("METRICS_ADDR", "127.0.0.1")
    start_http_server(int(port), addr=address, registry=metrics.process_registry())
    logger.info("worker metrics on %s:%s", address, port)
