"""A failed delivery: seen on the consumer's order page and centre management's routes page,
rebooked into a new slot or the hub, and planned again.

The day is tomorrow and the clock is set on it (08:00, then the moment of each step), so the
slots, the order and the routes all come from that clock.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from logistics import dispatch, dispatch_inputs, rebooking
from logistics.models import (
    DeliverySlot,
    OrderPart,
    PartMethod,
    Route,
    RouteStop,
    StopStatus,
    UnplannedPart,
)
from logistics.part_states import hand_over, mark_failed
from tests.conftest import client_for, set_clock
from tests.factories import ShopFactory, UserFactory, make_slot, make_zone
from tests.logistics.test_dispatch import FAST, at, delivery_part, make_courier, make_hub

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    """A ready part for the 14:00-16:00 slot, on Fenna's route: pickup 13:00, delivery 14:15."""
    day = timezone.localdate() + timedelta(days=1)
    set_clock(monkeypatch, at(day, 8))
    zone = make_zone()
    old, new = make_slot(zone, day=day, start=14), make_slot(zone, day=day, start=16)
    tomorrow_slot = make_slot(zone, day=day + timedelta(days=1), start=10)
    shop = ShopFactory()
    courier = make_courier(day, starts=8, ends=20, name="Fenna")
    part = delivery_part(shop, old)
    route = Route.objects.create(courier=courier, date=day, planned_at=timezone.now())
    pickup = RouteStop.objects.create(
        route=route, sequence=1, kind="pickup", part=part, eta=at(day, 13)
    )
    delivery = RouteStop.objects.create(
        route=route, sequence=2, kind="delivery", part=part, eta=at(day, 14, 15)
    )
    return {
        "day": day,
        "shop": shop,
        "courier": courier,
        "part": part,
        "consumer": part.order.user,
        "old": old,
        "new": new,
        "next_day": tomorrow_slot,
        "pickup": pickup,
        "delivery": delivery,
        "monkeypatch": monkeypatch,
    }


def fail(w, *, hour=13, reason="Shop was closed"):
    set_clock(w["monkeypatch"], at(w["day"], hour))
    mark_failed(part_id=w["part"].pk, courier_id=w["courier"].pk, reason=reason)
    return OrderPart.objects.get(pk=w["part"].pk)


def booked(*slots):
    return [DeliverySlot.objects.get(pk=slot.pk).booked for slot in slots]


def rebook(w, choice, *, user=None):
    browser = client_for(user or w["consumer"])
    part = w["part"]
    return browser.post(
        f"/orders/{part.order.number}/parts/{part.pk}/rebook/", {"choice": choice}, follow=True
    )


def test_a_failed_stop_marks_the_part_and_the_order_page_says_so_with_choices(world):
    w = world
    part = fail(w)
    assert part.delivery_failed_at == at(w["day"], 13)
    assert set(RouteStop.objects.values_list("status", flat=True)) == {StopStatus.FAILED}

    page = client_for(w["consumer"]).get(f"/orders/{part.order.number}/")

    html = page.content.decode()
    assert "Delivery failed: Shop was closed." in html
    assert "Choose a new slot or collect at the hub." in html
    assert "Delivery on" not in html  # the old slot is no longer promised
    shown = page.context["parts"][0][0]
    assert shown.rebook_choices == [
        (str(w["new"].pk), rebooking.slot_label(w["new"])),
        (str(w["next_day"].pk), rebooking.slot_label(w["next_day"])),
    ]  # the 14:00 slot closed at 12:00
    dutch = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="nl")
    dutch.force_login(w["consumer"])
    assert (
        "Bezorging mislukt: Shop was closed."
        in dutch.get(f"/orders/{part.order.number}/").content.decode()
    )


def test_management_sees_the_failed_part_and_never_everything_planned(world, client):
    w = world
    part = fail(w)
    client.force_login(UserFactory(is_staff=True))

    page = client.get("/management/routes/")

    html = page.content.decode()
    assert [row["part"].pk for row in page.context["failed"]] == [part.pk]
    assert page.context["failed"][0]["reason"] == "Shop was closed"
    assert "Everything is planned." not in html
    assert "on no route until rebooked" in html
    assert part.order.number in html


