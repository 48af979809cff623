"""Issue 16: SIGTERM to gunicorn (a deploy, docker stop) lets the requests it holds finish.
A real gunicorn with the project's config (marketplace/observability/gunicorn_conf.py) and
the production worker class serves slow requests; SIGTERM arrives while they run; every one
of them answers 200, and gunicorn then exits by itself."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import database_url_for_processes
from tests.ops.test_cache_outage import free_port

ROOT = Path(__file__).resolve().parents[2]
IN_FLIGHT = 6
REQUEST_SECONDS = 3

pytestmark = [pytest.mark.django_db, pytest.mark.serial]


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.slow_settings",
        "DATABASE_URL": database_url_for_processes(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LOG_FORMAT": "plain",
        "SLOW_MARK_DIR": str(marks),
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn"),
            *("-c", "python:marketplace.observability.gunicorn_conf"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2"),
            *("--worker-class", "gthread", "--threads", "4"),  # as docker-compose.yml's web
            "marketplace.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/ops-test/slow/", timeout=10)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail((tmp_path / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.2)
    for mark in marks.iterdir():
        mark.unlink()
    try:
        yield server, base, marks
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(10)
        log.close()
        print((tmp_path / "gunicorn.log").read_text()[-3000:])


def test_sigterm_lets_the_requests_in_flight_finish(gunicorn):
    server, base, marks = gunicorn
    answers: list = []

    def ask():
        try:
            response = httpx.get(f"{base}/ops-test/slow/?seconds={REQUEST_SECONDS}", timeout=30)
            answers.append((response.status_code, response.text))
        except httpx.HTTPError as error:
            answers.append(("error", repr(error)))

    threads = [threading.Thread(target=ask) for _ in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(list(marks.iterdir())) < IN_FLIGHT:  # every request is inside a view
        assert time.monotonic() < deadline, "the requests did not reach the views"
        time.sleep(0.05)

    server.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(30)
    exit_code = server.wait(30)

    assert answers == [(200, "done")] * IN_FLIGHT
    assert exit_code == 0
