"""The consumer follows the delivery: "on the way, about HH:MM" on the order page, and one
"your courier is next" e-mail when the stop before theirs is closed.

The day is tomorrow with the clock set on it; the route is written directly: pickups of two
parts at 10:00, their deliveries at 10:20 and 10:40.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from logistics import route_progress
from logistics.models import OrderPart, Route, RouteStop
from logistics.part_states import hand_over, mark_delivered
from tests.conftest import client_for, set_clock
from tests.factories import ShopFactory, make_slot, make_zone
from tests.logistics.test_dispatch import at, delivery_part, make_courier

pytestmark = pytest.mark.django_db
NEXT = "your courier is next"


@pytest.fixture
def world(monkeypatch):
    day = timezone.localdate() + timedelta(days=1)
    set_clock(monkeypatch, at(day, 7))
    shop = ShopFactory()
    slot = make_slot(make_zone(), day=day, start=10)
    first, second = delivery_part(shop, slot), delivery_part(shop, slot)
    courier = make_courier(day, starts=8, ends=18, name="Fenna")
    route = Route.objects.create(courier=courier, date=day, planned_at=timezone.now())
    plan = [("pickup", first, 10, 0), ("pickup", second, 10, 0)]
    plan += [("delivery", first, 10, 20), ("delivery", second, 10, 40)]
    for sequence, (kind, part, hour, minute) in enumerate(plan, start=1):
        RouteStop.objects.create(
            route=route, sequence=sequence, kind=kind, part=part, eta=at(day, hour, minute)
        )
    mail.outbox.clear()
    return {"day": day, "shop": shop, "first": first, "second": second, "route": route}


def pick_up(w, part, monkeypatch, *, hour, minute):
    set_clock(monkeypatch, at(w["day"], hour, minute))
    hand_over(part_id=part.pk, shop_id=w["shop"].pk, code=part.pickup_code)


def order_page(part) -> str:
    return client_for(part.order.user).get(f"/orders/{part.order.number}/").content.decode()


def next_mails():
    return [message.to[0] for message in mail.outbox if NEXT in message.subject]


def test_the_order_page_shows_the_eta_shifted_by_how_late_the_courier_runs(world, monkeypatch):
    w = world
    first = w["first"]
    assert "On the way" not in order_page(first)  # still at the shop

    pick_up(w, first, monkeypatch, hour=10, minute=12)  # 12 minutes late

    assert "On the way, about 10:32" in order_page(first)  # ETA 10:20 + 12 minutes
    pick_up(w, w["second"], monkeypatch, hour=10, minute=13)
    assert "On the way, about 10:53" in order_page(w["second"])  # 10:40 + 13


def test_a_courier_ahead_of_time_does_not_move_the_eta_earlier(world, monkeypatch):
    w = world
    pick_up(w, w["first"], monkeypatch, hour=9, minute=50)
    assert route_progress.expected_arrival(w["first"].pk) == at(w["day"], 10, 20)
    assert "On the way, about 10:20" in order_page(w["first"])


def test_your_courier_is_next_is_sent_once_when_the_stop_before_is_closed(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    w = world
    first, second = w["first"], w["second"]
    with django_capture_on_commit_callbacks(execute=True):
        pick_up(w, first, monkeypatch, hour=10, minute=5)
    assert next_mails() == []  # the next stop is the other pickup

    with django_capture_on_commit_callbacks(execute=True):
        pick_up(w, second, monkeypatch, hour=10, minute=6)
    assert next_mails() == [first.order.user.email]
    message = next(message for message in mail.outbox if NEXT in message.subject)
    assert "about 10:26" in message.body  # ETA 10:20, six minutes late
    assert first.delivery_code in message.body

    with django_capture_on_commit_callbacks(execute=True):
        route_progress.notify_next_deliveries([w["route"].pk])  # asked again: nothing new
    assert next_mails() == [first.order.user.email]

    mail.outbox.clear()
    set_clock(monkeypatch, at(w["day"], 10, 25))
    with django_capture_on_commit_callbacks(execute=True):
        mark_delivered(part_id=first.pk, code=first.delivery_code)
    assert next_mails() == [second.order.user.email]
    notified = OrderPart.objects.filter(next_notified_at__isnull=False)
    assert set(notified.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert not route_progress.close_stops(
        RouteStop.objects.filter(part=first).values_list("pk", flat=True), status="done"
    )
    assert next_mails() == [second.order.user.email]
