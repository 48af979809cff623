"""Health endpoints for the container platform and the proxy.

`/healthz` is liveness: the process answers, nothing else is touched. `/readyz` is
readiness: the database, the cache and the Celery broker each answer within a short
timeout; 200 with each check's result, or 503 naming what failed.

Both are answered by a middleware placed first, so no login, locale redirect, HTTPS
redirect or ALLOWED_HOSTS check stands between a container's own health check
(`http://127.0.0.1:8000/readyz`) and the answer.
"""

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils.module_loading import import_string

# Each check gets its own socket timeouts; the deadline bounds the whole answer (< 3 s)
# even when a check hangs below the socket level.
CHECK_TIMEOUT_SECONDS = 1.5
DEADLINE_SECONDS = 2.5


def check_database() -> None:
    """`SELECT 1` on a connection of its own, with connect and statement timeouts."""
    alias = "default"
    wrapper = connections.create_connection(alias)
    if wrapper.vendor == "postgresql":
        options = dict(wrapper.settings_dict.get("OPTIONS", {}))
        options["connect_timeout"] = max(1, int(CHECK_TIMEOUT_SECONDS))
        timeout_ms = int(CHECK_TIMEOUT_SECONDS * 1000)
        options["options"] = f"{options.get('options', '')} -c statement_timeout={timeout_ms}"
        wrapper.settings_dict = {**wrapper.settings_dict, "OPTIONS": options}
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        wrapper.close()


def _redis_ping(url: str) -> None:
    import redis

    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )
    try:
        client.ping()
    finally:
        client.close()


def check_cache() -> None:
    """A Redis cache is pinged with socket timeouts; any other backend does a set and get."""
    config = settings.CACHES["default"]
    # Pinged directly: the storefront's cache reads an outage as a miss (optional_cache.py).
    if issubclass(import_string(config["BACKEND"]), RedisCache):
        locations = config["LOCATION"]
        for url in [locations] if isinstance(locations, str) else locations:
            _redis_ping(url)
        return
    from django.core.cache import caches

    cache = caches["default"]
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not return what was set")


def check_broker() -> None:
    """The Celery broker: Redis is pinged; in-memory (eager tasks, no broker) is always up."""
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        _redis_ping(url)
    elif not url.startswith("memory://"):
        from kombu import Connection

        with Connection(url, connect_timeout=CHECK_TIMEOUT_SECONDS) as connection:
            connection.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_checks(checks: dict[str, Callable[[], None]] | None = None) -> dict[str, str]:
    """Runs every check in its own daemon thread and waits until the shared deadline.

    A check that has not finished by then is reported as timed out; its thread is left
    behind (daemon) instead of holding the answer.
    """
    checks = CHECKS if checks is None else checks
    results: dict[str, str] = {}

    def run(name: str, check: Callable[[], None]) -> None:
        try:
            check()
        except Exception as error:  # noqa: BLE001  (any failure means "not ready")
            # The class only: messages can carry internal host names and ports.
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"

    threads = [
        threading.Thread(target=run, args=(name, check), name=f"readyz-{name}", daemon=True)
        for name, check in checks.items()
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "error: timed out") for name in checks}


def readiness_response() -> JsonResponse:
    results = run_checks()
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if failed else "ok", "checks": results, "failed": failed}
    response = JsonResponse(body, status=503 if failed else 200)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before any other middleware sees the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                response = HttpResponse("ok", content_type="text/plain")
                response["Cache-Control"] = "no-store"
                return response
            if request.path == "/readyz":
                return readiness_response()
        return self.get_response(request)
