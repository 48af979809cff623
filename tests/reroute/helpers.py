"""Paid orders with lines that other shops also sell, for the reroute tests."""

from decimal import Decimal

from oscar.core.loading import get_model

from logistics.models import OrderPart
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.reroute.services import remember_preference
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

StockRecord = get_model("partner", "StockRecord")


def also_sold_by(shop, record, *, price="10.00", on_hand=5) -> StockRecord:
    """The same product (same EAN) on another shop's shelf."""
    return StockRecord.objects.create(
        product=record.product,
        partner=shop.partner,
        partner_sku=f"{shop.slug}-{record.product_id}",
        price=Decimal(price),
        num_in_stock=on_hand,
        num_allocated=0,
        vat_rate=Decimal("21.00"),
    )


def paid_order(shop, *records_and_quantities, consumer=None, find_elsewhere=False):
    """A paid collect order of `shop`'s records; returns (order, part)."""
    consumer = consumer or UserFactory()
    order = place_order(
        basket=make_basket(consumer, *records_and_quantities),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    remember_preference(order=order, find_elsewhere=find_elsewhere)
    confirm_order_paid(order_id=order.pk)
    return order, OrderPart.objects.select_related("order", "shop__partner").get(order=order)


def two_line_order(*, price="10.00", other_price="8.00", on_hand=5, find_elsewhere=False):
    """Shop A sells a book (also at shop B) and a pen; the consumer paid for one of each."""
    shop, other = ShopFactory(), ShopFactory()
    book = make_offer(shop, price=price, title="Book")
    pen = make_offer(shop, price="2.50", title="Pen")
    elsewhere = also_sold_by(other, book, price=other_price, on_hand=on_hand)
    order, part = paid_order(shop, (book, 1), (pen, 1), find_elsewhere=find_elsewhere)
    book_line = order.lines.get(stockrecord=book)
    return order, part, book_line, elsewhere
