"""POS webhooks in: verify the signature, store the raw event, answer 200. Nothing else.

The POS waits for our answer (Shopify gives up after 5 s and retries), so the request does
one indexed read (the connection by its URL key) and one INSERT ... ON CONFLICT DO NOTHING
(a re-delivery is a no-op), outside any surrounding transaction. Matching and writing stock
happen later in a micro-batch (event_apply.py), dispatched once per burst.
"""

import json
import logging

from django.core.cache import cache
from django.db import connection as db_connection
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.celery import try_send

from .connections import webhook_url
from .connectors.signatures import (
    SHOPIFY_HMAC_HEADER,
    SQUARE_SIGNATURE_HEADER,
    verify_shopify_webhook,
    verify_square_webhook,
)
from .event_models import EventStatus, WebhookEvent
from .models import PosConnection, PosKind

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # one inventory event is a few hundred bytes
SHOPIFY_TOPIC = "inventory_levels/update"
SQUARE_TYPE = "inventory.count.updated"
# While a batch is queued, further webhooks only add rows: one task per burst, not per event.
APPLY_SCHEDULED_KEY = "inventory_sync:apply-events-scheduled"
APPLY_WINDOW_SECONDS = 1.0


# Only Django's quoted names of our own model are interpolated, never input.
_INSERT_EVENT = (
    f"INSERT INTO {db_connection.ops.quote_name(WebhookEvent._meta.db_table)}"  # noqa: S608
    " (connection_id, event_id, headers, body, received_at, status, message)"
    " VALUES (%s, %s, %s, %s, %s, %s, '') ON CONFLICT DO NOTHING"
)


def _connection(key: str, kind: str) -> PosConnection | None:
    return (
        PosConnection.objects.only("pk", "kind", "signing_secret", "webhook_key")
        .filter(webhook_key=key, kind=kind)
        .first()
    )


def _refuse(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def store_event(*, connection_id: int, event_id: str, headers: dict, body: bytes) -> None:
    """One INSERT in autocommit: a single round trip that is durable when it returns.

    Idempotent: a re-delivered event (same connection and event id) inserts nothing.
    bulk_create would wrap the same INSERT in BEGIN ... COMMIT, two more round trips on
    the path the POS is waiting on.
    """
    with db_connection.cursor() as cursor:
        cursor.execute(
            _INSERT_EVENT,
            [
                connection_id,
                event_id,
                json.dumps(headers),
                body,
                timezone.now(),
                EventStatus.PENDING.value,
            ],
        )
    schedule_apply()


def schedule_apply() -> None:
    """Queues the batch task unless one is already queued. The task clears the flag before
    it reads, so an event stored after that read always finds a new task queued."""
    from .tasks import apply_webhook_events

    # The stored event is the record (the beat's apply-webhook-events applies what waits):
    # the task only hurries it, so one quick try, never the POS's wait on a broker outage.
    if cache.add(APPLY_SCHEDULED_KEY, 1, timeout=60) and not try_send(
        apply_webhook_events, countdown=APPLY_WINDOW_SECONDS
    ):
        cache.delete(APPLY_SCHEDULED_KEY)


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def shopify_webhook(request, key: str):
    connection = _connection(key, PosKind.SHOPIFY)
    if connection is None:
        return _refuse(404, "Unknown webhook URL.")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, "Body too large.")
    if not verify_shopify_webhook(
        raw_body=body,
        header_hmac=request.headers.get(SHOPIFY_HMAC_HEADER, ""),
        secret=connection.signing_secret,
    ):
        return _refuse(401, "Signature does not match.")
    event_id = request.headers.get("X-Shopify-Webhook-Id", "")
    if not event_id or len(event_id) > 200:
        return _refuse(400, "X-Shopify-Webhook-Id is missing.")
    topic = request.headers.get("X-Shopify-Topic", "")
    if topic != SHOPIFY_TOPIC:
        return HttpResponse(status=200)  # subscribed to more than we use: accept, ignore
    headers = {
        "topic": topic,
        "triggered_at": request.headers.get("X-Shopify-Triggered-At", ""),
        "shop_domain": request.headers.get("X-Shopify-Shop-Domain", ""),
    }
    store_event(connection_id=connection.pk, event_id=event_id, headers=headers, body=body)
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def square_webhook(request, key: str):
    connection = _connection(key, PosKind.SQUARE)
    if connection is None:
        return _refuse(404, "Unknown webhook URL.")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, "Body too large.")
    if not verify_square_webhook(
        raw_body=body,
        notification_url=webhook_url(connection),
        header_signature=request.headers.get(SQUARE_SIGNATURE_HEADER, ""),
        signature_key=connection.signing_secret,
    ):
        return _refuse(401, "Signature does not match.")
    try:
        payload = json.loads(body)
        event_id, kind = str(payload["event_id"]), str(payload.get("type", ""))
    except (ValueError, KeyError, TypeError):
        return _refuse(400, "The body is not a Square event with an event_id.")
    if not event_id or len(event_id) > 200:
        return _refuse(400, "event_id is missing.")
    if kind != SQUARE_TYPE:
        return HttpResponse(status=200)
    headers = {"type": kind, "created_at": str(payload.get("created_at", ""))}
    store_event(connection_id=connection.pk, event_id=event_id, headers=headers, body=body)
    return HttpResponse(status=200)
