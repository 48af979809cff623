"""A cache whose Redis does not answer: the production cache backend pointed at a closed
loopback port (connections refused), so tests see what a Redis outage does, without mocks.
Tests with a Redis that stops or freezes mid-test: tests/ops/test_cache_outage.py."""

import socket

import pytest
from django.test import override_settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cache_down():
    """From here on the default cache (sessions included) has no Redis to talk to; the cache
    before comes back before any earlier fixture's teardown (a cache.clear() there)."""
    down = {
        "BACKEND": "marketplace.optional_cache.OptionalRedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
    }
    with override_settings(CACHES={"default": down}):
        yield
