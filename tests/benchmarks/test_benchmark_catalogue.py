"""The catalogue benchmark runs in its smoke size: both servers answer every page, ours
within the query budget.

It runs as its own process, as `python -m benchmarks` does (it starts two gunicorn servers).
"""

import pytest

from tests.conftest import run_benchmark_smoke


@pytest.mark.django_db(transaction=True)
def test_catalogue_benchmark_smoke():
    figures = run_benchmark_smoke("catalogue", timeout=600)

    assert figures["benchmark"] == "catalogue"
    assert set(figures["pages"]) == {"home", "category", "search", "product", "shop"}
    for name, page in figures["pages"].items():
        assert page["ours_per_s"] > 0, name
        assert 0 < page["ours_queries"] <= 12, name
    assert figures["pages"]["category"]["ours_products_listed"] == 20
    assert figures["pages"]["search"]["ours_products_listed"] == 20
    assert figures["pages"]["shop"]["ratio"] is None, "Oscar has no shop page"
    assert figures["max_queries"] == max(p["ours_queries"] for p in figures["pages"].values())
