"""Exact figures on the small town of conftest.py, worked out by hand.

Commission 5%, VAT on commission 21%, rounded half up per line and per part:
- order 1, shop A: 2 × 10.00 → 1.00, 5.05 → 0.2525 → 0.25; 1.25, VAT 0.2625 → 0.26
- order 1, shop B: 20.00 → 1.00, VAT 0.21
- order 3, shop A: 40.00 → 2.00, VAT 0.42; €10.00 of €40.00 refunded reverses a quarter:
  commission 2.00 − 0.50 = 1.50, VAT 0.42 − 0.105 → 0.11 = 0.31
- order 2 (rejected) and order 4 (unpaid) are no sales; order 5 is the previous period.
"""

from decimal import Decimal

import pytest

from marketplace.reports import selectors
from marketplace.reports.selectors import Period, Scope
from tests.reports.conftest import D0, D1, D2

pytestmark = pytest.mark.django_db
TWO_DAYS = Period(start=D1, end=D2)


def test_centre_summary_counts_sales_by_the_definition(small_town):
    summary = selectors.summary_for_scope(scope=Scope(), period=TWO_DAYS)
    assert summary.gmv == Decimal("85.05")  # 25.05 + 20.00 + 40.00
    assert (summary.orders, summary.parts, summary.lines, summary.units) == (2, 3, 4, 5)
    assert summary.refunds == Decimal("10.00")
    assert summary.net_sales == Decimal("75.05")
    assert summary.average_order_value == Decimal("42.53")  # 85.05 / 2 = 42.525, half up
    assert summary.commission == Decimal("3.75")  # 1.25 + 1.00 + 1.50
    assert summary.commission_vat == Decimal("0.78")  # 0.26 + 0.21 + 0.31
    assert (summary.lost_parts, summary.lost_value) == (1, Decimal("30.00"))


def test_vat_of_the_goods_is_what_the_lines_carry(small_town):
    summary = selectors.summary_for_scope(scope=Scope(), period=TWO_DAYS)
    # 21% VAT inside each line, from the unit price: 2 × (10.00 → 8.26) = 16.52,
    # 5.05 → 4.17, 20.00 → 16.53, 40.00 → 33.06
    assert summary.gmv_excl_vat == Decimal("70.28")
    assert summary.vat == Decimal("14.77")


def test_one_shop_sees_its_parts_as_its_orders(small_town):
    a = selectors.summary_for_scope(scope=Scope(small_town.shop_a), period=TWO_DAYS)
    assert (a.gmv, a.orders, a.units, a.refunds) == (Decimal("65.05"), 2, 4, Decimal("10.00"))
    assert (a.commission, a.commission_vat) == (Decimal("2.75"), Decimal("0.57"))
    assert (a.lost_parts, a.lost_value) == (1, Decimal("30.00"))
    b = selectors.summary_for_scope(scope=Scope(small_town.shop_b), period=TWO_DAYS)
    assert (b.gmv, b.orders, b.commission, b.commission_vat) == (
        Decimal("20.00"), 1, Decimal("1.00"), Decimal("0.21"),
    )  # fmt: skip
    assert (b.lost_parts, b.refunds) == (0, Decimal("0.00"))


def test_methods_split_gmv_and_shop_orders(small_town):
    by_method = selectors.summary_for_scope(scope=Scope(), period=TWO_DAYS).by_method
    assert (by_method["collect"]["parts"], by_method["collect"]["gmv"]) == (2, Decimal("65.05"))
    assert (by_method["delivery"]["parts"], by_method["delivery"]["gmv"]) == (1, Decimal("20.00"))
    assert by_method["hub"]["parts"] == 0


def test_a_sale_late_in_the_evening_belongs_to_its_local_day(small_town):
    series = selectors.time_series_for_scope(scope=Scope(), period=TWO_DAYS, granularity="day")
    assert [(row["period"], row["gmv"], row["orders"]) for row in series] == [
        (D1, Decimal("45.05"), 1),
        (D2, Decimal("40.00"), 1),
    ]
    weeks = selectors.time_series_for_scope(
        scope=Scope(), period=Period(start=D0, end=D2), granularity="week"
    )
    # 4 October 2026 is a Sunday: it ends the week of 28 September.
    assert [(row["period"].isoformat(), row["gmv"]) for row in weeks] == [
        ("2026-09-28", Decimal("15.00")),
        ("2026-10-05", Decimal("85.05")),
    ]


def test_the_previous_period_is_as_long_and_just_before(small_town):
    assert TWO_DAYS.previous() == Period(start=D0 - (D1 - D0), end=D0)
    before = selectors.summary_for_scope(scope=Scope(), period=TWO_DAYS.previous())
    assert (before.gmv, before.orders, before.commission) == (Decimal("15.00"), 1, Decimal("0.75"))


def test_per_shop_per_category_and_top_products(small_town):
    shops = selectors.shops_for_scope(scope=Scope(), period=TWO_DAYS)
    assert [(r["shop"], r["parts"], r["gmv"], r["commission"]) for r in shops] == [
        (small_town.shop_a.partner.name, 2, Decimal("65.05"), Decimal("2.75")),
        (small_town.shop_b.partner.name, 1, Decimal("20.00"), Decimal("1.00")),
    ]
    categories = selectors.categories_for_scope(scope=Scope(), period=TWO_DAYS)
    figures = [
        (r["category"], r["parts"], r["units"], r["gmv"], r["commission"]) for r in categories
    ]
    assert figures == [
        ("Boeken > Romans", 2, 3, Decimal("60.00"), Decimal("3.00")),
        ("", 2, 2, Decimal("25.05"), Decimal("1.25")),
    ]  # fmt: skip
    top = selectors.top_products_for_scope(scope=Scope(), period=TWO_DAYS, limit=3)
    assert [(r["product"], r["units"], r["gmv"]) for r in top] == [
        ("novel40", 1, Decimal("40.00")),
        ("novel10", 2, Decimal("20.00")),
        ("mug", 1, Decimal("20.00")),
    ]


def test_delivery_on_time_and_median_minutes_to_collection(small_town):
    figures = selectors.delivery_for_scope(scope=Scope(), period=TWO_DAYS)
    assert figures == {
        "deliveries": 1,
        "on_time": 1,
        "on_time_rate": 100.0,
        "collected": 2,
        "median_minutes_ready_to_collected": 30.0,  # of 45 and 15
    }
