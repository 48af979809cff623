"""Offer and voucher uptake: discounts on sold lines, per offer and code, scoped per shop."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from marketplace.reports import selectors
from marketplace.reports.selectors import Period, Scope
from tests.reports.conftest import D1, D2

OrderDiscount = get_model("order", "OrderDiscount")
OrderLineDiscount = get_model("order", "OrderLineDiscount")
pytestmark = pytest.mark.django_db


def discount(order, line, amount, *, offer="Binnenstad Bonus", code="STAD10"):
    """As Oscar's order creator records a voucher's discount: on the order and its line."""
    order_discount = OrderDiscount.objects.create(
        order=order, offer_id=1, offer_name=offer, voucher_id=1, voucher_code=code,
        amount=Decimal(amount),
    )  # fmt: skip
    OrderLineDiscount.objects.create(
        line=line, order_discount=order_discount, is_incl_tax=True, amount=Decimal(amount)
    )


def test_uptake_counts_discounts_on_sold_lines_only(small_town):
    order1, order2, order3 = small_town.orders[:3]
    discount(order1, order1.lines.get(title="mug"), "2.00")  # shop B's sold line
    discount(order3, order3.lines.get(), "4.00")  # shop A's sold line
    discount(order2, order2.lines.get(), "3.00")  # rejected part: not a sale
    period = Period(start=D1, end=D2)

    centre = selectors.discounts_for_scope(scope=Scope(), period=period)
    assert centre == [
        {"offer": "Binnenstad Bonus", "voucher": "STAD10", "orders": 2,
         "discount": Decimal("6.00"), "gmv": Decimal("60.00")},
    ]  # fmt: skip
    shop_b = selectors.discounts_for_scope(scope=Scope(small_town.shop_b), period=period)
    assert [(r["orders"], r["discount"], r["gmv"]) for r in shop_b] == [
        (1, Decimal("2.00"), Decimal("20.00"))
    ]
