"""The checkout contention benchmark runs in its smoke size and never oversells."""

import pytest
from django.db import connection

from tests.conftest import IN_CI


@pytest.mark.django_db(transaction=True)
def test_checkout_contention_smoke():
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this on PostgreSQL")
        pytest.skip("the benchmark needs PostgreSQL")
    from benchmarks.checkout_contention import checkout_contention

    figures = checkout_contention("smoke")

    assert figures["oversold_units"] == 0
    assert figures["sold"] == figures["raw_sold"] == 2 * 10
    assert figures["orders_per_s"] > 0 and figures["raw_guarded_update_per_s"] > 0
    expected_ratio = figures["orders_per_s"] / figures["raw_guarded_update_per_s"]
    assert abs(figures["ratio"] - expected_ratio) < 0.01
