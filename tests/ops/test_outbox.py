"""The transactional outbox (marketplace/outbox.py): a row exactly when its cause commits,
sent at once when the broker answers, kept with a backoff when it does not, and never an
error for the request. The whole journey with a real worker:
tests/payments/test_broker_outage.py."""

import socket
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from logistics.models import OrderPart
from marketplace import outbox
from marketplace.celery import app, resume_broker
from marketplace.models import OutboxTask, SentEmail
from marketplace.ordering.services import PartChoice, place_order
from marketplace.ordering.tasks import send_part_email
from marketplace.outbox import enqueue, send_email_once, send_pending
from tests.conftest import IN_CI
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer
from tests.support.cache_down import closed_port

ran: list[str] = []


@app.task
def note(value: str) -> None:
    ran.append(value)


def point_broker_at(url: str) -> None:
    """This process's Celery publishes to `url` from now on (new connection pools)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def not_eager():
    """Tasks go to a broker (a queue of the test's own on the real Redis), not run here."""
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("REDIS_URL must be set in CI")
        pytest.skip("needs REDIS_URL (a real Redis broker)")
    queue = f"test-outbox-{uuid.uuid4().hex[:8]}"
    before = app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    ran.clear()
    resume_broker()
    try:
        yield lambda: redis.Redis.from_url(before[0]).llen(queue)
    finally:
        resume_broker()
        point_broker_at(before[0])
        app.conf.task_always_eager, app.conf.task_default_queue = before[1], before[2]
        redis.Redis.from_url(before[0]).delete(queue)


@pytest.fixture
def broker_down(not_eager):
    real = app.conf.broker_url
    point_broker_at(f"redis://127.0.0.1:{closed_port()}/0")
    yield
    point_broker_at(real)


@pytest.fixture
def broker_frozen(not_eager):
    """A Redis that takes connections and never answers, as one stopped with SIGSTOP."""
    real = app.conf.broker_url
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes the handshakes; nobody reads
        point_broker_at(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
        yield
        point_broker_at(real)


@pytest.mark.django_db(transaction=True)
def test_eager_tasks_run_on_commit_without_a_row():
    ran.clear()
    with transaction.atomic():
        enqueue(note, "placed")
        assert ran == []
    assert ran == ["placed"]
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_cause_leaves_a_row_sent_at_once(not_eager):
    queued = not_eager
    with transaction.atomic():
        enqueue(note, "placed", extra=1)
        assert queued() == 0, "nothing reaches the broker before the commit"

    row = OutboxTask.objects.get()
    assert (row.task_name, row.args, row.kwargs, row.attempts) == (
        note.name,
        ["placed"],
        {"extra": 1},
        1,
    )
    assert row.sent_at is not None
    assert queued() == 1
    assert ran == [], "sent to the broker, not run here"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_cause_leaves_nothing(not_eager):
    queued = not_eager
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(note, "lost")
        raise RuntimeError("the order failed")
    assert not OutboxTask.objects.exists()
    assert queued() == 0


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_row_waits_with_a_growing_backoff(broker_down):
    with transaction.atomic():
        enqueue(note, "placed")  # the after-commit send fails: logged, not raised

    row = OutboxTask.objects.get()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "refused" in row.last_error.lower(), row.last_error
    assert 0 < (row.next_attempt_at - timezone.now()).total_seconds() <= 1
    assert send_pending() == 0  # still waiting out its backoff: not tried
    assert OutboxTask.objects.get().attempts == 1

    assert send_pending(due_only=False) == 0
    row = OutboxTask.objects.get()
    assert row.attempts == 2
    assert 1 < (row.next_attempt_at - timezone.now()).total_seconds() <= 2


@pytest.mark.django_db(transaction=True)
def test_a_later_send_takes_the_waiting_rows_along_oldest_first(not_eager):
    queued = not_eager
    waiting = [
        OutboxTask.objects.create(task_name=note.name, args=[f"early-{n}"], next_attempt_at=when)
        for n, when in enumerate([timezone.now(), timezone.now() + timedelta(minutes=5)])
    ]
    with transaction.atomic():
        enqueue(note, "now")

    sent = dict(OutboxTask.objects.values_list("pk", "sent_at"))
    assert sent[waiting[0].pk] is not None
    assert sent[waiting[1].pk] is None, "a row in its backoff waits for the relay"
    assert queued() == 2


@pytest.mark.django_db(transaction=True)
def test_a_plain_task_after_commit_with_the_broker_frozen_does_not_fail_the_request(
    broker_frozen,
):
    started = time.monotonic()
    with transaction.atomic():
        note.delay("view counted")  # OnCommitTask: one try, the error logged after the commit
    first = time.monotonic() - started
    started = time.monotonic()
    with transaction.atomic():
        note.delay("view counted")  # within the pause: not tried
    second = time.monotonic() - started

    assert ran == []
    assert 1.5 < first < 2.5
    assert second < 0.5


@pytest.mark.django_db
def test_an_email_is_sent_once_per_key():
    def send():
        mail.send_mail("Besteld", "text", "from@example.test", ["to@example.test"])

    assert send_email_once("order-placed-1", send) is True
    assert send_email_once("order-placed-1", send) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_email_leaves_no_key_so_the_retry_sends():
    def refused():
        raise OSError("mail server away")

    with pytest.raises(OSError):
        send_email_once("order-placed-2", refused)
    assert not SentEmail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_frozen_broker_costs_one_request_one_timeout_then_rows_wait_for_the_relay(
    broker_frozen,
):
    started = time.monotonic()
    with transaction.atomic():
        enqueue(note, "first")
    first = time.monotonic() - started
    started = time.monotonic()
    with transaction.atomic():
        enqueue(note, "second")  # within the pause: left to the relay, not tried
    second = time.monotonic() - started

    assert 1.5 < first < 2.5  # one broker socket timeout (BROKER_SOCKET_TIMEOUT, 2 s)
    assert second < 0.5
    rows = list(OutboxTask.objects.order_by("pk").values_list("args", "attempts", "sent_at"))
    assert rows == [(["first"], 1, None), (["second"], 0, None)]


@pytest.mark.django_db
def test_a_task_relayed_twice_sends_its_email_once():
    consumer = UserFactory()
    offer = make_offer(ShopFactory(), price="12.50")
    order = place_order(
        basket=make_basket(consumer, (offer, 1)),
        user=consumer,
        choices={offer.partner_id: PartChoice(method="collect")},
        address=None,
    )
    part = OrderPart.objects.get(order=order)
    for _ in range(2):  # the same outbox row, sent twice
        send_part_email.apply(args=[part.pk, "ready"], headers={"outbox_id": 41})
    send_part_email.apply(args=[part.pk, "ready"], headers={"outbox_id": 42})  # another event

    assert len(mail.outbox) == 2
    assert sorted(SentEmail.objects.values_list("key", flat=True)) == ["outbox-41", "outbox-42"]


@pytest.mark.django_db
def test_the_beat_relay_forgets_rows_sent_a_week_ago():
    now = timezone.now()
    old, recent, waiting = (
        OutboxTask.objects.create(task_name=note.name, sent_at=sent_at, next_attempt_at=now)
        for sent_at in (now - timedelta(days=8), now - timedelta(days=6), None)
    )

    assert outbox.prune_sent() == 1
    assert set(OutboxTask.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


@pytest.mark.django_db
def test_a_product_view_delivered_twice_counts_once():
    from oscar.core.loading import get_model

    from marketplace.storefront.analytics import record_product_view

    product = make_offer(ShopFactory()).product
    viewer = UserFactory()
    for _ in range(2):  # the same view (outbox row 7), delivered twice
        record_product_view.apply(args=[product.pk, viewer.pk], headers={"outbox_id": 7})
    record_product_view.apply(args=[product.pk, viewer.pk], headers={"outbox_id": 8})

    record = get_model("analytics", "ProductRecord").objects.get(product=product)
    assert record.num_views == 2
    assert get_model("analytics", "UserProductView").objects.filter(user=viewer).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_product_page_leaves_its_view_to_the_relay(not_eager):
    from django.test import Client

    product = make_offer(ShopFactory()).product
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(product.get_absolute_url())
    assert response.status_code == 200
    row = OutboxTask.objects.get()
    assert (row.task_name, row.args) == (
        "marketplace.storefront.analytics.record_product_view",
        [product.pk, None],
    )
    assert row.sent_at is None, "the page does not wait on the broker"
    assert send_pending() == 1  # the relay sends it
