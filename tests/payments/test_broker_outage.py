"""Issue 16, second point: with the Celery broker down, checkout and payment answer as usual,
their tasks wait in the outbox (marketplace/outbox.py), and once Redis is back the relay
sends them and a real worker sends the confirmation e-mail exactly once.

The broker is pointed at a closed loopback port (connections refused, as a stopped Redis),
tasks are not eager, and the cache is down too (one Redis is both in production)."""

import io
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from oscar.core.loading import get_model

from marketplace.celery import app, resume_broker
from marketplace.models import OutboxTask, SentEmail
from marketplace.outbox import send_pending
from marketplace.payments.models import Payment, PaymentStatus
from tests.conftest import IN_CI, client_for, worker_sending_mail_to
from tests.factories import ShopFactory, UserFactory, make_offer
from tests.ops.test_outbox import point_broker_at
from tests.support.cache_down import cache_down, closed_port  # noqa: F401 (a fixture)

from .conftest import default_plan, event, intent_succeeded, post_event, session_completed

Order = get_model("order", "Order")
ROOT = Path(__file__).resolve().parents[2]
PAID_TASKS = [
    "marketplace.ordering.tasks.send_order_placed_email",
    "marketplace.reports.tasks.refresh_order_sales",
]
FEE_TASK = "marketplace.payments.tasks.fetch_payment_details"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


@pytest.fixture
def real_broker():
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        if IN_CI:
            pytest.fail("CI must give REDIS_URL and a PostgreSQL DATABASE_URL")
        pytest.skip("needs Redis and PostgreSQL (the worker is its own process)")
    queue = f"test-outbox-{uuid.uuid4().hex[:8]}"
    before = app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    resume_broker()
    try:
        yield {"url": before[0], "queue": queue}
    finally:
        resume_broker()
        point_broker_at(before[0])
        app.conf.task_always_eager, app.conf.task_default_queue = before[1], before[2]
        redis.Redis.from_url(before[0]).delete(queue)


@contextmanager
def broker_down():
    real = app.conf.broker_url
    point_broker_at(f"redis://127.0.0.1:{closed_port()}/0")
    try:
        yield
    finally:
        point_broker_at(real)


def mails_to(outbox: Path, address: str, containing: str) -> list[str]:
    messages = []
    for path in sorted(outbox.glob("*.log")):
        for message in path.read_text(errors="replace").split("-" * 79):
            if f"To: {address}" in message and containing in message:
                messages.append(message)
    return messages


def wait_for(condition, *, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout}s")


def relay() -> str:
    out = io.StringIO()
    call_command("relay_outbox", "--all", stdout=out)
    return out.getvalue().strip()


def waiting_tasks() -> list[str]:
    return list(
        OutboxTask.objects.filter(sent_at__isnull=True)
        .order_by("pk")
        .values_list("task_name", flat=True)
    )


@pytest.mark.usefixtures("cache_down")
def test_checkout_and_payment_answer_while_the_broker_is_down_and_mail_once_it_is_back(
    stripe_on, real_broker
):
    default_plan()
    books = ShopFactory()
    novel = make_offer(books, price="19.95", on_hand=4)
    consumer = UserFactory()
    browser, webhook = client_for(consumer), client_for()

    with broker_down():
        browser.post(f"/basket/add-offer/{novel.pk}/", {"quantity": "1"})
        started = time.monotonic()
        checkout = browser.post("/checkout/", {f"method_{books.partner_id}": "collect"})
        checkout_seconds = time.monotonic() - started
        order = Order.objects.get(user=consumer)
        paid = [
            post_event(webhook, event("checkout.session.completed", session_completed(order))),
            post_event(webhook, event("payment_intent.succeeded", intent_succeeded(order))),
        ]

    # The person saw the truth: sent to pay, and the payment taken.
    assert checkout.status_code == 302
    assert checkout_seconds < 2
    assert [response.status_code for response in paid] == [200, 200]
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert Order.objects.get(pk=order.pk).status == "Paid"
    # The tasks wait in the database: the checkout's tried once and told why it failed;
    # the payment's, moments later, left to the relay untried (BROKER_PAUSE_SECONDS). Each
    # of the two payment events also asks for the payment's method and real fee.
    assert waiting_tasks() == [
        "marketplace.ordering.tasks.record_order_analytics",
        *PAID_TASKS,
        FEE_TASK,
        FEE_TASK,
    ]
    tries = list(OutboxTask.objects.order_by("pk").values_list("attempts", "last_error"))
    assert [attempts for attempts, _ in tries] == [1, 0, 0, 0, 0]
    assert "Connection refused" in tries[0][1]

    # Redis is back: the relay sends what waited, oldest first, and marks it sent.
    out = tempfile.mkdtemp()
    assert relay() == "sent 5"
    assert waiting_tasks() == []
    assert redis.Redis.from_url(real_broker["url"]).llen(real_broker["queue"]) == 5
    assert relay() == "sent 0"  # nothing twice
    assert redis.Redis.from_url(real_broker["url"]).llen(real_broker["queue"]) == 5

    with worker_sending_mail_to(Path(out), real_broker["queue"]):
        wait_for(lambda: mails_to(Path(out), consumer.email, order.number))
        # A row sent but not marked (the relay died before its commit) is sent again;
        # the e-mail task finds its key and sends nothing new.
        confirmation = OutboxTask.objects.get(task_name=PAID_TASKS[0])
        OutboxTask.objects.filter(pk=confirmation.pk).update(sent_at=None)
        assert send_pending(due_only=False) == 1
        broker = redis.Redis.from_url(real_broker["url"])
        # Taken off the queue and acknowledged (acks_late: once it has run).
        wait_for(lambda: broker.llen(real_broker["queue"]) == 0 and not broker.hlen("unacked"))

    assert len(mails_to(Path(out), consumer.email, order.number)) == 1
    assert list(SentEmail.objects.values_list("key", flat=True)) == [f"order-placed-{order.pk}"]
