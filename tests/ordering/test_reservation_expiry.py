"""Unpaid reservations expire through the beat schedule, giving the stock back."""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import schedule as every
from django.conf import settings
from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import DeliverySettings, PartStatus
from marketplace.celery import app
from marketplace.ordering.services import PartChoice, place_order
from tests.conftest import IN_CI, database_url_for_processes, run_task
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

StockRecord = get_model("partner", "StockRecord")
ROOT = Path(__file__).resolve().parents[2]


def unpaid_order(*, minutes_ago: int):
    shop = ShopFactory()
    record = make_offer(shop, on_hand=5)
    user = UserFactory()
    order = place_order(
        basket=make_basket(user, (record, 3)),
        user=user,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
        now=timezone.now() - timedelta(minutes=minutes_ago),
    )
    return order, record


def beat_entry():
    entry = settings.CELERY_BEAT_SCHEDULE["expire-unpaid-orders"]
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    return app.tasks[entry["task"]], every(timedelta(seconds=entry["schedule"]))


@pytest.mark.django_db
def test_the_beat_entry_releases_only_expired_unpaid_orders():
    assert DeliverySettings.current().reservation_minutes == 15
    stale, stale_record = unpaid_order(minutes_ago=16)
    fresh, fresh_record = unpaid_order(minutes_ago=5)
    task, schedule = beat_entry()
    assert schedule.run_every == timedelta(seconds=60)
    assert schedule.is_due(timezone.now() - timedelta(seconds=61)).is_due

    assert run_task(task) == 1

    assert set(stale.parts.values_list("status", flat=True)) == {PartStatus.CANCELLED}
    assert StockRecord.objects.get(pk=stale_record.pk).num_allocated == 0
    assert set(
        Reservation.objects.filter(order_line__order=stale).values_list("state", flat=True)
    ) == {ReservationState.EXPIRED}
    assert StockRecord.objects.get(pk=fresh_record.pk).num_allocated == 3
    assert run_task(task) == 0, "running again changes nothing"


@pytest.fixture
def celery_processes():
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        if IN_CI:
            pytest.fail("CI must give REDIS_URL and a PostgreSQL DATABASE_URL")
        pytest.skip("needs Redis and PostgreSQL (worker and beat run in their own processes)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "DATABASE_URL": database_url_for_processes(),
        "CELERY_QUEUE": f"test-expiry-{uuid.uuid4().hex[:8]}",
        "RESERVATION_EXPIRY_CHECK_SECONDS": "1",
    }
    schedule_file = Path(tempfile.mkdtemp()) / "beat-schedule"
    commands = [
        ["worker", "--pool=solo", "--without-gossip", "--without-mingle"],
        ["beat", f"--schedule={schedule_file}"],
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "marketplace", *command, "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for command in commands
    ]
    yield
    for process in processes:
        process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output[-3000:])


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_beat_and_worker_expire_an_unpaid_order(celery_processes):
    order, record = unpaid_order(minutes_ago=20)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if StockRecord.objects.get(pk=record.pk).num_allocated == 0:
            break
        time.sleep(0.5)
    assert StockRecord.objects.get(pk=record.pk).num_allocated == 0
    assert set(order.parts.values_list("status", flat=True)) == {PartStatus.CANCELLED}
