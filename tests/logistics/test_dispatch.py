"""The dispatcher on small hand-checkable days: who gets which part, what stays, and why not.

The day is tomorrow (slots must still be bookable when the orders are placed); planning runs
"at 08:00" that day. Shops are open 09:00-18:00; couriers ride bikes from a hub in the centre.
"""

from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics import dispatch, routing_checks
from logistics.dispatch_inputs import NO_ADDRESS
from logistics.handover import pick_up_at_shop
from logistics.models import (
    Courier,
    CourierShift,
    Hub,
    OrderPart,
    PartStatus,
    Route,
    RouteStatus,
    RouteStop,
    StopStatus,
    UnplannedPart,
)
from logistics.part_states import accept_part, mark_ready
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from shops.models import OpeningHoursException
from tests.conftest import run_task
from tests.factories import (
    AMSTERDAM,
    ShopFactory,
    UserFactory,
    make_basket,
    make_offer,
    make_slot,
    make_zone,
    shop_code,
)
from tests.ordering.test_place_order import ADDRESS

pytestmark = pytest.mark.django_db
FAST = 1.0  # seconds of VROOM search: plenty for a handful of shipments


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def make_hub():
    return Hub.objects.create(
        name="Hub Brink",
        street="Brink 1",
        postcode="7411 BR",
        city="Deventer",
        latitude=Decimal("52.255100"),
        longitude=Decimal("6.159900"),
        opens=time(8),
        closes=time(20),
    )


def make_courier(day, *, starts, ends, vehicle="bike", capacity=10, name="courier"):
    user = UserFactory(first_name=name)
    courier = Courier.objects.create(
        user=user, vehicle=vehicle, capacity_parts=capacity, capacity_litres=200
    )
    CourierShift.objects.create(
        courier=courier, weekday=day.weekday(), starts=time(starts), ends=time(ends)
    )
    return courier


def delivery_part(shop, slot, *, lat="52.2600", lng="6.1650", ready=True) -> OrderPart:
    """A paid delivery order at `shop` for `slot`, accepted and (by default) ready."""
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (make_offer(shop), 1)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="delivery", slot_id=slot.pk)},
        address=replace(ADDRESS, latitude=Decimal(lat), longitude=Decimal(lng)),
    )
    confirm_order_paid(order_id=order.pk)
    part = OrderPart.objects.get(order=order)
    accept_part(part_id=part.pk, shop_id=shop.pk)
    if ready:
        mark_ready(part_id=part.pk, shop_id=shop.pk)
    return OrderPart.objects.get(pk=part.pk)


def stops_of(courier, day):
    return list(
        RouteStop.objects.filter(route__courier=courier, route__date=day)
        .order_by("sequence")
        .values_list("kind", "part_id", "status")
    )


def plan(day, hour=8):
    return dispatch.plan_day(day=day, now=at(day, hour), time_limit=FAST)


@pytest.fixture
def day_world():
    """Morning courier (08-12) and afternoon courier (13-18); slots 10-12, 14-16, 19-21."""
    day = tomorrow()
    make_hub()
    zone = make_zone()
    morning, afternoon, evening = (make_slot(zone, day=day, start=h) for h in (10, 14, 19))
    bakery, books = ShopFactory(), ShopFactory(latitude=Decimal("52.2520"))
    return {
        "day": day,
        "early": make_courier(day, starts=8, ends=12, name="Early"),
        "late": make_courier(day, starts=13, ends=18, name="Late"),
        "bakery": bakery,
        "books": books,
        "morning": morning,
        "afternoon": afternoon,
        "evening": evening,
    }


def test_parts_go_to_the_courier_whose_shift_fits_and_the_rest_get_reasons(day_world):
    w = day_world
    day = w["day"]
    for_morning = delivery_part(w["bakery"], w["morning"])
    for_afternoon = delivery_part(w["books"], w["afternoon"])
    still_accepted = delivery_part(w["bakery"], w["afternoon"], ready=False)
    too_late = delivery_part(w["books"], w["evening"])
    no_address = delivery_part(w["books"], w["afternoon"])
    OrderPart.objects.filter(pk=no_address.pk).update(latitude=None, postcode="9999 ZZ")
    closed = ShopFactory()
    at_closed_shop = delivery_part(closed, w["morning"])
    OpeningHoursException.objects.create(shop=closed, date=day, closed=True)

    summary = plan(day)

    assert stops_of(w["early"], day) == [
        ("pickup", for_morning.pk, StopStatus.PENDING),
        ("delivery", for_morning.pk, StopStatus.PENDING),
    ]
    late = stops_of(w["late"], day)
    assert sorted(late) == sorted(
        [
            (kind, part.pk, StopStatus.PENDING)
            for kind in ("pickup", "delivery")
            for part in (for_afternoon, still_accepted)
        ]
    )
    for part in (for_afternoon, still_accepted):  # each picked up before it is delivered
        assert late.index(("pickup", part.pk, "pending")) < late.index(
            ("delivery", part.pk, "pending")
        )
    assert dict(UnplannedPart.objects.values_list("part_id", "reason")) == {
        too_late.pk: routing_checks.OUTSIDE_SHIFTS,
        no_address.pk: NO_ADDRESS,
        at_closed_shop.pk: routing_checks.SHOP_CLOSED_TODAY,
    }
    assert (summary.routes, summary.planned, summary.unplanned) == (2, 3, 3)
    # ETAs fall in the windows, in local time: the morning delivery between 10:00 and 12:00.
    delivery = RouteStop.objects.get(part=for_morning, kind="delivery")
    assert at(day, 10) <= delivery.eta <= at(day, 12)
    pickup = RouteStop.objects.get(part=still_accepted, kind="pickup")
    assert pickup.eta >= at(day, 13)  # ready at 08:30, but the late courier starts at 13:00


