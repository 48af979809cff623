"""One log line and one latency sample per request, under a request id.

First in MIDDLEWARE, so the id covers everything after it (including tasks sent when the
request's transaction commits) and the duration covers the whole stack.
"""

import logging
import time

from django.core.signals import request_finished
from django.dispatch import receiver

from . import metrics
from .context import accept_or_new, request_id

logger = logging.getLogger("marketplace.access")

# Probes and scrapes every few seconds would drown the real traffic: debug level only.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def route_of(request) -> str:
    """The URL pattern's name (e.g. `catalogue:detail`): no ids, no query string. Probes are
    answered before URL resolution and keep their path."""
    match = getattr(request, "resolver_match", None)
    if match:
        return match.view_name
    path = request.path.rstrip("/")
    return path if path in QUIET_PATHS else "<unmatched>"


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = accept_or_new(request.headers.get("X-Request-ID"))
        # Cleared when the response is closed, not here: Django logs a 404 or 500
        # (django.request) after the middleware has returned.
        request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        response["X-Request-ID"] = rid
        route = route_of(request)
        metrics.observe_request(route=route, status=response.status_code, seconds=seconds)
        quiet = request.path.rstrip("/") in QUIET_PATHS
        logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        return response


@receiver(request_finished)
def clear_request_id(**_):
    request_id.set(None)
