"""Shared builders for the legal tests: a sold shop part with lines at two VAT rates."""

from decimal import Decimal

from oscar.core.loading import get_model

from logistics.models import OrderPart
from logistics.part_states import accept_part, mark_ready
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from tests.factories import UserFactory, make_basket, make_offer

StockRecord = get_model("partner", "StockRecord")

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def offer(shop, *, price: str, vat_rate: str = "21.00", title: str = "Product"):
    record = make_offer(shop, price=price, title=title)
    StockRecord.objects.filter(pk=record.pk).update(vat_rate=Decimal(vat_rate))
    return StockRecord.objects.get(pk=record.pk)


def paid_part(shop, *offers_and_quantities, consumer=None) -> OrderPart:
    consumer = consumer or UserFactory()
    order = place_order(
        basket=make_basket(consumer, *offers_and_quantities),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    return OrderPart.objects.get(order=order)


def sold_part(shop, *offers_and_quantities, consumer=None) -> OrderPart:
    """A collect part, paid, accepted and ready at the counter: its receipt exists."""
    part = paid_part(shop, *offers_and_quantities, consumer=consumer)
    accept_part(part_id=part.pk, shop_id=shop.pk)
    mark_ready(part_id=part.pk, shop_id=shop.pk)
    return OrderPart.objects.select_related("order__user", "shop__partner").get(pk=part.pk)
