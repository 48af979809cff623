"""The catalogue benchmark runs in its smoke size: both servers answer every page, ours
within the query budget.

It runs as its own process, as `python -m benchmarks` does (it starts two gunicorn servers).
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
def test_catalogue_benchmark_smoke():
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
        [sys.executable, "-m", "benchmarks", "catalogue", "--size", "smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])

    assert figures["benchmark"] == "catalogue"
    assert set(figures["pages"]) == {"home", "category", "search", "product", "shop"}
    for name, page in figures["pages"].items():
        assert page["ours_per_s"] > 0, name
        assert 0 < page["ours_queries"] <= 12, name
    assert figures["pages"]["category"]["ours_products_listed"] == 20
    assert figures["pages"]["search"]["ours_products_listed"] == 20
    assert figures["pages"]["shop"]["ratio"] is None, "Oscar has no shop page"
    assert figures["max_queries"] == max(p["ours_queries"] for p in figures["pages"].values())
