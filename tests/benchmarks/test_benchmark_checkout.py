"""The checkout contention benchmark runs in its smoke size and never oversells.

It runs as its own process, as `python -m benchmarks` does: the benchmark forks 64 buyers,
and forking this test process (with the browser tests' threads in it) is not safe.
"""

import pytest

from tests.conftest import run_benchmark_smoke


@pytest.mark.django_db(transaction=True)
def test_checkout_contention_smoke():
    figures = run_benchmark_smoke("checkout_contention", timeout=600)

    assert figures["benchmark"] == "checkout_contention"
    assert figures["oversold_units"] == 0
    assert figures["sold"] == figures["raw_sold"] == 2 * 10
    assert figures["orders_per_s"] > 0 and figures["raw_guarded_update_per_s"] > 0
    expected_ratio = figures["orders_per_s"] / figures["raw_guarded_update_per_s"]
    assert abs(figures["ratio"] - expected_ratio) < 0.01
