"""Faults (issue 16): the marketplace while Redis is stopped or frozen, a worker is
SIGKILLed and database backends are terminated.

Needs PostgreSQL (DATABASE_URL, migrated) and redis-server. Starts its own redis-server
(cache and broker, on a free loopback port), a gunicorn with DEBUG off (2 workers x 4
threads) and a real Celery worker. While 4 client threads read storefront pages over
loopback, this process places and pays orders (place_order, record_payment_success: their
tasks go through the outbox), and the faults come one after another:

1. Redis stopped, 2. Redis frozen (SIGSTOP), 3. the worker SIGKILLed during its tasks and a
new one started, 4. every other backend of the database terminated (pg_terminate_backend).

Then Redis is back, the outbox is relayed, and it waits until the queue is empty. Figures:
pages over 2 s and 500s during the cache outage (1 and 2); 500s while backends are
terminated (a request whose connection is killed under it fails: reported, not a goal);
lost tasks (a paid order without its confirmation e-mail or purchase count, a row never
sent); duplicate effects (an order confirmed by two e-mails); stock invariant breaks
(reserved units that are not the sum of active reservations, or more than on hand).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from django.db import connection
from oscar.core.loading import get_model

from benchmarks import benchmark
from benchmarks.servers import ROOT, start_gunicorn

# seconds of each outage, orders per fault, on hand of each product
SIZES = {"smoke": (4.0, 3, 40), "full": (30.0, 20, 400)}
CLIENTS = 4
SLOW_SECONDS = 2.0
VISIBILITY_SECONDS = 12
WORKER_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
    "CELERY_TASK_TIME_LIMIT": "10",
    "CELERY_TASK_SOFT_TIME_LIMIT": "8",
    "CELERY_RESTORE_INTERVAL": "1",
}
StockRecord = get_model("partner", "StockRecord")
ProductRecord = get_model("analytics", "ProductRecord")


class PageLoad:
    """CLIENTS threads reading `urls` round robin; each answer is filed under the current
    phase: (status or 'error', seconds)."""

    def __init__(self, base: str, urls: list[str]):
        self.base, self.urls = base, urls
        self.phase = "warm"
        self.results: dict[str, list[tuple]] = {}
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(CLIENTS)]

    def run(self, offset: int) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            n = offset
            while not self.stop.is_set():
                url = self.urls[n % len(self.urls)]
                n += 1
                phase, started = self.phase, time.monotonic()
                try:
                    status = client.get(url, headers={"Accept-Language": "en"}).status_code
                except httpx.HTTPError:
                    status = "error"
                seconds = time.monotonic() - started
                self.results.setdefault(phase, []).append((status, seconds))
                if seconds > SLOW_SECONDS or status == "error" or status >= 500:
                    print(f"chaos: {phase}: {url} {status} in {seconds:.2f} s", file=sys.stderr)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def count(self, phases, test) -> int:
        return sum(
            1 for p in phases for status, secs in self.results.get(p, []) if test(status, secs)
        )


class Worker:
    """A real Celery worker process (solo pool) on the test's Redis and database."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
                [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool=solo",
                 "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def make_catalogue(on_hand: int):
    from tests.factories import ShopFactory, make_offer

    tag = uuid.uuid4().hex[:8]
    shop = ShopFactory(
        slug=f"chaos-{tag}",
        partner__name=f"Chaos {tag}",
        chamber_of_commerce_number=str(uuid.uuid4().int)[:8],
    )
    return [make_offer(shop, price="9.95", on_hand=on_hand) for _ in range(3)]


def place_and_pay(offers, placed: list) -> None:
    """One consumer orders one unit of each product and pays: the tasks go to the outbox."""
    from marketplace.ordering.services import PartChoice, place_order, record_payment_success
    from tests.factories import UserFactory, make_basket

    consumer = UserFactory(username=f"chaos-{uuid.uuid4().hex[:12]}@stadsmarkt.test")
    order = place_order(
        basket=make_basket(consumer, *[(offer, 1) for offer in offers]),
        user=consumer,
        choices={offers[0].partner_id: PartChoice(method="collect")},
        address=None,
    )
    record_payment_success(order_id=order.pk, reference=f"chaos-{order.number}")
    placed.append(order)


def terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def confirmation_mails(mail_dir: Path) -> dict[str, int]:
    """Order number -> order-placed e-mails sent for it (the file backend's messages)."""
    counts: dict[str, int] = {}
    for path in mail_dir.glob("*.log"):
        for message in path.read_text(errors="replace").split("-" * 79):
            for line in message.splitlines():
                if line.startswith("Subject:"):
                    counts[line] = counts.get(line, 0) + 1
    return counts


def stock_breaks(offers) -> int:
    from inventory_sync.models import Reservation, ReservationState

    breaks = 0
    for offer in offers:
        record = StockRecord.objects.get(pk=offer.pk)
        active = sum(
            Reservation.objects.filter(
                stockrecord=record, state=ReservationState.ACTIVE
            ).values_list("quantity", flat=True)
        )
        breaks += record.num_allocated != active or record.num_allocated > record.num_in_stock
    return breaks


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@benchmark("chaos")
def run(size: str) -> dict:
    from marketplace.celery import app, resume_broker
    from marketplace.models import OutboxTask, SentEmail, TaskEffect
    from marketplace.outbox import send_pending
    from tests.ops.test_cache_outage import RedisServer, free_port
    from tests.ops.test_outbox import point_broker_at

    if connection.vendor != "postgresql" or shutil.which("redis-server") is None:
        raise SystemExit("the chaos benchmark needs PostgreSQL (DATABASE_URL) and redis-server")
    outage_seconds, orders_per_fault, on_hand = SIZES[size]
    offers = make_catalogue(on_hand)
    work = Path(tempfile.mkdtemp(prefix="chaos-"))
    (work / "mail").mkdir()
    redis_server = RedisServer()
    redis_server.start()
    queue = f"chaos-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    stack_env = {
        "REDIS_URL": redis_server.url,
        "CELERY_BROKER_URL": redis_server.url,
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": queue,
    }
    worker_env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)},
        **stack_env,
        **WORKER_ENV,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(work / "mail"),
    }
    # This process sends its tasks to that Redis, through the outbox, as a web process does.
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    point_broker_at(redis_server.url)
    resume_broker()

    port = free_port()
    server = start_gunicorn(
        port=port,
        settings_module="benchmarks.storefront_settings",
        threads=4,
        env={**stack_env, "DATABASE_CONN_MAX_AGE": "60"},
    )
    worker = Worker(worker_env, work / "worker.log")
    worker.start()
    urls = ["/", offers[0].product.get_absolute_url(), "/search/?q=product", "/basket/"]
    placed: list = []
    killed_backends = 0
    try:
        with PageLoad(f"http://127.0.0.1:{port}", urls) as load:
            wait_until(lambda: len(load.results.get("warm", [])) >= 8 * len(urls), 60)
            load.phase = "redis stopped"
            redis_server.stop()
            for _ in range(orders_per_fault):
                place_and_pay(offers, placed)
            time.sleep(outage_seconds)
            redis_server.start()

            load.phase = "redis frozen"
            with redis_server.frozen():
                for _ in range(orders_per_fault):
                    place_and_pay(offers, placed)
                time.sleep(outage_seconds)

            load.phase = "worker killed"
            resume_broker()
            send_pending(due_only=False)
            for _ in range(orders_per_fault):
                place_and_pay(offers, placed)
            time.sleep(0.5)
            worker.kill()
            worker.start()

            load.phase = "backends terminated"
            for _ in range(orders_per_fault):
                place_and_pay(offers, placed)
                killed_backends += terminate_other_backends()
                time.sleep(outage_seconds / orders_per_fault)
            load.phase = "after"
            time.sleep(1)

        # Recovery: the relay sends what waited; the worker does it all once.
        def settled() -> bool:
            send_pending(due_only=False)
            broker = redis_server.client()
            return (
                not OutboxTask.objects.filter(sent_at__isnull=True).exists()
                and broker.llen(queue) == 0
                and broker.hlen("unacked") == 0
                and SentEmail.objects.filter(
                    key__in=[f"order-placed-{o.pk}" for o in placed]
                ).count()
                == len(placed)
            )

        wait_until(settled, VISIBILITY_SECONDS + 90)
        time.sleep(2)  # a duplicate would show up by now
    finally:
        worker.stop()
        server.terminate()
        server.wait(30)
        redis_server.stop()
        point_broker_at("memory://")
        app.conf.task_always_eager = True

    cache_phases = ["redis stopped", "redis frozen"]
    mails = confirmation_mails(work / "mail")
    numbers = {o.pk: o.number for o in placed}
    sent_keys = set(SentEmail.objects.values_list("key", flat=True))
    counted = set(TaskEffect.objects.values_list("key", flat=True))
    lost = sum(
        f"order-placed-{pk}" not in sent_keys or f"order-analytics-{pk}" not in counted
        for pk in numbers
    )
    lost += OutboxTask.objects.filter(sent_at__isnull=True).count()
    duplicates = sum(
        count - 1 for subject, count in mails.items() if count > 1 and "Subject:" in subject
    )
    purchases = sum(
        ProductRecord.objects.filter(product__in=[o.product for o in offers]).values_list(
            "num_purchases", flat=True
        )
    )
    duplicates += max(purchases - len(placed) * len(offers), 0)
    return {
        "orders": len(placed),
        "page_requests_during_cache_outage": load.count(cache_phases, lambda s, t: True),
        "requests_over_2s": load.count(cache_phases, lambda s, t: t > SLOW_SECONDS),
        "requests_500": load.count(cache_phases, lambda s, t: s == "error" or s >= 500),
        "slowest_page_s": round(
            max((t for p in cache_phases for _, t in load.results.get(p, [])), default=0), 3
        ),
        "requests_500_while_backends_terminated": load.count(
            ["backends terminated"], lambda s, t: s == "error" or s >= 500
        ),
        "backends_terminated": killed_backends,
        "lost_tasks": lost,
        "duplicate_effects": duplicates,
        "stock_invariant_breaks": stock_breaks(offers),
    }
