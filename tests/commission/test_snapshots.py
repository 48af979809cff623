"""Commission is fixed on each part and line when the order is paid, from the shop's plan."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from logistics.models import OrderPart
from marketplace.commission.models import CategoryRate, CommissionPlan, LineCommission
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_owner

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
pytestmark = pytest.mark.django_db


def paid_order(shop, *offers):
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, *offers),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    return OrderPart.objects.get(order=order)


def test_the_default_plan_is_snapshotted_on_part_and_lines():
    CommissionPlan.objects.create(name="Standaard", percentage=Decimal("5.00"), is_default=True)
    shop = ShopFactory()
    part = paid_order(
        shop, (make_offer(shop, price="19.95"), 1), (make_offer(shop, price="5.05"), 2)
    )
    snapshot = part.commission
    assert (snapshot.plan_name, snapshot.gross) == ("Standaard", Decimal("30.05"))
    # 5% of 19.95 = 0.9975 -> 1.00; 5% of 10.10 = 0.505 -> 0.51
    assert sorted(LineCommission.objects.values_list("commission", flat=True)) == [
        Decimal("0.51"),
        Decimal("1.00"),
    ]
    assert snapshot.commission == Decimal("1.51")
    assert snapshot.vat_on_commission == Decimal("0.32")  # 21% of 1.51 = 0.3171


def test_a_category_rate_and_a_later_plan_change_do_not_touch_paid_orders():
    plan = CommissionPlan.objects.create(name="Boeken", percentage=Decimal("5.00"))
    shop = ShopFactory(commission_plan=plan)
    books = Category.add_root(name="Boeken")
    novel = make_offer(shop, price="20.00")
    ProductCategory.objects.create(product=novel.product, category=books.add_child(name="Romans"))
    CategoryRate.objects.create(plan=plan, category=books, percentage=Decimal("3.00"))
    part = paid_order(shop, (novel, 1))
    assert part.commission.commission == Decimal("0.60")
    CommissionPlan.objects.filter(pk=plan.pk).update(percentage=Decimal("9.00"))
    CategoryRate.objects.all().delete()
    confirm_order_paid(order_id=part.order_id)  # a replayed payment changes nothing
    part.commission.refresh_from_db()
    assert part.commission.commission == Decimal("0.60")


def test_the_shop_sees_what_it_keeps_of_an_offer():
    CommissionPlan.objects.create(name="Standaard", percentage=Decimal("5.00"), is_default=True)
    shop = ShopFactory()
    offer = make_offer(shop, price="19.95")
    client = client_for(make_owner(shop))
    page = client.get(f"/shop/products/{offer.pk}/")
    # 19.95 - (1.00 commission + 0.21 VAT) - (0.30 + 0.25 card fee) = 18.19
    assert page.context["keeps"] == Decimal("18.19")
    assert "you keep €18.19" in page.content.decode()


def test_a_shop_sees_before_it_joins_what_it_keeps(client):
    CommissionPlan.objects.create(name="Standaard", percentage=Decimal("5.00"), is_default=True)
    page = client.get("/shops/apply/")
    # 25.00 - (1.25 + 0.26 VAT) - (0.38 + 0.25 card fee) = 22.86
    assert (Decimal("25.00"), Decimal("22.86")) in page.context["examples"]
    assert "€22.86" in page.content.decode()
