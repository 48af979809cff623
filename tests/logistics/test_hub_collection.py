"""Collect at the hub: the courier brings the part there, the consumer collects it on a code."""

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from logistics import dispatch
from logistics.models import OrderPart, PartStatus, RouteStop
from logistics.part_states import accept_part, mark_ready
from marketplace.ordering.services import (
    CheckoutRefused,
    PartChoice,
    confirm_order_paid,
    place_order,
)
from tests.conftest import client_for, set_clock
from tests.factories import (
    ShopFactory,
    UserFactory,
    make_basket,
    make_offer,
    make_owner,
    shop_code,
)
from tests.logistics.test_dispatch import FAST, at, make_courier, make_hub

StockRecord = get_model("partner", "StockRecord")
pytestmark = pytest.mark.django_db


def hub_order(shop, consumer, record):
    order = place_order(
        basket=make_basket(consumer, (record, 2)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="hub")},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part = OrderPart.objects.get(order=order)
    accept_part(part_id=part.pk, shop_id=shop.pk)
    mark_ready(part_id=part.pk, shop_id=shop.pk)
    return OrderPart.objects.get(pk=part.pk)


def test_without_a_hub_the_choice_is_refused():
    shop, consumer = ShopFactory(), UserFactory()
    with pytest.raises(CheckoutRefused, match="no hub"):
        place_order(
            basket=make_basket(consumer, (make_offer(shop), 1)),
            user=consumer,
            choices={shop.partner_id: PartChoice(method="hub")},
            address=None,
        )


@pytest.mark.django_db(transaction=True)
def test_a_hub_part_is_routed_to_the_hub_and_collected_there_on_the_consumers_code(monkeypatch):
    today = timezone.localdate()
    # Planned at 09:00: the part is made ready before that, whatever the hour of the run.
    set_clock(monkeypatch, at(today, 8, 30), ticking=True)
    hub = make_hub()
    courier = make_courier(today, starts=9, ends=20)
    shop, consumer = ShopFactory(), UserFactory()
    record = make_offer(shop, on_hand=5)
    part = hub_order(shop, consumer, record)
    assert part.slot is None and part.delivery_code and part.delivery_fee_incl_vat == 0

    dispatch.plan_day(day=today, now=at(today, 9), time_limit=FAST)
    stops = list(RouteStop.objects.filter(part=part).order_by("sequence"))
    assert [stop.kind for stop in stops] == ["pickup", "delivery"]
    assert stops[0].route.courier_id == courier.pk

    courier_client = client_for(courier.user)
    courier_client.post(f"/courier/stops/{stops[0].pk}/picked-up/", {"code": shop_code(stops[0])})
    courier_client.post(f"/courier/stops/{stops[1].pk}/delivered/", {})
    part.refresh_from_db()
    assert part.status == PartStatus.AT_HUB
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 3
    at_hub_mail = mail.outbox[-1]
    assert part.delivery_code in at_hub_mail.body and hub.name in at_hub_mail.body

    manager = UserFactory(is_staff=True)
    counter = client_for(manager)
    assert part.order.number in counter.get("/management/routes/hub/").content.decode()
    counter.post("/management/routes/hub/", {"part": str(part.pk), "code": "WRONG9"})
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.AT_HUB
    counter.post("/management/routes/hub/", {"part": str(part.pk), "code": part.delivery_code})
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.COLLECTED
    page = client_for(consumer).get(f"/orders/{part.order.number}/").content.decode()
    assert hub.name in page


def test_only_staff_work_the_hub_counter():
    shop = ShopFactory()
    assert client_for(make_owner(shop)).get("/management/routes/hub/").status_code == 403


def test_checkout_offers_the_hub_only_when_there_is_one():
    shop, consumer = ShopFactory(), UserFactory()
    record = make_offer(shop, on_hand=3)
    client = client_for(consumer)
    client.post(f"/basket/add-offer/{record.pk}/", {"quantity": "1"})
    assert 'value="hub"' not in client.get("/checkout/").content.decode()
    make_hub()
    assert 'value="hub"' in client.get("/checkout/").content.decode()
