"""pos_feed and webhook_burst run in their smoke size as their own processes, on the test
database, and print figures that hold together."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import IN_CI, database_url_for_processes

ROOT = Path(__file__).resolve().parents[2]


def run(name: str) -> dict:
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
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_pos_feed_smoke():
    figures = run("pos_feed")
    assert figures["benchmark"] == "pos_feed" and figures["rows"] == figures["changed"] == 2000
    assert figures["per_row_orm_sample"] == 200 and figures["per_row_orm_extrapolated"] is True
    assert (
        abs(figures["ratio_to_floor"] - figures["rows_per_s"] / figures["floor_rows_per_s"]) < 0.01
    )


@pytest.mark.django_db(transaction=True)
def test_webhook_burst_smoke():
    figures = run("webhook_burst")
    assert (figures["benchmark"], figures["shops"], figures["events"]) == ("webhook_burst", 20, 200)
    assert figures["applied_events"] == 200  # every accepted event got a final status
    assert figures["accept_p95_ms"] > 0 and figures["applied_per_s"] > 0
