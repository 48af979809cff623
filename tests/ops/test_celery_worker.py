"""A real Celery worker process takes a task from Redis and runs it."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery.result import allow_join_result
from django.conf import settings

from marketplace.celery import app
from marketplace.tasks import ping
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def worker_queue():
    """Starts `celery worker` on a queue of its own; stops it after the test."""
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("REDIS_URL must be set in CI: the worker test needs real Redis")
        pytest.skip("needs REDIS_URL (a real Redis broker)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        print(output)


def test_worker_runs_a_task_sent_through_redis(worker_queue):
    app.conf.task_always_eager = False
    try:
        token = uuid.uuid4().hex
        result = ping.apply_async(args=[token], queue=worker_queue)
        # Eager tasks run from many threads (the concurrency test) can leave Celery's
        # process-wide "inside a task" flag set; this test is not inside a task.
        with allow_join_result():
            assert result.get(timeout=60) == f"pong:{token}"
        assert result.status == "SUCCESS"
    finally:
        app.conf.task_always_eager = True
