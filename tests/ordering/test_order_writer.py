"""The lean order writer writes what Oscar's order creator writes, for a plain basket."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from marketplace.ordering.order_creation import PerShopDelivery, create_order, write_order
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

Order = get_model("order", "Order")
LinePrice = get_model("order", "LinePrice")
pytestmark = pytest.mark.django_db

ORDER_FIELDS = [
    "currency",
    "total_incl_tax",
    "total_excl_tax",
    "shipping_incl_tax",
    "shipping_excl_tax",
    "shipping_method",
    "shipping_code",
    "status",
    "user_id",
    "site_id",
]
LINE_FIELDS = [
    "partner_id",
    "partner_name",
    "partner_sku",
    "stockrecord_id",
    "product_id",
    "title",
    "upc",
    "quantity",
    "line_price_excl_tax",
    "line_price_incl_tax",
    "line_price_before_discounts_excl_tax",
    "line_price_before_discounts_incl_tax",
    "unit_price_incl_tax",
    "unit_price_excl_tax",
    "tax_code",
    "num_allocated",
    "status",
]


def written(order):
    lines = [tuple(getattr(line, f) for f in LINE_FIELDS) for line in order.lines.order_by("id")]
    prices = list(
        LinePrice.objects.filter(order=order)
        .order_by("id")
        .values_list("quantity", "price_incl_tax", "price_excl_tax", "tax_code")
    )
    return tuple(getattr(order, f) for f in ORDER_FIELDS), lines, prices


def test_lean_writer_matches_oscars_creator():
    books, cheese = ShopFactory(), ShopFactory()
    novel = make_offer(books, price="19.95")
    gouda = make_offer(cheese, price="12.50")
    user = UserFactory()
    shipping = PerShopDelivery(fee_incl_vat=Decimal("4.95"), vat_rate=Decimal("21"))
    oscar = create_order(
        basket=make_basket(user, (novel, 2), (gouda, 1)), user=user, shipping=shipping
    )
    lean, _lines = write_order(
        basket=make_basket(user, (novel, 2), (gouda, 1)),
        user=user,
        shipping=shipping,
        number="LEAN-1",
    )
    assert written(Order.objects.get(pk=lean.pk)) == written(Order.objects.get(pk=oscar.pk))
