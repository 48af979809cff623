"""Stored webhooks applied in micro-batches: many shops' events, one guarded write.

The webhook view only verified and stored each event. Here a batch of pending events is
claimed (SKIP LOCKED, so two workers never take the same event), read, matched to stock
records through the POS item links, and written with write_counts: stale and repeated
counts change nothing. Every event ends with a status the shop can read.
"""

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .connectors.values import BadEvent, parse_time, whole_units
from .counts import Count, newest_per_record, write_counts
from .event_models import EventStatus, WebhookEvent
from .models import ConnectionStatus, PosConnection, PosKind, SyncKind, SyncLog, SyncOutcome
from .pos_items import records_for_items

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class EventCount:
    event_pk: int
    external_id: str
    quantity: int
    at: datetime


def shopify_counts(pk, headers, payload, location) -> list[EventCount]:
    if location and str(payload.get("location_id")) != str(location):
        return []  # another location of the same Shopify store
    # Freshness from the signed body only: the webhook id and X-Shopify-Triggered-At are
    # headers the HMAC does not cover, so a captured body replayed under a new id with a
    # forged time would otherwise put its old count back (issue 15).
    at = parse_time(payload.get("updated_at"))
    item, available = payload.get("inventory_item_id"), payload.get("available")
    if at is None or item is None or available is None:
        raise BadEvent("inventory_item_id, available or updated_at is missing")
    return [EventCount(pk, str(item), whole_units(available), at)]


def square_counts(pk, headers, payload, location) -> list[EventCount]:
    # Square signs the whole body (URL + body): its own times are the freshness.
    created = parse_time(payload.get("created_at"))
    counts = (((payload.get("data") or {}).get("object") or {}).get("inventory_counts")) or []
    found = []
    for count in counts:
        if count.get("state") != "IN_STOCK":
            continue  # sold, waste, in transit: not units on the shelf
        if location and str(count.get("location_id")) != str(location):
            continue
        at = parse_time(count.get("calculated_at")) or created
        if at is None or not count.get("catalog_object_id"):
            raise BadEvent("catalog_object_id or calculated_at is missing")
        found.append(
            EventCount(pk, str(count["catalog_object_id"]), whole_units(count.get("quantity")), at)
        )
    return found


PARSERS = {PosKind.SHOPIFY: shopify_counts, PosKind.SQUARE: square_counts}


def apply_pending_events(*, limit: int = BATCH_SIZE) -> int:
    """Applies up to `limit` pending events in one transaction; returns how many it took.

    Safe to run in several workers at once and to retry: claimed rows are locked, and a
    crash rolls the whole batch back to pending.
    """
    with transaction.atomic():
        events = list(
            WebhookEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=EventStatus.PENDING)
            .order_by("id")
            .values_list("pk", "connection_id", "headers", "body")[:limit]
        )
        if not events:
            return 0
        connections = PosConnection.objects.select_related("shop").in_bulk(
            {connection_id for _pk, connection_id, _h, _b in events}
        )
        statuses, counts, owner = read_events(events, connections)
        matched = records_for_items({(owner[c.event_pk], c.external_id) for c in counts})
        outcome_of = write_matched(counts, matched, owner)
        for pk, outcomes in outcome_of.items():
            statuses[pk] = (_event_status(outcomes), "")
        finish_events(statuses, connections, owner)
    return len(events)


def read_events(events, connections):
    statuses, counts, owner = {}, [], {}
    for pk, connection_id, headers, body in events:
        connection = connections[connection_id]
        owner[pk] = connection_id
        try:
            payload = json.loads(bytes(body))
            if not isinstance(payload, dict):
                raise BadEvent("the body is not a JSON object")
            location = connection.settings.get("location_id")
            found = PARSERS[connection.kind](pk, headers, payload, location)
        except (BadEvent, ValueError, KeyError, TypeError, AttributeError) as error:
            statuses[pk] = (EventStatus.INVALID, str(error)[:255])
            continue
        if not found:
            statuses[pk] = (EventStatus.UNCHANGED, "not a count of the shop's location")
        counts.extend(found)
    return statuses, counts, owner


def write_matched(counts, matched, owner) -> dict[int, list[str]]:
    outcomes: defaultdict[int, list[str]] = defaultdict(list)
    to_write = []
    for count in counts:
        record = matched.get((owner[count.event_pk], count.external_id))
        if record is None:
            outcomes[count.event_pk].append(EventStatus.UNMATCHED)
        else:
            to_write.append((count.event_pk, Count(record, count.quantity, count.at)))
    winners, _superseded = newest_per_record(c for _pk, c in to_write)
    result = write_counts(winners)
    winning = {id(c) for c in winners}
    for pk, count in to_write:
        if id(count) not in winning or count.stockrecord_id not in result.fresh:
            outcomes[pk].append(EventStatus.STALE)
        elif count.stockrecord_id in result.changed:
            outcomes[pk].append(EventStatus.APPLIED)
        else:
            outcomes[pk].append(EventStatus.UNCHANGED)
    return outcomes


def _event_status(outcomes: list[str]) -> str:
    for status in (EventStatus.APPLIED, EventStatus.UNCHANGED, EventStatus.STALE):
        if status in outcomes:
            return status
    return EventStatus.UNMATCHED


def finish_events(statuses, connections, owner) -> None:
    now = timezone.now()
    groups = defaultdict(list)
    for pk, (status, message) in statuses.items():
        groups[(status, message)].append(pk)
    for (status, message), pks in groups.items():
        WebhookEvent.objects.filter(pk__in=pks).update(
            status=status, message=message, applied_at=now
        )
    PosConnection.objects.filter(pk__in=list(connections)).update(
        last_event_at=now, status=ConnectionStatus.OK
    )
    log_problems(statuses, connections, owner, now)


def log_problems(statuses, connections, owner, now) -> None:
    """One log line per shop per batch, only when some events could not be applied: the
    sync log stays readable while thousands of good events flow."""
    per_connection: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for pk, (status, _message) in statuses.items():
        per_connection[owner[pk]][status] += 1
    logs = []
    for connection_id, tally in per_connection.items():
        if not (tally[EventStatus.UNMATCHED] or tally[EventStatus.INVALID]):
            continue
        connection = connections[connection_id]
        logs.append(
            SyncLog(
                shop=connection.shop,
                connection=connection,
                kind=SyncKind.WEBHOOK,
                source=connection.get_kind_display(),
                finished_at=now,
                outcome=SyncOutcome.APPLIED if tally[EventStatus.APPLIED] else SyncOutcome.REJECTED,
                rows_total=sum(tally.values()),
                rows_applied=tally[EventStatus.APPLIED],
                rows_unchanged=tally[EventStatus.UNCHANGED] + tally[EventStatus.STALE],
                rows_unmatched=tally[EventStatus.UNMATCHED],
                rows_failed=tally[EventStatus.INVALID],
                message=_(
                    "Some webhooks named an item without a matching product, or could"
                    " not be read; they are kept and retried after the next catalogue sync."
                ),
            )
        )
    SyncLog.objects.bulk_create(logs)
