"""/healthz answers without touching anything; /readyz checks the database, cache and broker
for real and answers within 3 s, naming what failed, even when one of them hangs."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from tests.conftest import IN_CI, database_url_for_processes
from tests.support.cache_down import closed_port

ROOT = Path(__file__).resolve().parents[2]


def needs_real_services():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("CI must run the health checks against PostgreSQL and Redis")
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")


@pytest.fixture
def hanging_port():
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for sock in held:
        sock.close()
    server.close()


def probe(client: Client, path: str):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


@pytest.fixture
def anonymous():
    """A container's health check: no session, a Host header ALLOWED_HOSTS does not know."""
    return Client(HTTP_HOST="10.1.2.3:8000")


def test_healthz_answers_without_touching_the_database(anonymous):
    # No django_db mark: a query would fail the test.
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_health_paths_skip_https_redirect_hosts_and_locale(anonymous):
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["shop.example"]):
        for path in ("/healthz", "/readyz"):
            response = anonymous.get(path)
            assert response.status_code in (200, 503), path  # not 301 to https, not 400
            assert "Location" not in response
    # An ordinary page with the same request is refused: the exemption is only for probes.
    with override_settings(ALLOWED_HOSTS=["shop.example"]):
        assert anonymous.get("/shops/").status_code == 400


@pytest.mark.django_db
def test_readyz_is_ready_against_the_real_database_cache_and_broker(anonymous):
    needs_real_services()
    response, seconds = probe(anonymous, "/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
        "failed": [],
    }
    assert seconds < 3


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["cache", "broker"])
def test_readyz_names_a_cache_or_broker_on_a_closed_port(anonymous, failing):
    needs_real_services()
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    overrides = (
        {"CACHES": {"default": {**settings.CACHES["default"], "LOCATION": dead}}}
        if failing == "cache"
        else {"CELERY_BROKER_URL": dead}
    )
    with override_settings(**overrides):
        response, seconds = probe(anonymous, "/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == [failing]
    assert body["checks"][failing].startswith("error: ")
    assert seconds < 3


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["cache", "broker"])
def test_readyz_answers_within_3_seconds_when_a_redis_hangs(anonymous, hanging_port, failing):
    needs_real_services()
    hung = f"redis://127.0.0.1:{hanging_port}/0"
    overrides = (
        {"CACHES": {"default": {**settings.CACHES["default"], "LOCATION": hung}}}
        if failing == "cache"
        else {"CELERY_BROKER_URL": hung}
    )
    with override_settings(**overrides):
        response, seconds = probe(anonymous, "/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == [failing]
    assert seconds < 3


def readyz_in_a_process(database_url: str) -> dict:
    """/readyz of a fresh process whose DATABASE_URL is the given one (the database
    settings are read once per process, so a closed or hanging one needs its own)."""
    code = (
        "import json, time, django; django.setup()\n"
        "from django.test import Client\n"
        "started = time.monotonic()\n"
        "response = Client(HTTP_HOST='127.0.0.1').get('/readyz')\n"
        "print(json.dumps({'status': response.status_code, 'body': response.json(),"
        " 'seconds': time.monotonic() - started}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_readyz_names_a_database_on_a_closed_port_or_one_that_hangs(hanging_port):
    needs_real_services()
    real = database_url_for_processes()
    assert readyz_in_a_process(real)["status"] == 200
    for port in (closed_port(), hanging_port):
        address = real.rsplit("@", 1)[1].split("/", 1)[0]
        result = readyz_in_a_process(real.replace(f"@{address}/", f"@127.0.0.1:{port}/"))
        assert result["status"] == 503
        assert result["body"]["failed"] == ["database"]
        assert result["body"]["checks"]["cache"] == "ok"
        assert result["seconds"] < 3
