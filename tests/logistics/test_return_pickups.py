"""Consumers' returns fetched by couriers: planned from the door (in the booked slot) to the
shop, shown on the courier's page and marked done there.

Planning runs "at 08:00" tomorrow like tests.logistics.test_dispatch; the courier page's route
is written directly for today, as in tests.logistics.test_courier_app.
"""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics import return_pickups
from logistics.models import (
    OrderPart,
    ReturnPickup,
    ReturnPickupStatus,
    Route,
    RouteStop,
    StopStatus,
)
from marketplace.returns import services
from marketplace.returns.models import ReturnStatus
from tests.factories import ShopFactory, make_offer, make_slot, make_zone
from tests.logistics.test_dispatch import make_courier, make_hub, plan, tomorrow
from tests.ordering.test_address_lookup import (  # noqa: F401 (register: a fixture, by name)
    closed_port_url,
    register,
)
from tests.ordering.test_checkout_address import AREA_CENTRE
from tests.returns.conftest import HOSTILE, lines_of, received_part

pytestmark = pytest.mark.django_db


def pickup_return(shop, slot, *, address="Walstraat 3"):
    part = received_part(shop, (make_offer(shop), 1))
    [line] = lines_of(part)
    return services.request_return(
        part_id=part.pk,
        consumer=part.order.user,
        chosen={line.pk: 1},
        method="pickup",
        pickup=services.Pickup(
            slot_id=slot.pk, address_line=address, postcode="7411 AB", city="Deventer"
        ),
    )


def return_stops(day):
    return list(
        RouteStop.objects.filter(route__date=day, return_pickup__isnull=False).order_by("sequence")
    )


def test_planning_puts_the_return_on_a_route_door_first_within_the_slot_then_the_shop():
    day = tomorrow()
    make_hub()
    courier = make_courier(day, starts=13, ends=18)
    shop = ShopFactory()
    request = pickup_return(shop, make_slot(make_zone(), day=day, start=14))
    job = ReturnPickup.objects.get(return_id=request.pk)
    assert (job.shop, job.status) == (shop, ReturnPickupStatus.OPEN)

    plan(day)

    door, drop = return_stops(day)
    assert (door.kind, drop.kind) == ("pickup", "delivery")
    assert door.return_pickup == drop.return_pickup == job
    assert door.part is None and door.route.courier == courier == drop.route.courier
    assert door.sequence < drop.sequence
    assert time(14) <= timezone.localtime(door.eta).time() <= time(16)
    assert door.eta < drop.eta and timezone.localtime(drop.eta).time() <= time(18)


def test_a_cancelled_return_is_not_planned():
    day = tomorrow()
    make_courier(day, starts=13, ends=18)
    request = pickup_return(ShopFactory(), make_slot(make_zone(), day=day, start=14))
    services.cancel_return(return_id=request.pk, consumer=request.consumer)

    plan(day)

    assert return_stops(day) == []
    job = ReturnPickup.objects.get(return_id=request.pk)
    assert job.status == ReturnPickupStatus.CANCELLED and job.cancelled_at is not None
    assert services.ReturnRequest.objects.get().status == ReturnStatus.CANCELLED


def test_cancelling_a_planned_return_takes_its_stops_off_the_route():
    day = tomorrow()
    make_courier(day, starts=13, ends=18)
    request = pickup_return(ShopFactory(), make_slot(make_zone(), day=day, start=14))
    plan(day)
    assert len(return_stops(day)) == 2

    services.cancel_return(return_id=request.pk, consumer=request.consumer)

    assert return_stops(day) == []


