"""Prometheus metrics: their definitions and the registry a scrape reads.

Counters and histograms live in this process, or, with PROMETHEUS_MULTIPROC_DIR set (gunicorn's
several workers, Celery's prefork children), in files there that a scrape merges. Gauges of the
database and broker are computed at scrape time (collectors.py).
"""

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_SECONDS = Histogram(
    "stadsmarkt_http_request_duration_seconds",
    "Time to answer a request, by URL pattern name and status class.",
    ["route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter(
    "stadsmarkt_celery_tasks",
    "Celery tasks run, by task name and final state (SUCCESS, FAILURE, RETRY, ...).",
    ["task", "state"],
)
TASK_FAILURES = Counter(
    "stadsmarkt_celery_task_failures",
    "Celery tasks that raised, by task name.",
    ["task"],
)


def observe_request(*, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route=route, status=f"{status // 100}xx").observe(seconds)


def process_registry() -> CollectorRegistry:
    """Counters and histograms of this process, or of every process sharing the multiproc dir."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY
