"""The cache is an optimisation: with its Redis stopped or frozen (SIGSTOP) the storefront
answers 200 within 2 s a page, a signed-in session is kept, throttles let requests through,
and once Redis answers again the cache is used again, without entries that went stale while
it did not answer (marketplace/optional_cache.py).

Each test starts a throwaway redis-server of its own on a free loopback port."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from marketplace.throttling import hit
from tests.conftest import IN_CI
from tests.factories import UserFactory
from tests.storefront.conftest import at, town  # noqa: F401 (fixtures)
from tests.support.cache_down import cache_down  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.serial]

PAGE_SECONDS = 2.0
PASSWORD = "secret-pass-1"  # tests.factories.UserFactory's
# The OPTIONS of settings/base.py's defaults: these tests measure the production timeouts.
CACHE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "pause_seconds": 5.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server process without persistence, which a test can stop, start, freeze."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)  # a frozen one cannot stop
        self.process.terminate()
        self.process.wait(10)

    @contextmanager
    def frozen(self):
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)


@pytest.fixture
def redis_server(settings):
    """The default cache on a redis-server of this test's own, as configured in production."""
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("CI must have redis-server for the cache outage tests")
        pytest.skip("needs redis-server")
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "marketplace.optional_cache.OptionalRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": CACHE_OPTIONS,
        }
    }
    try:
        yield server
    finally:
        if server.process and server.process.poll() is None:
            server.stop()


def storefront_pages(town) -> list[str]:  # noqa: F811 (the fixture's value)
    return [
        "/",
        town.food.get_absolute_url(),
        town.novel.product.get_absolute_url(),
        "/search/?q=kaas",
        "/basket/",
    ]


def visit(client: Client, url: str) -> float:
    """The page answers 200 within PAGE_SECONDS; returns its seconds."""
    started = time.monotonic()
    response = client.get(url)
    seconds = time.monotonic() - started
    assert response.status_code == 200, (url, response.status_code)
    assert seconds < PAGE_SECONDS, (url, seconds)
    return seconds


def signed_in_client(email: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/accounts/login/",
        {"login-username": email, "login-password": PASSWORD, "login_submit": "1"},
    )
    assert response.status_code == 302, response.content[:500]
    return client


def is_signed_in(client: Client) -> bool:
    response = client.get("/accounts/orders/")  # sends a visitor to the login page
    return response.status_code == 200


def wait_until_cache_answers(seconds: float = CACHE_OPTIONS["pause_seconds"] + 3) -> None:
    """After an outage the cache tries Redis again once its pause is over."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cache.set("outage-test:alive", "yes", 30)
        if cache.get("outage-test:alive") == "yes":
            return
        time.sleep(0.2)
    pytest.fail("the cache did not use Redis again after it came back")


def assert_cache_uses(server: RedisServer) -> None:
    """A value set is read back, and it is in that Redis (not only in the process)."""
    cache.set("outage-test:greeting", "hallo", 60)
    assert cache.get("outage-test:greeting") == "hallo"
    assert server.client().exists(cache.make_key("outage-test:greeting")) == 1


def test_redis_stopped_pages_answer_within_2_s_and_a_session_survives(redis_server, town):  # noqa: F811
    user = UserFactory()
    shopper = signed_in_client(user.email)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    for url in storefront_pages(town):
        visit(visitor, url)  # the cache filled while Redis answers
    assert_cache_uses(redis_server)

    redis_server.stop()
    times = {url: visit(visitor, url) for url in storefront_pages(town)}
    times |= {f"{url} (signed in)": visit(shopper, url) for url in storefront_pages(town)}
    assert is_signed_in(shopper), "the session is read from the database"
    newcomer = signed_in_client(UserFactory().email)  # signs in during the outage
    assert is_signed_in(newcomer)
    print("Redis stopped:", {url: round(seconds, 3) for url, seconds in times.items()})

    redis_server.start()
    wait_until_cache_answers()
    assert_cache_uses(redis_server)
    assert is_signed_in(shopper) and is_signed_in(newcomer)


def test_redis_frozen_pages_answer_within_2_s_and_a_session_survives(redis_server, town):  # noqa: F811
    shopper = signed_in_client(UserFactory().email)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    for url in storefront_pages(town):
        visit(visitor, url)

    with redis_server.frozen():
        times = {url: visit(visitor, url) for url in storefront_pages(town)}
        times |= {f"{url} (signed in)": visit(shopper, url) for url in storefront_pages(town)}
        assert is_signed_in(shopper)
        newcomer = signed_in_client(UserFactory().email)
        assert is_signed_in(newcomer)
    print("Redis frozen:", {url: round(seconds, 3) for url, seconds in times.items()})

    wait_until_cache_answers()
    assert_cache_uses(redis_server)
    assert is_signed_in(shopper) and is_signed_in(newcomer)


def test_every_page_stays_fast_while_a_frozen_redis_is_tried_again(redis_server, town):  # noqa: F811
    """Past the breaker's pause each retry waits one socket timeout, never more."""
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    with redis_server.frozen():
        deadline = time.monotonic() + CACHE_OPTIONS["pause_seconds"] * 2 + 1
        times = []
        while time.monotonic() < deadline:
            times += [visit(visitor, url) for url in storefront_pages(town)]
    assert len(times) >= 10
    print(f"Redis frozen, {len(times)} pages over 11 s: slowest {max(times):.3f} s")


