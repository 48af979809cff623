import io
import os
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

# CI runs against real PostgreSQL and Redis; a missing service there is a failure, not a skip.
IN_CI = os.environ.get("CI", "").lower() == "true"
DEMO_TODAY = date(2026, 11, 23)
DEMO_SEED = 7


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
            call_command(
                "seed_demo_city",
                size="demo",
                seed=DEMO_SEED,
                today=DEMO_TODAY,
                no_progress=True,
                stdout=output,
            )
            yield output.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client(client):
    """Django's test client, sending a Host header that ALLOWED_HOSTS accepts.

    It asks for English so tests can read messages; Dutch is tested on purpose.
    """
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
