"""Issue 16: a real Celery worker (tests/conftest.py worker_sending_mail_to) on a
redis-server of the test's own and the test database keeps doing every task's effect exactly
once when things fail under it:

- its Redis restarts: the worker reconnects and takes the next task;
- it is killed with SIGKILL during a task: a new worker does the task once the visibility
  timeout has passed, and the effect happens once;
- the task's database connection is terminated (pg_terminate_backend) mid-task: the task
  is retried on a fresh connection and its effect happens once.

The task is Oscar's purchase counter (record_order_analytics), keyed by the order. The test
holds the counter's row lock from a connection of its own, so the task waits inside its
transaction exactly where the fault is injected."""

import shutil
import time
import uuid
from types import SimpleNamespace

import psycopg2
import pytest
import redis
from django.db import connection
from oscar.core.loading import get_model

from marketplace.celery import app, resume_broker
from marketplace.models import TaskEffect
from marketplace.ordering.services import PartChoice, place_order
from tests.conftest import IN_CI, worker_sending_mail_to
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer
from tests.ops.test_cache_outage import RedisServer
from tests.ops.test_outbox import point_broker_at

ProductRecord = get_model("analytics", "ProductRecord")
TASK = "marketplace.ordering.tasks.record_order_analytics"
VISIBILITY_SECONDS = 12  # the production default is 600 s; above the task limit below
WORKER_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
    "CELERY_TASK_TIME_LIMIT": "10",
    "CELERY_TASK_SOFT_TIME_LIMIT": "8",
    "CELERY_RESTORE_INTERVAL": "1",
}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.serial,
    pytest.mark.celery_worker,
]


@pytest.fixture
def faults():
    """A redis-server of this test's own as broker, cache and result store, for this
    process and the workers it starts; a queue of its own."""
    if connection.vendor != "postgresql" or shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("CI must run these with PostgreSQL and redis-server")
        pytest.skip("needs PostgreSQL (the worker is its own process) and redis-server")
    server = RedisServer()
    server.start()
    queue = f"test-faults-{uuid.uuid4().hex[:8]}"
    before = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    point_broker_at(server.url)
    resume_broker()
    params = connection.get_connection_params()
    watcher = psycopg2.connect(**params)
    watcher.autocommit = True
    try:
        yield SimpleNamespace(
            server=server,
            queue=queue,
            env={**WORKER_ENV, "CELERY_BROKER_URL": server.url, "REDIS_URL": server.url},
            params=params,
            watcher=watcher,
        )
    finally:
        watcher.close()
        point_broker_at(before[0])
        app.conf.task_always_eager = before[1]
        resume_broker()
        if server.process and server.process.poll() is None:
            server.stop()


def unrecorded_order():
    """An order whose purchase counter task has not run yet (placed with eager tasks, then
    its count and key taken back). Returns (order, product)."""
    consumer = UserFactory()
    offer = make_offer(ShopFactory(), price="12.50")
    was_eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        order = place_order(
            basket=make_basket(consumer, (offer, 1)),
            user=consumer,
            choices={offer.partner_id: PartChoice(method="collect")},
            address=None,
        )
    finally:
        app.conf.task_always_eager = was_eager
    TaskEffect.objects.filter(key=f"order-analytics-{order.pk}").delete()
    ProductRecord.objects.filter(product=offer.product).update(num_purchases=0)
    return order, offer.product


def purchases(product) -> int:
    return ProductRecord.objects.get(product=product).num_purchases


def send(faults, order) -> None:
    app.send_task(TASK, args=[order.pk], queue=faults.queue)


def wait_for(condition, what: str, *, seconds: float = 60.0) -> float:
    """Waits until `condition()`; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"not within {seconds} s: {what}")


def lock_counter(faults, product):
    """A connection holding the counter's row lock until its rollback()."""
    holder = psycopg2.connect(**faults.params)
    with holder.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {ProductRecord._meta.db_table}"  # noqa: S608
            " WHERE product_id = %s FOR UPDATE",
            [product.pk],
        )
    return holder


