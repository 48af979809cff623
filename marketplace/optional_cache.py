"""The Redis cache as an optimisation: when Redis is closed, frozen or unreachable, every
cache call answers as a cache without that key would, at once, and the page is built from
the database (slower, not broken). CACHES["default"] in settings/base.py.

- Short socket timeouts and no retries (OPTIONS, redis-py's own settings): a frozen Redis
  costs one call at most `socket_timeout`, a closed one a refused connect.
- A circuit breaker per process and Redis location: after a connection error or timeout,
  calls skip Redis for `pause_seconds`; then one call tries it again (the others keep
  skipping until it answers) and the first that succeeds closes the breaker.
- A miss is what Django's DummyCache answers: get -> default, get_many -> {}, add -> True,
  set, delete, touch -> nothing stored, incr -> ValueError (no such key), has_key -> False.
  clear() is not hidden: whoever clears must know that nothing was cleared.
- Writes that Redis did not take (set, delete and their many-versions) may leave an
  older value there, which a frozen or partitioned Redis would serve once it answers again:
  a session signed out during the outage would come back. Their keys are remembered and
  deleted before anything else is read when Redis answers again (up to MAX_UNSURE_KEYS
  per process; beyond, a logged error, and those entries live until they expire).
- One warning per location at most every `warn_every_seconds`, and one line on recovery.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Errors that mean "Redis does not answer" (refused, reset, timed out, still loading its
# data, out of connections). A wrong command or a bad value still raises.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
REDIS_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.25,
    # One attempt: a retry only doubles the wait; the breaker decides when to try again.
    "retry": Retry(NoBackoff(), 0),
}
PAUSE_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0
MAX_UNSURE_KEYS = 10_000
DELETE_CHUNK = 500
Result = TypeVar("Result")


class Breaker:
    """Whether to call one Redis location now, and the keys of writes it did not take.

    Shared by the threads of a process (each has its own cache object and connections)."""

    def __init__(self, label: str, *, pause_seconds: float, warn_every_seconds: float):
        self.label = label
        self.pause_seconds = pause_seconds
        self.warn_every_seconds = warn_every_seconds
        self.lock = threading.Lock()
        self.open_until: float | None = None  # monotonic; None: closed, Redis is called
        self.warned_at: float | None = None
        self.outage_warned = False
        self.unsure_keys: set[str] = set()
        self.unsure_overflow = False

    def allows_call(self) -> bool:
        """Closed: yes. Open: no until the pause is over, then yes for one caller (the
        trial), whose call starts another pause so the others skip while it waits."""
        if self.open_until is None:
            return True
        with self.lock:
            now = time.monotonic()
            if self.open_until is None:
                return True
            if now < self.open_until:
                return False
            self.open_until = now + self.pause_seconds
            return True

    def trip(self, error: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            self.open_until = now + self.pause_seconds
            warn = self.warned_at is None or now - self.warned_at >= self.warn_every_seconds
            if warn:
                self.warned_at = now
                self.outage_warned = True
        if warn:
            logger.warning(
                "cache %s does not answer (%s): pages are built without it; "
                "Redis is tried again every %g s",
                self.label,
                type(error).__name__,
                self.pause_seconds,
            )

    def reset(self) -> None:
        if self.open_until is None:
            return
        with self.lock:
            self.open_until = None
            warned, self.outage_warned = self.outage_warned, False
        if warned:
            logger.warning("cache %s answers again", self.label)

    def remember(self, keys: Iterable[str], *, overflow: bool = False) -> None:
        with self.lock:
            self.unsure_overflow = self.unsure_overflow or overflow
            for key in keys:
                if len(self.unsure_keys) >= MAX_UNSURE_KEYS:
                    self.unsure_overflow = True
                    break
                self.unsure_keys.add(key)

    def take_unsure_keys(self) -> tuple[list[str], bool]:
        with self.lock:
            keys, overflow = list(self.unsure_keys), self.unsure_overflow
            self.unsure_keys, self.unsure_overflow = set(), False
        return keys, overflow


_breakers: dict[tuple[str, ...], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(servers: list[str], *, pause_seconds: float, warn_every_seconds: float):
    with _breakers_lock:
        key = tuple(servers)
        if key not in _breakers:
            _breakers[key] = Breaker(
                ",".join(safe_label(url) for url in servers),
                pause_seconds=pause_seconds,
                warn_every_seconds=warn_every_seconds,
            )
        return _breakers[key]


def safe_label(url: str) -> str:
    """host:port/db of a Redis URL, without its password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}"


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis-py client per connection pool: Django builds a new
    one for every cache call, and setting up its response callbacks cost about as much CPU
    as the call itself (4-6 calls a page). redis-py's client is thread-safe."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class OptionalRedisCache(RedisCache):
    """Django's RedisCache whose outages read as misses (module docstring).

    OPTIONS: redis-py's connection options (REDIS_OPTIONS are the defaults), plus
    `pause_seconds` and `warn_every_seconds` for the breaker."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        pause_seconds = float(options.pop("pause_seconds", PAUSE_SECONDS))
        warn_every_seconds = float(options.pop("warn_every_seconds", WARN_EVERY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": {**REDIS_OPTIONS, **options}})
        self._class = ReusedClientRedisCacheClient
        self._breaker = breaker_for(
            self._servers, pause_seconds=pause_seconds, warn_every_seconds=warn_every_seconds
        )

    def _call(self, call: Callable[[], Result], miss: Result, unsure: Iterable[str] = ()):
        """`call` when Redis may answer, `miss` when it does not; `unsure`: the keys whose
        old value may survive if the call does not reach Redis."""
        if not self._breaker.allows_call():
            self._breaker.remember(unsure)
            return miss
        try:
            self._delete_unsure_keys()
            result = call()
        except UNAVAILABLE as error:
            self._breaker.remember(unsure)
            self._breaker.trip(error)
            return miss
        except Exception:  # Redis answered, with an error of this call's own
            self._breaker.reset()
            raise
        self._breaker.reset()
        return result

    def _delete_unsure_keys(self) -> None:
        """Before the first call that reaches Redis after writes it did not take."""
        if not self._breaker.unsure_keys and not self._breaker.unsure_overflow:
            return
        keys, overflow = self._breaker.take_unsure_keys()
        try:
            for start in range(0, len(keys), DELETE_CHUNK):
                self._cache.delete_many(keys[start : start + DELETE_CHUNK])
        except UNAVAILABLE:
            self._breaker.remember(keys, overflow=overflow)
            raise
        if overflow:
            logger.error(
                "cache %s: more than %d writes were lost while it did not answer; "
                "the older entries of the rest stay until they expire",
                self._breaker.label,
                MAX_UNSURE_KEYS,
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        made = self.make_and_validate_key(key, version=version)
        backend_timeout = self.get_backend_timeout(timeout)
        return self._call(lambda: self._cache.add(made, value, backend_timeout), True)

    def get(self, key, default=None, version=None):
        made = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.get(made, default), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        made = self.make_and_validate_key(key, version=version)
        backend_timeout = self.get_backend_timeout(timeout)
        self._call(lambda: self._cache.set(made, value, backend_timeout), None, [made])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        made = self.make_and_validate_key(key, version=version)
        backend_timeout = self.get_backend_timeout(timeout)
        return self._call(lambda: self._cache.touch(made, backend_timeout), False)

    def delete(self, key, version=None):
        made = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.delete(made), False, [made])

    def get_many(self, keys, version=None):
        return self._call(lambda: super(OptionalRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        made = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.has_key(made), False)

    def incr(self, key, delta=1, version=None):
        made = self.make_and_validate_key(key, version=version)
        missing = object()
        result = self._call(lambda: self._cache.incr(made, delta), missing)
        if result is missing:
            raise ValueError(f"Key '{made}' not found (the cache does not answer).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list[Any]:
        if not data:
            return []
        made = [self.make_and_validate_key(key, version=version) for key in data]
        return self._call(
            lambda: super(OptionalRedisCache, self).set_many(data, timeout, version),
            list(data),  # none stored
            made,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        if not keys:
            return
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        self._call(lambda: self._cache.delete_many(made), None, made)
