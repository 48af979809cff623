"""The local economics figure from real ledgers: a €40 iDEAL order and a €40 card order of
one shop, handed over, give the shares the money code booked, beside a 15% platform."""

from decimal import Decimal

import pytest

from benchmarks.local_economics import run
from logistics.models import OrderPart
from logistics.part_states import accept_part, hand_over, mark_ready
from marketplace.ordering.services import record_payment_success
from marketplace.payments.services import choose_method
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer
from tests.payments.conftest import default_plan, unpaid_order

pytestmark = pytest.mark.django_db


def paid_and_collected(record, method: str) -> None:
    order = unpaid_order((record, 1))
    choose_method(payment_id=order.payment.pk, method=method)
    record_payment_success(order_id=order.pk, reference=f"test-{order.number}")
    part = OrderPart.objects.get(order=order)
    accept_part(part_id=part.pk, shop_id=part.shop_id)
    mark_ready(part_id=part.pk, shop_id=part.shop_id)
    hand_over(part_id=part.pk, shop_id=part.shop_id, code=part.pickup_code)


def test_the_shares_kept_overall_and_per_method_beside_a_national_platform():
    default_plan()
    record = make_offer(ShopFactory(), price="40.00", on_hand=5)
    paid_and_collected(record, "ideal")
    paid_and_collected(record, "card")

    figures = run("smoke")

    # iDEAL: 40 − 2.00 − 0.42 − 0.29; card: 40 − 2.00 − 0.42 − 0.85; 15%: 40 − 6.00 − 1.26
    assert figures["per_method"]["ideal"]["kept"] == "37.29"
    assert figures["per_method"]["card"]["kept"] == "36.73"
    assert figures["overall"] == {
        "parts": 2,
        "sales": "80.00",
        "kept": "74.02",
        "kept_share": "92.53",
        "national_kept": "65.48",
        "national_kept_share": "81.85",
    }
    assert figures["basket_kept_share"]["ideal"] == "93.2"
    assert figures["goal_met"] is True
    assert Decimal(figures["overall"]["kept_share"]) > Decimal(
        figures["overall"]["national_kept_share"]
    )


def test_centre_management_sees_the_figure_in_its_reports():
    default_plan()
    record = make_offer(ShopFactory(), price="40.00", on_hand=5)
    paid_and_collected(record, "ideal")
    paid_and_collected(record, "card")

    page = client_for(UserFactory(is_staff=True)).get("/management/reports/")

    content = page.content.decode()
    assert page.status_code == 200
    assert "What the shops kept" in content
    assert "€74.02 (92.53%)" in content and "€65.48 (81.85%)" in content  # all payments
    assert "€37.29 (93.23%)" in content  # iDEAL