@pytest.fixture
def today_route(client):
    """Today's route of Fenna with a return pickup (hostile address) and its drop at the shop."""
    today = timezone.localdate()
    shop = ShopFactory()
    shop.partner.name = "Boekhandel Brink"
    shop.partner.save()
    job = return_pickups.create(
        return_id=4242,
        shop_id=shop.pk,
        slot=make_slot(make_zone(), day=today + timedelta(days=1)),
        address_line=HOSTILE,
        postcode="7411 AB",
        city="Deventer",
        phone="0570123456",
        latitude="52.2551",
        longitude="6.1599",
    )
    courier = make_courier(today, starts=8, ends=18, name="Fenna")
    route = Route.objects.create(courier=courier, date=today, planned_at=timezone.now())
    eta = timezone.localtime().replace(hour=10, minute=5, second=0, microsecond=0)
    door = RouteStop.objects.create(
        route=route, sequence=1, kind="pickup", return_pickup=job, eta=eta
    )
    drop = RouteStop.objects.create(
        route=route, sequence=2, kind="delivery", return_pickup=job, eta=eta + timedelta(minutes=15)
    )
    client.force_login(courier.user)
    return {"job": job, "door": door, "drop": drop, "client": client, "route": route}


def act(client, stop, action, **data):
    return client.post(f"/courier/stops/{stop.pk}/{action}/", data, follow=True)


def test_the_courier_page_shows_the_return_escaped_and_both_stops_are_marked_done(today_route):
    w, client = today_route, today_route["client"]
    page = client.get("/courier/").content.decode()
    assert "Return pickup:" in page and "→ Boekhandel Brink" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page

    # The drop before the pickup is refused and changes nothing.
    act(client, w["drop"], "delivered")
    w["drop"].refresh_from_db()
    assert w["drop"].status == StopStatus.PENDING

    assert "Return picked up." in act(client, w["door"], "picked-up").content.decode()
    w["job"].refresh_from_db()
    assert w["job"].status == ReturnPickupStatus.PICKED_UP and w["job"].picked_up_at

    assert "Return left at the shop." in act(client, w["drop"], "delivered").content.decode()
    w["job"].refresh_from_db()
    assert w["job"].status == ReturnPickupStatus.DROPPED and w["job"].dropped_at
    statuses = set(RouteStop.objects.filter(route=w["route"]).values_list("status", flat=True))
    assert statuses == {StopStatus.DONE}
    w["route"].refresh_from_db()
    assert w["route"].status == "done"


def test_a_failed_door_stop_fails_the_drop_too(today_route):
    w = today_route
    act(w["client"], w["door"], "failed", reason="Nobody home")
    for stop in (w["door"], w["drop"]):
        stop.refresh_from_db()
        assert stop.status == StopStatus.FAILED
    w["job"].refresh_from_db()
    assert w["job"].status == ReturnPickupStatus.OPEN


def test_another_courier_can_neither_see_nor_mark_the_return(today_route, client):
    other = make_courier(timezone.localdate(), starts=8, ends=18, name="Other")
    client.force_login(other.user)
    assert "Boekhandel Brink" not in client.get("/courier/").content.decode()
    assert client.get("/courier/").context["route"] is None
    for stop, action in ((today_route["door"], "picked-up"), (today_route["drop"], "delivered")):
        assert client.post(f"/courier/stops/{stop.pk}/{action}/").status_code == 404
    today_route["job"].refresh_from_db()
    assert today_route["job"].status == ReturnPickupStatus.OPEN


def test_replanning_after_the_door_keeps_the_drop_on_the_courier_carrying_the_goods():
    day = tomorrow()
    make_hub()
    make_courier(day, starts=13, ends=18, name="First")
    make_courier(day, starts=13, ends=18, name="Second")
    pickup_return(ShopFactory(), make_slot(make_zone(), day=day, start=14))
    plan(day)
    door, _drop = return_stops(day)
    carrier = door.route.courier
    return_pickups.close_stop(door)

    plan(day)

    door_again, drop = return_stops(day)
    assert door_again.pk == door.pk and door_again.status == StopStatus.DONE
    assert drop.kind == "delivery" and drop.route.courier == carrier
    assert drop.status == StopStatus.PENDING


