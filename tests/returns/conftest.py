"""Builders for the returns tests: a consumer's collect part, paid and collected now."""

from oscar.core.loading import get_model

from logistics.models import OrderPart
from logistics.part_states import accept_part, hand_over, mark_ready
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.returns.models import WithdrawalExclusion
from tests.factories import UserFactory, make_basket, make_offer

Category = get_model("catalogue", "Category")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def received_part(shop, *offers_and_quantities, consumer=None) -> OrderPart:
    """Paid, packed and collected at the counter (the clock's now is its receipt)."""
    consumer = consumer or UserFactory()
    order = place_order(
        basket=make_basket(consumer, *offers_and_quantities),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part = OrderPart.objects.get(order=order)
    accept_part(part_id=part.pk, shop_id=shop.pk)
    part = mark_ready(part_id=part.pk, shop_id=shop.pk)
    hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
    return OrderPart.objects.select_related("order__user", "shop__partner").get(pk=part.pk)


def excluded_offer(shop, *, price: str, title: str, reason: str = "perishable"):
    """An offer in a category the law excludes from returns."""
    category = Category.add_root(name=f"Vers {Category.objects.count()}")
    record = make_offer(shop, price=price, title=title)
    record.product.categories.add(category)
    WithdrawalExclusion.objects.create(category=category, reason=reason)
    return record


def lines_of(part) -> list:
    return list(part.lines().order_by("pk"))