def test_rebooking_books_the_new_slot_releases_the_old_and_the_planner_plans_it_again(world):
    w = world
    part = fail(w)
    summary = dispatch.plan_day(day=w["day"], now=at(w["day"], 13), time_limit=FAST)
    assert summary.planned == 0  # while failed, the part waits and is not "unplanned" either
    assert not RouteStop.objects.filter(status=StopStatus.PENDING).exists()
    assert not UnplannedPart.objects.exists()
    assert booked(w["old"], w["new"]) == [1, 0]

    page = rebook(w, str(w["new"].pk))

    assert f"Your delivery is rebooked for {rebooking.slot_label(w['new'])}." in (
        page.content.decode()
    )
    part.refresh_from_db()
    assert (part.slot_id, part.delivery_failed_at, part.next_notified_at) == (
        w["new"].pk,
        None,
        None,
    )
    assert booked(w["old"], w["new"]) == [0, 1]
    assert (
        "Delivery failed"
        not in client_for(w["consumer"]).get(f"/orders/{part.order.number}/").content.decode()
    )
    # The same choice sent twice (a double tap) books no second place.
    rebook(w, str(w["new"].pk))
    assert booked(w["old"], w["new"]) == [0, 1]

    dispatch.plan_day(day=w["day"], now=at(w["day"], 13, 5), time_limit=FAST)

    pending = RouteStop.objects.filter(part=part, status=StopStatus.PENDING)
    assert sorted(pending.values_list("kind", flat=True)) == ["delivery", "pickup"]
    delivery = pending.get(kind="delivery")
    assert at(w["day"], 16) <= delivery.eta <= at(w["day"], 18)


def test_a_full_slot_is_refused_and_the_part_stays_failed(world):
    w = world
    fail(w)
    DeliverySlot.objects.filter(pk=w["new"].pk).update(capacity=1, booked=1)

    page = rebook(w, str(w["new"].pk))

    assert "slot is full; choose another slot." in page.content.decode()
    part = OrderPart.objects.get(pk=w["part"].pk)
    assert part.slot_id == w["old"].pk and part.delivery_failed_at is not None
    assert booked(w["old"], w["new"]) == [1, 1]


def test_a_closed_slot_and_a_bad_choice_are_refused_with_a_message(world):
    w = world
    fail(w)
    assert "Ordering for the" in rebook(w, str(w["old"].pk)).content.decode()  # cut-off 12:00
    assert "Choose a new delivery slot or the hub." in rebook(w, "tomorrow").content.decode()
    assert "There is no hub to collect from." in rebook(w, "hub").content.decode()
    assert "That delivery slot does not exist." in rebook(w, "999999").content.decode()
    assert OrderPart.objects.get(pk=w["part"].pk).delivery_failed_at is not None
    assert booked(w["old"], w["new"]) == [1, 0]


def test_another_consumers_part_is_404_and_unchanged(world):
    w = world
    fail(w)
    stranger = UserFactory()
    assert rebook(w, str(w["new"].pk), user=stranger).status_code == 404
    part = w["part"]
    assert client_for(stranger).get(f"/orders/{part.order.number}/").status_code == 404
    with pytest.raises(OrderPart.DoesNotExist):
        rebooking.rebook_part(part_id=part.pk, slot_id=w["new"].pk, consumer=stranger)
    assert OrderPart.objects.get(pk=part.pk).delivery_failed_at is not None
    assert booked(w["old"], w["new"]) == [1, 0]


def test_a_part_with_the_courier_stays_the_same_day_or_goes_to_the_hub(world):
    w = world
    set_clock(w["monkeypatch"], at(w["day"], 13))
    part = w["part"]
    hand_over(part_id=part.pk, shop_id=w["shop"].pk, code=part.pickup_code)
    assert OrderPart.objects.get(pk=part.pk).next_notified_at is not None  # delivery is next
    part = fail(w, reason="Nobody home")
    assert RouteStop.objects.get(pk=w["pickup"].pk).status == StopStatus.DONE

    page = rebook(w, str(w["next_day"].pk))
    assert "The part is with the courier today" in page.content.decode()
    assert [value for value, _ in rebooking.choices_for(part)] == [str(w["new"].pk)]

    make_hub()
    rebook(w, "hub")

    part.refresh_from_db()
    assert (part.method, part.slot_id, part.delivery_failed_at, part.next_notified_at) == (
        PartMethod.HUB,
        None,
        None,
        None,
    )
    assert booked(w["old"]) == [0]
    # Planned again today, as a delivery to the hub by the courier carrying it.
    inputs = dispatch_inputs.load(day=w["day"], now=at(w["day"], 13))
    assert [(p.id, p.picked_up_by) for p in inputs.shipments] == [(part.pk, w["courier"].pk)]


def test_management_rebooks_for_the_consumer_and_others_get_403(world, client):
    w = world
    part = fail(w)
    client.force_login(UserFactory())
    url = f"/management/routes/parts/{part.pk}/rebook/"
    assert client.post(url, {"choice": str(w["new"].pk)}).status_code == 403
    assert OrderPart.objects.get(pk=part.pk).delivery_failed_at is not None

    client.force_login(UserFactory(is_staff=True))
    page = client.post(url, {"choice": str(w["next_day"].pk)}, follow=True)

    assert f"Order {part.order.number}: delivery rebooked for" in page.content.decode()
    part.refresh_from_db()
    assert (part.slot_id, part.delivery_failed_at) == (w["next_day"].pk, None)
    assert booked(w["old"], w["next_day"]) == [0, 1]
    assert page.context["failed"] == []
    assert client.post("/management/routes/parts/999999/rebook/", {"choice": "1"}).status_code == (
        404
    )
