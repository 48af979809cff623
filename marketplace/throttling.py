"""Counting requests per scope and key in the cache, for forms and APIs that must not be
hammered: registration, password reset, the POS push API and the POS webhooks.

A fixed window per scope and key (`THROTTLE_RATES`, "N/second|minute|hour|day", each
overridable by the environment). The cache may be Redis: when it does not answer, the
request is let through (fails open), so an outage of Redis never locks anyone out of the site.
Logins themselves are locked by django-axes (settings: AXES_*).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" -> (120, 60)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies (nginx in compose: 1), the
    address the nearest of them saw, from X-Forwarded-For; otherwise REMOTE_ADDR."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def hit(scope: str, key: str) -> int | None:
    """Counts one request of `scope` for `key`. Returns the seconds to wait when over the
    rate, None when allowed (or when the cache is down)."""
    limit, period = parse_rate(settings.THROTTLE_RATES[scope])
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # addresses, e-mails: not in keys
    cache_key = f"throttle:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # Fails open: when Redis does not answer, the cache (optional_cache.py) stores
        # nothing and incr finds no key, so the request is let through (the cache logs the
        # outage). Also a key that expired between add and incr: one uncounted request.
        return None
    if count > limit:
        return max(1, (window + 1) * period - int(time.time()))
    return None


def over_rate(checks: list[tuple[str, str]]) -> int | None:
    """Counts every (scope, key) and returns the longest wait of those over their rate."""
    waits = [wait for scope, key in checks if key and (wait := hit(scope, key)) is not None]
    return max(waits) if waits else None


class _ScopedThrottle(BaseThrottle):
    scope = ""

    def key(self, request, view) -> str:
        raise NotImplementedError

    def allow_request(self, request, view):
        self._wait = hit(self.scope, self.key(request, view))
        return self._wait is None

    def wait(self):
        return self._wait


class PosPushShopThrottle(_ScopedThrottle):
    """Per shop (its connection, from the bearer token)."""

    scope = "pos_push_shop"

    def key(self, request, view):
        connection = request.auth
        return f"shop:{getattr(connection, 'shop_id', None) or client_ip(request)}"


class PosPushAddressThrottle(_ScopedThrottle):
    scope = "pos_push_address"

    def key(self, request, view):
        return client_ip(request) or "unknown"


def throttle_webhook(view):
    """Wraps a POS webhook view (plain Django): per webhook URL (one per shop) and per
    address, counted before the signature is checked. Over the rate: 429 with Retry-After."""
    from functools import wraps

    from django.http import JsonResponse

    @wraps(view)
    def wrapped(request, *args, key: str, **kwargs):
        wait = over_rate(
            [
                ("pos_webhook_shop", f"webhook:{key}"),
                ("pos_webhook_address", client_ip(request) or "unknown"),
            ]
        )
        if wait is not None:
            response = JsonResponse({"detail": "Too many requests."}, status=429)
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, key=key, **kwargs)

    return wrapped
