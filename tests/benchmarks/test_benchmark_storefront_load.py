"""The storefront load benchmark runs in its smoke size: through the proxy, both sites
answer every page of the session, and ours with no error.

It runs as its own process, as `python -m benchmarks` does (it starts nginx and gunicorns).
"""

import pytest

from tests.conftest import run_benchmark_smoke, seed_demo

STEPS = {"home", "search", "category", "product", "add_to_basket", "basket", "checkout"}


@pytest.mark.django_db(transaction=True)
def test_storefront_load_benchmark_smoke():
    seed_demo()  # committed: the servers are other processes

    figures = run_benchmark_smoke("storefront_load", timeout=600)

    assert figures["benchmark"] == "storefront_load"
    for site in ("ours", "plain_oscar"):
        result = figures[site]
        assert result["errors"] == 0, (site, result["first_errors"])
        assert result["requests"] > 0 and result["requests_per_s"] > 0, site
        assert set(result["pages"]) == STEPS
        for step, page in result["pages"].items():
            assert page["requests"] > 0, (site, step)
        assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"], site
    assert figures["ratio"] == round(
        figures["ours"]["requests_per_s"] / figures["plain_oscar"]["requests_per_s"], 2
    )