def test_once_picked_up_the_consumer_sees_it_on_its_way_and_cannot_cancel(client):
    shop = ShopFactory()
    request = pickup_return(shop, make_slot(make_zone(), day=tomorrow(), start=14))
    job = ReturnPickup.objects.get(return_id=request.pk)
    page_url = f"/orders/{request.part.order.number}/parts/{request.part_id}/return/"
    client.force_login(request.part.order.user)
    assert "Cancel this return" in client.get(page_url).content.decode()

    # The courier's step (route_progress through close_stop) sets these two.
    ReturnPickup.objects.filter(pk=job.pk).update(
        status=ReturnPickupStatus.PICKED_UP, picked_up_at=timezone.now()
    )
    page = client.get(page_url).content.decode()
    assert "On its way to the shop" in page
    assert "Cancel this return" not in page
    with pytest.raises(services.ReturnRefused, match="picked it up"):
        services.cancel_return(return_id=request.pk, consumer=request.part.order.user)
    request.refresh_from_db()
    job.refresh_from_db()
    assert (request.status, job.status) == (ReturnStatus.REQUESTED, ReturnPickupStatus.PICKED_UP)


# --- Where the courier goes: the house from the address register ------------------------


def test_a_pickup_goes_to_the_house_the_register_places(register):  # noqa: F811
    shop = ShopFactory()
    request = pickup_return(shop, make_slot(make_zone(pc4s=("7411",))), address="walstraat 5 b")

    pickup = ReturnPickup.objects.get(return_id=request.pk)
    assert (pickup.latitude, pickup.longitude) == (Decimal("52.251400"), Decimal("6.163600"))
    assert pickup.location_approximate is False
    # The register's spelling replaces what was typed.
    assert (pickup.address_line, pickup.city, pickup.postcode) == (
        "Walstraat 5B",
        "Deventer",
        "7411 AB",
    )


def test_a_house_the_register_does_not_have_is_refused_on_the_address_and_books_nothing(register):  # noqa: F811
    shop = ShopFactory()
    slot = make_slot(make_zone(pc4s=("7411",)))

    with pytest.raises(services.ReturnRefused) as refused:
        pickup_return(shop, slot, address="Walstraat 5C")

    assert refused.value.field == "address_line"
    assert "5A, 5B" in str(refused.value)
    assert not ReturnPickup.objects.exists()
    slot.refresh_from_db()
    assert slot.booked == 0


def test_when_the_register_is_down_the_postcode_centre_is_used_and_marked(settings):
    settings.ADDRESS_LOOKUP_URL = closed_port_url()
    settings.ADDRESS_LOOKUP_TIMEOUT_SECONDS = 0.5
    shop = ShopFactory()
    request = pickup_return(shop, make_slot(make_zone(pc4s=("7411",))), address="Walstraat 3")

    pickup = ReturnPickup.objects.get(return_id=request.pk)
    assert (pickup.latitude, pickup.longitude) == AREA_CENTRE
    assert pickup.location_approximate is True


def test_a_street_without_a_number_is_refused_on_the_address():
    with pytest.raises(services.ReturnRefused) as refused:
        pickup_return(ShopFactory(), make_slot(make_zone(pc4s=("7411",))), address="Walstraat")
    assert refused.value.field == "address_line"
    assert not ReturnPickup.objects.exists()


def test_the_house_it_was_delivered_to_is_used_without_asking_the_register(register):  # noqa: F811
    shop = ShopFactory()
    part = received_part(shop, (make_offer(shop), 1))
    OrderPart.objects.filter(pk=part.pk).update(
        postcode="7411 AB",
        house_number="9",
        house_number_addition="",
        latitude=Decimal("52.250000"),
        longitude=Decimal("6.160000"),
        location_approximate=False,
    )
    [line] = lines_of(part)
    request = services.request_return(
        part_id=part.pk,
        consumer=part.order.user,
        chosen={line.pk: 1},
        method="pickup",
        pickup=services.Pickup(
            slot_id=make_slot(make_zone(pc4s=("7411",))).pk,
            address_line="Walstraat 9",
            postcode="7411ab",
            city="Deventer",
        ),
    )

    pickup = ReturnPickup.objects.get(return_id=request.pk)
    assert (pickup.latitude, pickup.longitude, pickup.location_approximate) == (
        Decimal("52.250000"),
        Decimal("6.160000"),
        False,
    )
    assert register.requests == [], "the register was not asked"
