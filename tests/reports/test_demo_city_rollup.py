"""On the seeded demo city, the rollups hold exactly what a direct aggregation over the
order lines gives, for the centre and for a shop."""

from datetime import timedelta

import pytest

from marketplace.reports import direct, selectors
from marketplace.reports.models import DailyShopSales
from marketplace.reports.selectors import Period, Scope
from shops.models import Shop
from tests.conftest import DEMO_TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]
LAST_90_DAYS = Period(start=DEMO_TODAY - timedelta(days=90), end=DEMO_TODAY - timedelta(days=1))
FIGURES = (
    "parts", "orders", "lines", "units", "gmv", "gmv_excl_vat", "refunds", "commission",
    "commission_vat", "lost_parts", "lost_value", "deliveries_done", "deliveries_on_time",
)  # fmt: skip


def test_the_loader_builds_the_rollups():
    assert DailyShopSales.objects.exists()


@pytest.mark.parametrize("whose", ["centre", "first shop"])
def test_rollup_summary_equals_direct_aggregation(whose):
    scope = Scope(shop=Shop.objects.order_by("pk").first() if whose != "centre" else None)
    rolled = selectors.summary_for_scope(scope=scope, period=LAST_90_DAYS)
    straight = direct.summary_direct(scope=scope, period=LAST_90_DAYS)
    assert {f: getattr(rolled, f) for f in FIGURES} == {f: getattr(straight, f) for f in FIGURES}
    assert rolled.gmv > 0 and rolled.lost_parts > 0 and rolled.deliveries_done > 0
