"""A small town with figures one can check by hand (see the expected values in the tests).

Days: D0 = 4 Oct 2026 (the previous period), D1 = 5 Oct, D2 = 6 Oct. Default plan 5%.
- order 1, D1 12:00: shop A collect (2 × €10.00 novel, 1 × €5.05 pen), shop B delivery
  (1 × €20.00 mug), delivered 30 minutes before its slot ended; A's part collected 45
  minutes after it was ready.
- order 2, D1 13:00: shop A collect (1 × €30.00 novel), rejected by the shop.
- order 3, D2 23:30 local (21:30 UTC, still D2 here): shop A collect (1 × €40.00 novel),
  collected 15 minutes after ready, €10.00 refunded afterwards.
- order 4, D1: shop B, never paid.
- order 5, D0 12:00: shop A collect (1 × €15.00 pen).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from oscar.core.loading import get_model

from logistics.models import OrderPart
from logistics.part_states import reject_part
from marketplace.commission.models import CommissionPlan
from marketplace.ordering.delivery import DeliveryAddress
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.payments.services import request_refund
from marketplace.reports.services import rebuild_sales_rollups
from shops.models import Shop
from tests.factories import (
    ShopFactory,
    UserFactory,
    make_basket,
    make_offer,
    make_owner,
    make_slot,
    make_zone,
)

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
D0, D1, D2 = date(2026, 10, 4), date(2026, 10, 5), date(2026, 10, 6)
ADDRESS = DeliveryAddress(
    recipient_name="Anna de Vries",
    address_line="Walstraat 3",
    postcode="7411 AB",
    city="Deventer",
    phone="0570 123456",
    latitude=Decimal("52.255100"),
    longitude=Decimal("6.159900"),
)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


@dataclass
class SmallTown:
    shop_a: Shop
    shop_b: Shop
    owner_a: object
    owner_b: object
    novels: object
    orders: list


def order_of(consumer, choices, *offers, paid_at=None, address=None):
    order = place_order(
        basket=make_basket(consumer, *offers), user=consumer, choices=choices, address=address
    )
    if paid_at is not None:
        confirm_order_paid(order_id=order.pk)
        OrderPart.objects.filter(order=order).update(placed_at=paid_at)
    return order


def collected(order, shop, *, ready_at, minutes):
    OrderPart.objects.filter(order=order, shop=shop).update(
        status="collected", ready_at=ready_at, completed_at=ready_at + timedelta(minutes=minutes)
    )


@pytest.fixture
def small_town(db) -> SmallTown:
    CommissionPlan.objects.create(name="Standaard", percentage=Decimal("5.00"), is_default=True)
    shop_a, shop_b = ShopFactory(kind="books"), ShopFactory(kind="home")
    novels = Category.add_root(name="Boeken").add_child(name="Romans")
    offer = {}
    for key, shop, price in [
        ("novel10", shop_a, "10.00"), ("pen", shop_a, "5.05"), ("novel30", shop_a, "30.00"),
        ("novel40", shop_a, "40.00"), ("pen15", shop_a, "15.00"), ("mug", shop_b, "20.00"),
    ]:  # fmt: skip
        offer[key] = make_offer(shop, price=price, title=key)
        if key.startswith("novel"):
            ProductCategory.objects.create(product=offer[key].product, category=novels)
    slot = make_slot(make_zone(), capacity=5)
    consumer = UserFactory()
    collect, a, b = PartChoice(method="collect"), shop_a.partner_id, shop_b.partner_id
    order1 = order_of(
        consumer,
        {a: collect, b: PartChoice(method="delivery", slot_id=slot.pk)},
        (offer["novel10"], 2), (offer["pen"], 1), (offer["mug"], 1),
        paid_at=local(D1, 12), address=ADDRESS,
    )  # fmt: skip
    collected(order1, shop_a, ready_at=local(D1, 14), minutes=45)
    slot_end = datetime.combine(slot.date, slot.ends, tzinfo=AMSTERDAM)
    OrderPart.objects.filter(order=order1, shop=shop_b).update(
        status="delivered", completed_at=slot_end - timedelta(minutes=30)
    )
    order2 = order_of(consumer, {a: collect}, (offer["novel30"], 1), paid_at=local(D1, 13))
    reject_part(part_id=OrderPart.objects.get(order=order2).pk, shop_id=shop_a.pk, reason="Op")
    order3 = order_of(consumer, {a: collect}, (offer["novel40"], 1), paid_at=local(D2, 23, 30))
    collected(order3, shop_a, ready_at=local(D2, 23, 40), minutes=15)
    part3 = OrderPart.objects.get(order=order3)
    request_refund(payment=order3.payment, amount=Decimal("10.00"), key="return-3", part=part3)
    order4 = order_of(consumer, {b: collect}, (offer["mug"], 1))
    order5 = order_of(consumer, {a: collect}, (offer["pen15"], 1), paid_at=local(D0, 12))
    rebuild_sales_rollups()
    return SmallTown(
        shop_a, shop_b, make_owner(shop_a), make_owner(shop_b), novels,
        [order1, order2, order3, order4, order5],
    )  # fmt: skip
