"""The domain events: each step of a part publishes its one event and its listeners act (the
refund, the transfer, the e-mail); a refused step publishes nothing; a rolled-back step
sends no task; a money event with no listener is refused with its step."""

from collections import defaultdict
from dataclasses import dataclass
from typing import ClassVar

import pytest
from django.db import transaction
from django.utils import timezone

from logistics.models import OrderPart, PartStatus, Route, RouteStop
from logistics.part_states import (
    TransitionRefused,
    accept_part,
    collect_at_hub,
    drop_at_hub,
    hand_over,
    mark_delivered,
    mark_ready,
    reject_part,
)
from marketplace import events
from marketplace.commission import listeners as commission_listeners
from marketplace.ordering import listeners as ordering_listeners
from marketplace.ordering.services import (
    PartChoice,
    cancel_unpaid_order,
    confirm_order_paid,
    place_order,
)
from marketplace.payments.models import Payment, PaymentStatus, Refund, Transfer
from marketplace.reports import listeners as report_listeners
from tests.factories import (
    ShopFactory,
    UserFactory,
    make_basket,
    make_offer,
    make_slot,
    make_zone,
)
from tests.logistics.test_dispatch import delivery_part, make_courier, make_hub, tomorrow

pytestmark = pytest.mark.django_db
S = PartStatus
EVENT_TYPES = [
    events.PaymentSucceeded,
    events.PaymentEndedUnpaid,
    events.PartPlaced,
    events.PartCancelled,
    events.PartAccepted,
    events.PartRejected,
    events.PartReady,
    events.GoodsLeftShop,
    events.PartAtHub,
    events.PartCollectedAtHub,
    events.PartDelivered,
]


@pytest.fixture
def published():
    """Every event published during the test, in order (after the apps' own listeners)."""
    seen = []
    for event_type in EVENT_TYPES:
        events.subscribe(event_type, seen.append)
    yield seen
    for event_type in EVENT_TYPES:
        events.unsubscribe(event_type, seen.append)


def kinds(seen) -> list[tuple[str, int, str]]:
    return [(type(event).__name__, event.part.pk, event.part.status) for event in seen]


def unpaid(shop, method="collect"):
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (make_offer(shop), 1)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method=method)},
        address=None,
    )
    return order, OrderPart.objects.get(order=order)


def placed(shop, method="collect") -> OrderPart:
    order, part = unpaid(shop, method)
    confirm_order_paid(order_id=order.pk)
    return OrderPart.objects.get(pk=part.pk)


# The seam itself.


@dataclass(frozen=True)
class Noted(events.Event):
    text: str


@dataclass(frozen=True)
class Unheard(events.Event):
    pass


@dataclass(frozen=True)
class Owed(events.Event):
    required: ClassVar[bool] = True


def test_listeners_run_in_the_order_they_subscribed_and_once_each(monkeypatch):
    monkeypatch.setattr(events, "listeners", defaultdict(list))
    heard = []

    def first(event):
        heard.append(("first", event.text))

    def second(event):
        heard.append(("second", event.text))

    events.subscribe(Noted, first)
    events.subscribe(Noted, second)
    events.subscribe(Noted, first)  # again: still once
    events.publish(Noted(text="hello"))
    events.publish(Unheard())  # nobody listens, and nobody has to: nothing happens
    assert heard == [("first", "hello"), ("second", "hello")]


def test_a_required_event_without_a_listener_is_refused(monkeypatch):
    monkeypatch.setattr(events, "listeners", defaultdict(list))
    with pytest.raises(events.NoListener, match="Owed"):
        events.publish(Owed())


def test_the_apps_subscribe_their_listeners_in_the_order_of_installed_apps():
    assert events.listeners[events.PartRejected][:3] == [
        commission_listeners.refund_rejected_part,
        ordering_listeners.email_rejected,
        report_listeners.refresh_after_rejection,
    ]
    assert events.listeners[events.GoodsLeftShop][:2] == [
        commission_listeners.transfer_shop_share,
        ordering_listeners.email_goods_left_shop,
    ]
    assert events.listeners[events.PaymentSucceeded][:1] == [ordering_listeners.payment_succeeded]


# Each step publishes its event, and its listeners act.