def test_a_session_signed_out_while_redis_is_frozen_does_not_come_back(redis_server, town):  # noqa: F811
    shopper = signed_in_client(UserFactory().email)
    cookie = shopper.cookies["sessionid"].value
    cached_session = cache.make_key(f"django.contrib.sessions.cached_db{cookie}")
    assert redis_server.client().exists(cached_session) == 1

    with redis_server.frozen():
        assert shopper.get("/accounts/logout/").status_code == 302
    wait_until_cache_answers()

    assert redis_server.client().exists(cached_session) == 0
    old_cookie = Client(HTTP_ACCEPT_LANGUAGE="en")
    old_cookie.cookies["sessionid"] = cookie
    assert not is_signed_in(old_cookie)


def test_a_value_written_while_redis_is_frozen_leaves_no_stale_value_behind(redis_server):
    cache.set("outage-test:price", "19.95", 300)
    with redis_server.frozen():
        cache.set("outage-test:price", "21.50", 300)  # not taken: Redis does not answer
        assert cache.get("outage-test:price") is None  # a miss, not the old price
    wait_until_cache_answers()
    # The new price may still arrive (Redis reads what was sent before it froze), never the old.
    assert cache.get("outage-test:price") in (None, "21.50")
    assert_cache_uses(redis_server)


def test_throttles_fail_open_while_redis_is_down_and_count_again_after(redis_server, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "register_address": "2/hour"}
    redis_server.stop()
    assert [hit("register_address", "192.0.2.7") for _ in range(5)] == [None] * 5
    with pytest.raises(ValueError):
        cache.incr("outage-test:counter")  # as for a key that is not there

    redis_server.start()
    wait_until_cache_answers()
    assert [hit("register_address", "192.0.2.8") is None for _ in range(3)] == [
        True,
        True,
        False,
    ]


@pytest.mark.usefixtures("cache_down")
def test_every_call_answers_as_a_miss_and_the_outage_is_logged_once(caplog):
    caplog.set_level(logging.WARNING, logger="marketplace.optional_cache")
    assert cache.get("a", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("a", 1) is True
    assert cache.set("a", 1) is None
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # not stored
    assert cache.has_key("a") is False
    assert cache.touch("a") is False
    assert cache.delete("a") is False
    assert cache.delete_many(["a", "b"]) is None
    assert cache.get_or_set("a", lambda: "made") == "made"
    with pytest.raises(ValueError):
        cache.incr("a")
    with pytest.raises(redis.ConnectionError):
        cache.clear()  # nothing was cleared: said so
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "does not answer (ConnectionError)" in warnings[0]