def test_a_picked_up_shipment_stays_with_its_courier_when_replanning(day_world):
    w = day_world
    day = w["day"]
    CourierShift.objects.filter(courier=w["late"]).update(starts=time(8))  # both could take it
    part = delivery_part(w["bakery"], w["morning"])
    plan(day)
    carrier = Route.objects.get(stops__part=part, stops__kind="pickup").courier
    other = w["late"] if carrier == w["early"] else w["early"]
    pickup_stop = RouteStop.objects.get(part=part, kind="pickup")

    pick_up_at_shop(
        courier_id=carrier.pk,
        shop_id=part.shop_id,
        code=shop_code(pickup_stop),
        route=pickup_stop.route,
    )
    second = delivery_part(w["books"], w["afternoon"])
    plan(day, hour=9)

    kept = stops_of(carrier, day)
    assert kept[0] == ("pickup", part.pk, StopStatus.DONE)
    assert ("delivery", part.pk, StopStatus.PENDING) in kept
    assert RouteStop.objects.get(part=part, kind="pickup").pk == pickup_stop.pk
    assert not RouteStop.objects.filter(route__courier=other, part=part).exists()
    assert Route.objects.get(courier=carrier).status == RouteStatus.IN_PROGRESS
    assert RouteStop.objects.filter(part=second, kind="delivery").count() == 1

    # Its courier cannot deliver it any more: it is listed, never moved to the other courier.
    CourierShift.objects.filter(courier=carrier).update(starts=time(8), ends=time(9, 30))
    CourierShift.objects.filter(courier=other).update(starts=time(8), ends=time(18))
    plan(day, hour=9)
    assert not RouteStop.objects.filter(route__courier=other, part=part).exists()
    assert UnplannedPart.objects.get(part=part).reason == (routing_checks.OUTSIDE_CARRIER_SHIFT)
    assert RouteStop.objects.get(part=part, kind="pickup").status == StopStatus.DONE


def test_replanning_replaces_pending_stops_and_drops_idle_routes(day_world):
    w = day_world
    day = w["day"]
    part = delivery_part(w["bakery"], w["morning"])
    plan(day)
    plan(day)
    assert RouteStop.objects.filter(part=part).count() == 2
    assert Route.objects.filter(date=day).count() == 1  # the late courier has nothing

    OrderPart.objects.filter(pk=part.pk).update(status=PartStatus.CANCELLED)
    summary = plan(day)
    assert summary.routes == 0 and not RouteStop.objects.exists()


def test_without_couriers_everything_is_unplanned_with_the_reason(day_world):
    w = day_world
    Courier.objects.update(is_active=False)
    part = delivery_part(w["bakery"], w["morning"])
    plan(w["day"])
    assert UnplannedPart.objects.get().part_id == part.pk
    assert UnplannedPart.objects.get().reason == routing_checks.NO_COURIER


def test_the_beat_entry_resolves_to_the_planning_task(settings):
    from marketplace.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["plan-routes"]
    assert entry["task"] in app.tasks
    assert app.tasks[entry["task"]].name == "logistics.tasks.plan_routes_task"
    assert entry["schedule"] == 300.0


def test_the_task_plans_today(day_world):
    from logistics.tasks import plan_routes_task

    result = run_task(plan_routes_task)
    assert result["day"] == timezone.localdate().isoformat()


def bulky_part(shop, slot) -> OrderPart:
    part = delivery_part(shop, slot, ready=False)
    return mark_ready(part_id=part.pk, shop_id=shop.pk, volume_litres=80, bulky=True)


def test_a_bulky_part_goes_to_the_cargo_bike(day_world):
    w = day_world
    day = w["day"]
    CourierShift.objects.filter(courier=w["early"]).update(ends=time(18))
    cargo = make_courier(day, starts=8, ends=18, vehicle="cargo_bike", name="Cargo")
    big = bulky_part(w["bakery"], w["morning"])
    small = delivery_part(w["books"], w["morning"])
    assert (big.volume_litres, big.bulky) == (80, True)
    assert (small.volume_litres, small.bulky) == (10, False)

    plan(day)

    assert Route.objects.get(stops__part=big, stops__kind="pickup").courier == cargo
    assert not RouteStop.objects.filter(part=big).exclude(route__courier=cargo).exists()
    assert RouteStop.objects.filter(part=small).count() == 2
    assert not UnplannedPart.objects.exists()


def test_a_bulky_part_without_a_cargo_bike_on_shift_is_unplanned_with_the_reason(day_world):
    w = day_world
    day = w["day"]
    off_today = make_courier(day, starts=8, ends=18, vehicle="cargo_bike", name="Off")
    CourierShift.objects.filter(courier=off_today).update(weekday=(day.weekday() + 1) % 7)
    big = bulky_part(w["bakery"], w["morning"])
    small = delivery_part(w["books"], w["morning"])

    summary = plan(day)

    assert dict(UnplannedPart.objects.values_list("part_id", "reason")) == {
        big.pk: routing_checks.NO_CARGO_VEHICLE
    }
    assert not RouteStop.objects.filter(part=big).exists()
    assert RouteStop.objects.filter(part=small).count() == 2
    assert (summary.planned, summary.unplanned) == (1, 1)


def test_the_shipment_volume_is_loaded_against_the_couriers_litres(day_world):
    w = day_world
    Courier.objects.update(capacity_litres=50)
    part = delivery_part(w["bakery"], w["morning"], ready=False)
    mark_ready(part_id=part.pk, shop_id=w["bakery"].pk, volume_litres=60)
    plan(w["day"])
    assert UnplannedPart.objects.get().reason == routing_checks.TOO_LARGE