def test_a_collect_part_publishes_each_step_and_a_refused_step_publishes_nothing(
    published, django_capture_on_commit_callbacks, mailoutbox
):
    shop = ShopFactory()
    part = placed(shop)
    accept_part(part_id=part.pk, shop_id=shop.pk)
    with pytest.raises(TransitionRefused):
        accept_part(part_id=part.pk, shop_id=shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        mark_ready(part_id=part.pk, shop_id=shop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)

    assert kinds(published) == [
        ("PartPlaced", part.pk, S.PLACED),
        ("PartAccepted", part.pk, S.ACCEPTED),
        ("PartReady", part.pk, S.READY),
        ("GoodsLeftShop", part.pk, S.COLLECTED),
    ]
    # The listeners: the shop's transfer is recorded, the consumer is e-mailed twice.
    assert Transfer.objects.filter(idempotency_key=f"transfer-part-{part.pk}").count() == 1
    assert len(mailoutbox) == 2
    assert all(message.to == [part.order.user.email] for message in mailoutbox)


def test_a_rejected_part_is_refunded_and_the_consumer_told(
    published, django_capture_on_commit_callbacks, mailoutbox
):
    shop = ShopFactory()
    part = placed(shop)
    with django_capture_on_commit_callbacks(execute=True):
        reject_part(part_id=part.pk, shop_id=shop.pk, reason="sold out")

    assert kinds(published)[1:] == [("PartRejected", part.pk, S.REJECTED)]
    assert published[-1].reason == "sold out"
    refund = Refund.objects.get(idempotency_key=f"rejected-part-{part.pk}")
    assert (refund.amount, refund.part_id, refund.reason) == (
        part.total_incl_vat,
        part.pk,
        "sold out",
    )
    assert len(mailoutbox) == 1


def test_a_rolled_back_step_sends_no_task(
    published, django_capture_on_commit_callbacks, mailoutbox
):
    shop = ShopFactory()
    part = placed(shop)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reject_part(part_id=part.pk, shop_id=shop.pk, reason="sold out")
        raise RuntimeError("the request failed after the step")

    assert callbacks == []
    assert mailoutbox == []
    assert not Refund.objects.exists()
    assert OrderPart.objects.get(pk=part.pk).status == S.PLACED


def test_a_money_event_with_no_listener_refuses_its_step(monkeypatch, published):
    shop = ShopFactory()
    part = placed(shop)
    quiet = defaultdict(list, {events.PartPlaced: [published.append]})
    monkeypatch.setattr(events, "listeners", quiet)
    with pytest.raises(events.NoListener):
        reject_part(part_id=part.pk, shop_id=shop.pk, reason="sold out")
    assert OrderPart.objects.get(pk=part.pk).status == S.PLACED
    assert not Refund.objects.exists()


def test_the_payment_events_place_or_cancel_the_order(published):
    shop = ShopFactory()
    paid_order, paid_part = unpaid(shop)
    lost_order, lost_part = unpaid(shop)

    events.publish(events.PaymentSucceeded(order_id=paid_order.pk, reference="pi_1"))
    events.publish(events.PaymentEndedUnpaid(order_id=lost_order.pk))

    assert kinds([e for e in published if isinstance(e, events.PartEvent)]) == [
        ("PartPlaced", paid_part.pk, S.PLACED),
        ("PartCancelled", lost_part.pk, S.CANCELLED),
    ]
    assert Payment.objects.get(order=paid_order).status == PaymentStatus.SUCCEEDED
    assert Payment.objects.get(order=lost_order).status == PaymentStatus.CANCELLED
    lost_part.refresh_from_db()
    assert (lost_part.status, lost_part.reason) == (S.CANCELLED, "payment expired")


def test_a_consumers_cancel_publishes_the_parts_cancelled_once(published):
    shop = ShopFactory()
    order, part = unpaid(shop)
    assert cancel_unpaid_order(order_id=order.pk)
    assert not cancel_unpaid_order(order_id=order.pk)
    assert kinds(published) == [("PartCancelled", part.pk, S.CANCELLED)]
    assert published[0].part.reason == "payment cancelled"


def test_a_hub_part_publishes_its_way_through_the_hub(
    published, django_capture_on_commit_callbacks, mailoutbox
):
    make_hub()
    shop = ShopFactory()
    part = placed(shop, method="hub")
    accept_part(part_id=part.pk, shop_id=shop.pk)
    mark_ready(part_id=part.pk, shop_id=shop.pk)
    today = timezone.localdate()
    courier = make_courier(today, starts=0, ends=23)
    route = Route.objects.create(courier=courier, date=today, planned_at=timezone.now())
    for sequence, kind in enumerate(("pickup", "delivery"), start=1):
        RouteStop.objects.create(
            route=route, sequence=sequence, kind=kind, part=part, eta=timezone.now()
        )
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
        drop_at_hub(part_id=part.pk, courier_id=courier.pk)
        collect_at_hub(part_id=part.pk, code=part.delivery_code)

    assert kinds(published)[3:] == [
        ("GoodsLeftShop", part.pk, S.HANDED_OVER),
        ("PartAtHub", part.pk, S.AT_HUB),
        ("PartCollectedAtHub", part.pk, S.COLLECTED),
    ]
    # Handed over, at the hub, collected: one e-mail each (ready is only for the counter).
    assert len(mailoutbox) == 3


def test_a_delivered_part_publishes_its_delivery(published):
    shop = ShopFactory()
    part = delivery_part(shop, make_slot(make_zone(), day=tomorrow(), start=10))
    hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
    mark_delivered(part_id=part.pk, code=part.delivery_code)
    assert kinds(published)[-2:] == [
        ("GoodsLeftShop", part.pk, S.HANDED_OVER),
        ("PartDelivered", part.pk, S.DELIVERED),
    ]
