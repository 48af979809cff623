"""10,000 signed Shopify-style inventory webhooks from 500 shops over loopback.

Needs PostgreSQL (DATABASE_URL, migrated). A real server (gunicorn, 2 workers × 4 threads)
answers the webhooks; CLIENTS threads send them with keep-alive and time each answer
(acceptance p95).
The server only verifies and stores (tasks go to an in-memory queue, as a web process
queues them for the worker); then the stored events are applied here with the very code
the Celery task runs (event_apply.apply_pending_events, micro-batches of 2,000): applied
events/s. Beside it, the same counts written by a raw per-row UPDATE, one per event.
"""

import json
import socket
import threading
import time
import uuid
from decimal import Decimal
from http.client import HTTPConnection
from urllib.parse import urlparse

from django.db import connection, transaction
from oscar.core.loading import get_model

from benchmarks import benchmark
from benchmarks.servers import start_gunicorn
from inventory_sync.connections import webhook_url
from inventory_sync.event_apply import apply_pending_events
from inventory_sync.event_models import EventStatus, PosItem, WebhookEvent
from inventory_sync.models import PosConnection, PosKind
from shops.models import Shop, ShopStatus

SIZES = {"smoke": (20, 200), "full": (500, 10_000)}  # shops, events
CLIENTS = 8
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")


def make_shops(count: int, items: int) -> list[tuple[PosConnection, list[int]]]:
    tag = uuid.uuid4().hex[:8]
    partners = Partner.objects.bulk_create(
        [Partner(name=f"Burst {tag} {i}", code=f"burst-{tag}-{i}") for i in range(count)]
    )
    shops = Shop.objects.bulk_create(
        [
            Shop(partner=p, slug=f"burst-{tag}-{i}", kind="books", status=ShopStatus.ACTIVE,
                 legal_name="B.V.", chamber_of_commerce_number=str(uuid.uuid4().int)[:8],
                 street="Brink 1", postcode="7411 BR", city="Deventer",
                 latitude=Decimal("52.2551"), longitude=Decimal("6.1599"))
            for i, p in enumerate(partners)
        ]
    )  # fmt: skip
    product_class = ProductClass.objects.get_or_create(
        name="Bench", defaults={"track_stock": True}
    )[0]
    products = Product.objects.bulk_create(
        [
            Product(title=f"Burst {tag}", product_class=product_class, structure="standalone")
            for _ in range(count * items)
        ]
    )
    records = StockRecord.objects.bulk_create(
        [
            StockRecord(
                product=product,
                partner=partners[i // items],
                partner_sku=f"B{tag}-{i}",
                price=Decimal("5"),
                num_in_stock=100,
                num_allocated=0,
            )
            for i, product in enumerate(products)
        ]
    )
    connections = PosConnection.objects.bulk_create(
        [
            PosConnection(
                shop=shop,
                kind=PosKind.SHOPIFY,
                signing_secret=uuid.uuid4().hex,
                webhook_key=uuid.uuid4().hex,
                settings={"location_id": "1"},
            )
            for shop in shops
        ]
    )
    PosItem.objects.bulk_create(
        [
            PosItem(
                connection=connections[i // items],
                external_id=str(1000 + i % items),
                stockrecord=record,
            )
            for i, record in enumerate(records)
        ]
    )
    return [
        (c, [r.pk for r in records[n * items : (n + 1) * items]]) for n, c in enumerate(connections)
    ]


def signed_events(shops, events: int) -> list[tuple[str, bytes, dict]]:
    from tests.inventory_sync.pos_helpers import sign

    out = []
    for n in range(events):
        connection, _records = shops[n % len(shops)]
        item = 1000 + (n // len(shops)) % 20
        # The change time is in the signed body (updated_at): only that decides freshness.
        at = f"2026-11-23T10:{n // 1000 % 60:02d}:{n % 60:02d}.{n:06d}Z"[:32]
        body = json.dumps(
            {"inventory_item_id": item, "location_id": 1, "available": n % 50, "updated_at": at}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": "inventory_levels/update",
            "X-Shopify-Hmac-Sha256": sign(connection.signing_secret, body),
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": at,
        }
        out.append((urlparse(webhook_url(connection)).path, body, headers))
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send_all(base: str, deliveries) -> tuple[float, list[float], list[int]]:
    """CLIENTS keep-alive connections, each sending its share in turn. http.client, not
    requests: on a shared 2-core machine the client's own CPU would count as server latency."""
    latencies, statuses, lock = [], [], threading.Lock()
    chunks = [deliveries[i::CLIENTS] for i in range(CLIENTS)]
    address = urlparse(base)

    def client(chunk):
        http = HTTPConnection(address.hostname, address.port, timeout=30)
        for path, body, headers in chunk:
            started = time.perf_counter()
            http.request("POST", path, body=body, headers=headers)
            answer = http.getresponse()
            answer.read()
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                statuses.append(answer.status)
        http.close()

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sorted(latencies), statuses


def raw_per_row(shops, events: int) -> float:
    pairs = [(n % 50 + 1, shops[n % len(shops)][1][(n // len(shops)) % 20]) for n in range(events)]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for quantity, record in pairs:
            with transaction.atomic():  # one webhook, one transaction
                cursor.execute(
                    "UPDATE partner_stockrecord SET num_in_stock = %s WHERE id = %s",
                    [quantity, record],
                )
    return time.perf_counter() - started


@benchmark("webhook_burst")
def webhook_burst(size: str) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("webhook_burst needs PostgreSQL: set DATABASE_URL")
    shop_count, events = SIZES[size]
    shops = make_shops(shop_count, 20)
    deliveries = signed_events(shops, events)
    port = free_port()
    server = start_gunicorn(
        port=port,
        settings_module="marketplace.settings.base",
        threads=4,
        env={
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": "memory://",
            # Every event comes from this one address; the per-shop rate stays as deployed.
            "THROTTLE_POS_WEBHOOK_ADDRESS": "1000000/min",
        },
    )
    try:
        send_all(f"http://127.0.0.1:{port}", deliveries[: CLIENTS * 4])  # warm the workers up
        WebhookEvent.objects.filter(connection__in=[c for c, _ in shops]).delete()
        seconds, latencies, statuses = send_all(f"http://127.0.0.1:{port}", deliveries)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert statuses.count(200) == events, {s: statuses.count(s) for s in set(statuses)}
    started, batches = time.perf_counter(), 0
    while apply_pending_events():
        batches += 1
    apply_seconds = time.perf_counter() - started
    stored = WebhookEvent.objects.filter(connection__in=[c for c, _ in shops])
    applied = stored.exclude(status=EventStatus.PENDING).count()
    raw_seconds = raw_per_row(shops, events)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"accepted {events} in {seconds:.2f}s (p95 {p95:.1f} ms); applied in"
        f" {apply_seconds:.2f}s, {batches} batches; raw {raw_seconds:.2f}s"
    )
    return {
        "shops": shop_count,
        "events": events,
        "accept_p50_ms": round(latencies[len(latencies) // 2 - 1], 1),
        "accept_p95_ms": round(p95, 1),
        "accepted_per_s": round(events / seconds),
        "applied_events": applied,
        "applied_per_s": round(applied / apply_seconds),
        "batches": batches,
        "raw_per_row_update_per_s": round(events / raw_seconds),
        "ratio_applied_to_raw": round((applied / apply_seconds) / (events / raw_seconds), 2),
        "stale_or_superseded": stored.filter(status=EventStatus.STALE).count(),
    }
