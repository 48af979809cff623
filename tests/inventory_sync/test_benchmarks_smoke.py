"""pos_feed and webhook_burst run in their smoke size as their own processes, on the test
database, and print figures that hold together."""

import pytest

from tests.conftest import run_benchmark_smoke


@pytest.mark.django_db(transaction=True)
def test_pos_feed_smoke():
    figures = run_benchmark_smoke("pos_feed")
    assert figures["benchmark"] == "pos_feed" and figures["rows"] == figures["changed"] == 2000
    assert figures["per_row_orm_sample"] == 200 and figures["per_row_orm_extrapolated"] is True
    assert (
        abs(figures["ratio_to_floor"] - figures["rows_per_s"] / figures["floor_rows_per_s"]) < 0.01
    )


@pytest.mark.django_db(transaction=True)
def test_webhook_burst_smoke():
    figures = run_benchmark_smoke("webhook_burst")
    assert (figures["benchmark"], figures["shops"], figures["events"]) == ("webhook_burst", 20, 200)
    assert figures["applied_events"] == 200  # every accepted event got a final status
    assert figures["accept_p95_ms"] > 0 and figures["applied_per_s"] > 0
