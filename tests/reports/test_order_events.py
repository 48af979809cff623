"""Paying an order and rejecting a part refresh that day's rollup once the change commits."""

from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.models import OrderPart
from logistics.part_states import reject_part
from marketplace.celery import app
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.reports.models import DailyShopSales
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks_run_here(monkeypatch):
    """The on-commit tasks run in this process, with or without a Redis broker."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def test_payment_and_rejection_rewrite_the_day(tasks_run_here, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (make_offer(shop, price="12.50"), 2)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    assert not DailyShopSales.objects.exists()  # unpaid: no sale

    with django_capture_on_commit_callbacks(execute=True):
        confirm_order_paid(order_id=order.pk)
    row = DailyShopSales.objects.get(shop=shop, day=timezone.localdate())
    assert (row.parts, row.orders, row.units, row.gmv) == (1, 1, 2, Decimal("25.00"))

    part = OrderPart.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        reject_part(part_id=part.pk, shop_id=shop.pk, reason="Uitverkocht")
    row = DailyShopSales.objects.get(shop=shop, day=timezone.localdate())
    assert (row.parts, row.gmv, row.lost_parts, row.lost_value) == (
        0, Decimal("0.00"), 1, Decimal("25.00"),
    )  # fmt: skip
