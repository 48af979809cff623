"""The signed-in user from the cache: Django's AuthenticationMiddleware reads the user's row
on every page a signed-in person sees (one query each, a dozen a visit).

The cache holds the user's fields without the password hash, and the session hash Django
checks (an HMAC of it, as the session itself holds), under the user's id and the secret
key. A hit is checked as Django checks the row: the backend the session names is still
configured, the user may sign in (active), and the session's hash matches; anything else
goes to Django's own get_user (which also handles SECRET_KEY_FALLBACKS and flushes a
session that no longer verifies), and a verified user read there is cached.

The entry is deleted when the user is saved or deleted (after the commit too, so a read
racing the write cannot put the old row back for long) and lives at most CACHE_SECONDS:
a row changed without a signal (queryset update()) shows within that time. The password
is deferred on a cached user: reading or saving it reads the row. With the cache down
every page reads the row, as before (optional_cache.py).
"""

import hashlib
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

CACHE_SECONDS = 120


def cache_key(user_id) -> str:
    secret = hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:12]
    return f"auth:user:v1:{secret}:{user_id}"


def cached_fields(user_model) -> list[str]:
    return [f.attname for f in user_model._meta.concrete_fields if f.attname != "password"]


def entry_for(user) -> dict:
    fields = cached_fields(type(user))
    return {
        "values": [getattr(user, name) for name in fields],
        "fields": fields,
        "session_hash": user.get_session_auth_hash(),
    }


def user_from(entry: dict):
    """The cached user as a model instance with the password deferred (None: unusable)."""
    user_model = auth.get_user_model()
    if entry.get("fields") != cached_fields(user_model):
        return None  # the model changed since it was cached
    return user_model.from_db(DEFAULT_DB_ALIAS, entry["fields"], entry["values"])


def get_user(request):
    """Django's auth.get_user, answered from the cache when the entry verifies."""
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    session_hash = request.session.get(HASH_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS or not session_hash:
        return auth.get_user(request)
    backend = load_backend(backend_path)
    if not isinstance(backend, ModelBackend):
        return auth.get_user(request)  # its get_user may check more than the row
    key = cache_key(user_id)
    entry = cache.get(key)
    if entry and constant_time_compare(session_hash, entry.get("session_hash", "")):
        user = user_from(entry)
        if user is not None and backend.user_can_authenticate(user):
            return user
    user = auth.get_user(request)
    if user.is_authenticated and str(user.pk) == str(user_id):
        cache.set(key, entry_for(user), CACHE_SECONDS)
    return user


def lazy_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class CachedUserMiddleware(AuthenticationMiddleware):
    """django.contrib.auth's middleware, reading the user through `get_user` above."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(partial(lazy_user, request))


def forget(user_id) -> None:
    cache.delete(cache_key(user_id))


def forget_user(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    # A new row has nothing cached (a reused id would not match the session hash), and
    # last_login, saved at every sign-in, is nothing a page decides on.
    if created or (update_fields and set(update_fields) <= {"last_login"}):
        return
    forget(instance.pk)
    # Again after the commit: a request that read the old row before it may have cached it.
    transaction.on_commit(partial(forget, instance.pk))


def connect() -> None:
    user_model = auth.get_user_model()
    post_save.connect(forget_user, sender=user_model, dispatch_uid="signed-in-user-cache")
    post_delete.connect(forget_user, sender=user_model, dispatch_uid="signed-in-user-cache")
