"""POS connections: created on first use, tokens issued once, sign of life recorded."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import ConnectionStatus, PosConnection, PosKind

logger = logging.getLogger(__name__)
# Back-off after a failed call to a POS: doubled per failure in a row, capped; a Retry-After
# answer from the POS wins when it asks for longer.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
WEBHOOK_KINDS = (PosKind.SHOPIFY, PosKind.SQUARE)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def connection_of(shop, *, kind: str = PosKind.FILE) -> PosConnection:
    """The shop's connection, created with a fresh signing secret the first time."""
    connection, _created = PosConnection.objects.get_or_create(
        shop=shop,
        defaults={
            "kind": kind,
            "signing_secret": secrets.token_hex(32),
            "webhook_key": secrets.token_hex(16),
        },
    )
    if not connection.webhook_key:  # made before webhook URLs existed
        connection.webhook_key = secrets.token_hex(16)
        connection.save(update_fields=["webhook_key"])
    return connection


# The stock file's settings, kept on the connection beside the POS settings (issue 17).
FEED_LOCATION, FEED_MAPPINGS = "feed_location", "feed_mappings"
FEED_KEYS = frozenset({FEED_LOCATION, FEED_MAPPINGS})
MAX_SAVED_MAPPINGS = 20


def feed_settings(shop) -> dict:
    """The location the owner picked in a file with several, and their column mappings by
    header signature; empty for a shop that never chose."""
    stored = (
        PosConnection.objects.filter(shop=shop).values_list("settings", flat=True).first() or {}
    )
    mappings = stored.get(FEED_MAPPINGS)
    return {
        "location": str(stored.get(FEED_LOCATION) or ""),
        "mappings": mappings if isinstance(mappings, dict) else {},
    }


def remember_feed_choice(shop, *, location: str | None = None, mapping=None) -> None:
    """Saves a location (a name from the file) or a (signature, mapping) for the next file."""
    with transaction.atomic():
        _remember(shop, location, mapping)


def _remember(shop, location, mapping) -> None:
    connection = PosConnection.objects.select_for_update().get(pk=connection_of(shop).pk)
    settings_now = dict(connection.settings)
    if location is not None:
        settings_now[FEED_LOCATION] = location
    if mapping is not None:
        signature, columns = mapping
        saved = dict(settings_now.get(FEED_MAPPINGS) or {})
        saved.pop(signature, None)
        saved[signature] = columns  # newest last; the oldest go beyond the cap
        settings_now[FEED_MAPPINGS] = dict(list(saved.items())[-MAX_SAVED_MAPPINGS:])
    connection.settings = settings_now
    connection.save(update_fields=["settings"])


def webhook_url(connection: PosConnection) -> str:
    """The URL to paste into the POS. Square signs this exact text, so it is built from
    SITE_URL (what the world sees), never from the Host header of a request."""
    if connection.kind not in WEBHOOK_KINDS or not connection.webhook_key:
        return ""
    path = reverse(f"pos-api:webhook-{connection.kind}", args=[connection.webhook_key])
    return settings.SITE_URL.rstrip("/") + path


def save_settings(connection: PosConnection, *, values: dict, secret_values: dict) -> None:
    """Settings replace the old ones; a secret left empty keeps the stored one, so a form
    never has to show a secret back to be saved again. The caller queues the first poll
    (tasks.queue_first_poll)."""
    kept = {name: value for name, value in connection.settings.items() if name in FEED_KEYS}
    connection.settings = kept | {name: value for name, value in values.items() if value}
    connection.secrets = {
        **connection.secrets,
        **{name: value for name, value in secret_values.items() if value},
    }
    connection.save(update_fields=["settings", "secrets"])


def set_signing_secret(connection: PosConnection, secret: str) -> None:
    """The secret the POS signs its webhooks with (Shopify's app secret, Square's signature
    key): the POS makes it, the shop pastes it here."""
    connection.signing_secret = secret.strip()
    connection.save(update_fields=["signing_secret"])


def rotate_push_token(connection: PosConnection) -> str:
    """A new push token; returned in clear this once, only its hash is kept."""
    token = "spt_" + secrets.token_urlsafe(32)
    connection.push_token_hash = hash_token(token)
    connection.push_token_last4 = token[-4:]
    connection.save(update_fields=["push_token_hash", "push_token_last4"])
    return token


def rotate_signing_secret(connection: PosConnection) -> str:
    connection.signing_secret = secrets.token_hex(32)
    connection.save(update_fields=["signing_secret"])
    return connection.signing_secret


def connection_for_token(token: str) -> PosConnection | None:
    # Looking up the hash leaks nothing about the token through timing: the attacker does not
    # control the hash bytes.
    if not token:
        return None
    return (
        PosConnection.objects.select_related("shop")
        .filter(push_token_hash=hash_token(token))
        .first()
    )


def record_success(connection: PosConnection, *, full_sync: bool) -> None:
    now = timezone.now()
    field = "last_full_sync_at" if full_sync else "last_event_at"
    setattr(connection, field, now)
    connection.status = ConnectionStatus.OK
    connection.failures = 0
    connection.backoff_until = None
    connection.save(update_fields=[field, "status", "failures", "backoff_until"])


def backoff_delay(*, failures: int, retry_after: float | None) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour; never shorter than the POS's Retry-After."""
    delay = min(BACKOFF_BASE * 2 ** max(failures - 1, 0), BACKOFF_MAX)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=min(retry_after, BACKOFF_MAX.total_seconds())))
    return delay


def record_failure(
    connection: PosConnection,
    *,
    message: str,
    retry_after: float | None = None,
    now=None,
    detail: str = "",
) -> None:
    """The POS refused or failed: say so on the connection page and wait before asking again.

    The message is a plain sentence of ours for the shop; `detail` (what we asked, the
    status) goes to our log only. Never a secret or the POS's answer.
    """
    now = now or timezone.now()
    connection.failures += 1
    connection.backoff_until = now + backoff_delay(
        failures=connection.failures, retry_after=retry_after
    )
    connection.status = ConnectionStatus.FAILING
    connection.last_error = message[:1000]
    connection.last_error_at = now
    connection.save(
        update_fields=["failures", "backoff_until", "status", "last_error", "last_error_at"]
    )
    logger.warning("POS connection %s failing: %s", connection.pk, detail or message)
