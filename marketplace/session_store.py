"""Sessions read from the cache, kept in the database (SESSION_ENGINE).

Django's cached_db store: every page reads its session, a query before; now a cache read,
and the database only when the cache does not have it. The database stays the record
(a session survives a cache flush). Django's store fails a request when the cache is down
after a database read, on logout and in exists(); this one then carries on with the
database alone, as the rest of the site does without Redis.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unavailable", exc_info=True)
            return DBStore.load(self)
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            expiry = self.get_expiry_age(expiry=stored.expire_date)
            self._cache.set(self.cache_key, data, expiry)
        except Exception:
            logger.warning("session cache unavailable", exc_info=True)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unavailable", exc_info=True)
        return DBStore.exists(self, session_key)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.warning("session cache unavailable", exc_info=True)