def backends_waiting_on_locks(faults) -> list[int]:
    with faults.watcher.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def queue_drained(faults) -> bool:
    broker = faults.server.client()
    return broker.llen(faults.queue) == 0 and broker.hlen("unacked") == 0


def test_the_worker_keeps_working_after_its_redis_restarts(faults, tmp_path):
    """Three restarts (issue 16 saw the worker give up on one of five)."""
    orders = [unrecorded_order() for _ in range(4)]
    with worker_sending_mail_to(tmp_path, faults.queue, **faults.env) as worker:
        send(faults, orders[0][0])
        wait_for(lambda: purchases(orders[0][1]) == 1, "the task before the restarts")
        for order, product in orders[1:]:
            faults.server.stop()
            time.sleep(3)  # the worker finds its connection gone and keeps trying
            faults.server.start()  # the same port, empty
            point_broker_at(faults.server.url)
            send(faults, order)
            took = wait_for(lambda p=product: purchases(p) == 1, "the task after a restart")
            assert worker.poll() is None, "the worker is still running"
            print(f"task after a Redis restart done within {took:.1f} s")
    assert [purchases(product) for _, product in orders] == [1, 1, 1, 1]


def test_a_killed_workers_task_is_done_once_by_the_next_worker(faults, tmp_path):
    order, product = unrecorded_order()
    holder = lock_counter(faults, product)
    try:
        with worker_sending_mail_to(tmp_path, faults.queue, **faults.env) as first:
            send(faults, order)
            wait_for(lambda: backends_waiting_on_locks(faults), "the task waits in its transaction")
            first.kill()  # SIGKILL: no goodbye, the task stays unacknowledged in Redis
            first.wait(10)
    finally:
        holder.rollback()
        holder.close()
    killed_at = time.monotonic()
    assert purchases(product) == 0, "the killed task's transaction did not commit"

    with worker_sending_mail_to(tmp_path, faults.queue, **faults.env):
        wait_for(lambda: purchases(product) == 1, "the task redone", seconds=90)
        redone = time.monotonic() - killed_at
        wait_for(lambda: queue_drained(faults), "the task acknowledged")
    print(f"the killed worker's task redone {redone:.1f} s after the kill")
    assert redone < VISIBILITY_SECONDS + 30
    assert purchases(product) == 1
    assert TaskEffect.objects.filter(key=f"order-analytics-{order.pk}").count() == 1


def test_a_task_whose_database_connection_is_terminated_is_retried_once(faults, tmp_path):
    order, product = unrecorded_order()
    holder = lock_counter(faults, product)
    try:
        with worker_sending_mail_to(tmp_path, faults.queue, **faults.env):
            send(faults, order)
            [backend] = wait_for_backends(faults)
            with faults.watcher.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
            holder.rollback()  # the retry finds the counter free
            wait_for(lambda: purchases(product) == 1, "the retried task")
            wait_for(lambda: queue_drained(faults), "the retry acknowledged")
    finally:
        holder.close()
    assert purchases(product) == 1
    assert TaskEffect.objects.filter(key=f"order-analytics-{order.pk}").count() == 1


def wait_for_backends(faults) -> list[int]:
    wait_for(lambda: backends_waiting_on_locks(faults), "the task waits in its transaction")
    return backends_waiting_on_locks(faults)


def test_the_same_task_delivered_twice_counts_once(faults, tmp_path):
    order, product = unrecorded_order()
    with worker_sending_mail_to(tmp_path, faults.queue, **faults.env):
        send(faults, order)
        send(faults, order)  # a redelivery, or the outbox relaying a row twice
        wait_for(lambda: purchases(product) == 1, "the task")
        wait_for(lambda: queue_drained(faults), "both acknowledged")
    assert purchases(product) == 1
    assert redis.Redis(port=faults.server.port).llen(faults.queue) == 0
