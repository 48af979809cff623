"""The cache keeps one redis-py client per connection pool instead of building one per
call (optional_cache.ReusedClientRedisCacheClient), and still answers after Redis was
stopped and started again."""

import pytest
from django.core.cache import caches

from tests.ops.test_cache_outage import redis_server, wait_until_cache_answers  # noqa: F401

# It starts a redis-server of its own, like the other server tests: serial, and not in the
# pass with a faked clock.
pytestmark = pytest.mark.serial


def test_one_redis_client_serves_every_call_and_survives_a_restart(redis_server):  # noqa: F811
    cache = caches["default"]
    cache.set("greeting", "hallo")
    first = cache._cache.get_client(write=True)
    assert cache.get("greeting") == "hallo"
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client() is first  # one server: reads use the same pool

    redis_server.stop()
    assert cache.get("greeting") is None  # an outage reads as a miss
    redis_server.start()
    wait_until_cache_answers()
    cache.set("greeting", "weer daar")
    assert cache.get("greeting") == "weer daar"
    assert cache._cache.get_client(write=True) is first
