"""The checkout contention benchmark runs in its smoke size and never oversells.

It runs as its own process, as `python -m benchmarks` does: the benchmark forks 64 buyers,
and forking this test process (with the browser tests' threads in it) is not safe.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import IN_CI, database_url_for_processes

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db(transaction=True)
def test_checkout_contention_smoke():
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
        [sys.executable, "-m", "benchmarks", "checkout_contention", "--size", "smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])

    assert figures["benchmark"] == "checkout_contention"
    assert figures["oversold_units"] == 0
    assert figures["sold"] == figures["raw_sold"] == 2 * 10
    assert figures["orders_per_s"] > 0 and figures["raw_guarded_update_per_s"] > 0
    expected_ratio = figures["orders_per_s"] / figures["raw_guarded_update_per_s"]
    assert abs(figures["ratio"] - expected_ratio) < 0.01
