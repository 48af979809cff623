"""Gunicorn's own settings for logs and metrics:

    gunicorn -c python:marketplace.observability.gunicorn_conf marketplace.wsgi:application

Its error log goes through the same JSON handler as the app; its access log is off, since the
middleware writes one line per request with the request id and route.
"""

import gc
import logging
import os

from marketplace.observability.logging import logging_config

accesslog = None
# Longer than nginx keeps an idle upstream connection (60 s): gunicorn's default of 2 s lets
# it close one just as nginx sends a request on it, a 502 for a POST.
keepalive = 75
# Graceful shutdown (docs/resilience.md, "Deploying without dropping requests"): on SIGTERM
# each worker stops accepting and finishes the requests it holds, for up to this long.
# docker-compose.yml gives web a longer stop_grace_period, so Docker's SIGKILL comes later.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
logging.captureWarnings(True)  # Python's warnings become JSON records too (py.warnings)
logconfig_dict = logging_config(
    os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO")
)


# Python's cyclic garbage collector, tuned for a web worker (README "Storefront and
# search", fifth round): with the default first threshold (700 allocations) it runs about
# once a page, and a full collection walks all ~300,000 objects that Django, Oscar and the
# app keep for the life of the process (over 100 ms of CPU under load, while every thread
# waits). Once the app is loaded those are frozen out of the collector's sight and the
# threshold raised; garbage cycles are still collected, in fewer passes over young objects.
GC_THRESHOLDS = (
    int(os.environ.get("GUNICORN_GC_THRESHOLD", "50000")),
    20,
    100,
)


def post_worker_init(worker):
    """The worker has loaded the app: its objects live as long as the process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def child_exit(server, worker):
    """A dead worker's live gauges leave the merged metrics (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
