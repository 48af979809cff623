"""The reports benchmark runs in its smoke size: a tiny city, every report beside the naive
aggregation over order lines, equal figures, ms and speed-ups in its last line."""

import pytest

from tests.conftest import run_benchmark_smoke

REPORTS = [
    "summary", "over_time", "per_shop", "per_category", "top_products", "top_products_uncached",
    "delivery",
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_reports_benchmark_smoke():
    figures = run_benchmark_smoke("reports")

    assert figures["benchmark"] == "reports"
    assert figures["order_lines"] == 1_500
    for scope in ("centre", "shop"):
        for report in REPORTS:
            ours, naive = figures[f"{scope}_{report}_ms"], figures[f"{scope}_{report}_naive_ms"]
            assert ours > 0 and naive > 0
            assert (
                abs(figures[f"{scope}_{report}_speedup"] - naive / ours) < 0.1 * naive / ours + 0.1
            )
    other_lengths = ["top_products_7_days_uncached", "top_products_90_days_uncached"]
    assert figures["slowest_report_ms"] == max(
        figures[f"centre_{report}_ms"] for report in [*REPORTS, *other_lengths]
    )
    assert figures["centre_page_all_tables_ms"] > 0
