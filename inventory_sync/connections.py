"""POS connections: created on first use, tokens issued once, sign of life recorded."""

import hashlib
import secrets

from django.utils import timezone

from .models import ConnectionStatus, PosConnection, PosKind


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def connection_of(shop, *, kind: str = PosKind.FILE) -> PosConnection:
    """The shop's connection, created with a fresh signing secret the first time."""
    connection, _created = PosConnection.objects.get_or_create(
        shop=shop, defaults={"kind": kind, "signing_secret": secrets.token_hex(32)}
    )
    return connection


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
    connection.save(update_fields=[field, "status"])
