import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import translation

# CI runs against real PostgreSQL and Redis; a missing service there is a failure, not a skip.
IN_CI = os.environ.get("CI", "").lower() == "true"
DEMO_TODAY = date(2026, 11, 23)
DEMO_SEED = 7


def seed_demo(stdout=None) -> None:
    """The seed command for the tests' demo city (its seed and anchor day)."""
    call_command(
        "seed_demo_city",
        size="demo",
        seed=DEMO_SEED,
        today=DEMO_TODAY,
        no_progress=True,
        stdout=stdout or io.StringIO(),
    )


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city, seeded once per test module and rolled back after it.

    Tests that take it also take `db`, whose per-test transaction nests inside this one.
    Returns what the command printed.
    """
    output = io.StringIO()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed_demo(stdout=output)
            yield output.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def english_messages():
    """Services called outside a request speak the default language (Dutch); tests read
    their messages in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Django's test client, sending a Host header that ALLOWED_HOSTS accepts.

    It asks for English so tests can read messages; Dutch is tested on purpose.
    """
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def client_for(user=None, **options) -> Client:
    """A person's own browser: a session of their own (signed in when a user is given),
    a Host header ALLOWED_HOSTS accepts, English messages."""
    browser = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en", **options)
    if user is not None:
        browser.force_login(user)
    return browser


def database_url_for_processes() -> str:
    """The test database as a URL, for processes the tests start (workers, benchmarks)."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def run_benchmark_smoke(name: str, *, timeout: int = 900) -> dict:
    """Runs `python -m benchmarks <name> --size smoke` as its own process on the test
    database (benchmarks fork or start servers, which this process must not) and returns
    the figures of its last line. Needs PostgreSQL: a database other processes can share."""
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this on PostgreSQL")
        pytest.skip("the benchmark needs PostgreSQL")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": database_url_for_processes(),
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
    }
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", name, "--size", "smoke"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
