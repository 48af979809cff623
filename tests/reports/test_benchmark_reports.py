"""The reports benchmark runs in its smoke size: a tiny city, every report beside the naive
aggregation over order lines, equal figures, ms and speed-ups in its last line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import IN_CI, database_url_for_processes

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ["summary", "over_time", "per_shop", "per_category", "top_products", "delivery"]


@pytest.mark.django_db(transaction=True)
def test_reports_benchmark_smoke():
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this on PostgreSQL")
        pytest.skip("the benchmark process needs a database it can share: PostgreSQL")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": database_url_for_processes(),
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
    }
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "reports", "--size", "smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])

    assert figures["benchmark"] == "reports"
    assert figures["order_lines"] == 1_500
    for scope in ("centre", "shop"):
        for report in REPORTS:
            ours, naive = figures[f"{scope}_{report}_ms"], figures[f"{scope}_{report}_naive_ms"]
            assert ours > 0 and naive > 0
            assert (
                abs(figures[f"{scope}_{report}_speedup"] - naive / ours) < 0.1 * naive / ours + 0.1
            )
    assert figures["slowest_report_ms"] == max(
        figures[f"centre_{report}_ms"] for report in [*REPORTS, "page_all_tables"]
    )
