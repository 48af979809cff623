"""The courier app and centre management's route page, through the views.

Routes for the courier page are written directly (today, a pickup then a delivery), so the
tests do not depend on the clock; the planner is tested in test_dispatch.py.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from inventory_sync.models import Reservation, ReservationState
from logistics.models import (
    OrderPart,
    PartStatus,
    Route,
    RouteStatus,
    RouteStop,
    StopStatus,
    UnplannedPart,
)
from tests.conftest import set_clock
from tests.factories import ShopFactory, UserFactory, make_slot, make_zone, shop_code
from tests.logistics.test_dispatch import at, delivery_part, make_courier, make_hub, tomorrow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    today = timezone.localdate()
    shop = ShopFactory(email="winkel@stadsmarkt.test")
    part = delivery_part(shop, make_slot(make_zone(), day=tomorrow()))
    courier = make_courier(today, starts=8, ends=18, name="Fenna")
    route = Route.objects.create(courier=courier, date=today, planned_at=timezone.now())
    eta = timezone.localtime().replace(hour=10, minute=5, second=0, microsecond=0)
    pickup = RouteStop.objects.create(route=route, sequence=1, kind="pickup", part=part, eta=eta)
    delivery = RouteStop.objects.create(
        route=route, sequence=2, kind="delivery", part=part, eta=eta + timedelta(minutes=20)
    )
    client.force_login(courier.user)
    mail.outbox.clear()
    return {
        "part": part,
        "courier": courier,
        "route": route,
        "pickup": pickup,
        "delivery": delivery,
        "shop": shop,
        "client": client,
    }


def act(client, stop, action, **data):
    return client.post(f"/courier/stops/{stop.pk}/{action}/", data, follow=True)


def reservation_states(part):
    return set(
        Reservation.objects.filter(order_line__order_id=part.order_id).values_list(
            "state", flat=True
        )
    )


def test_the_courier_sees_todays_stops_in_order_with_eta_navigation_and_map(world):
    page = world["client"].get("/courier/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(row.stop.kind, row.stop.sequence) for row in rows] == [
        ("pickup", 1),
        ("delivery", 2),
    ]
    shop, part = world["shop"], world["part"]
    assert [row.name for row in rows] == [shop.partner.name, part.recipient_name]
    assert [row.eta for row in rows] == ["10:05", "10:25"]
    html = page.content.decode()
    assert 'href="geo:52.255100,6.159900?q=52.255100,6.159900(' in html
    assert "https://" not in rows[0].geo_uri
    assert "Walstraat 3, 7411 AB Deventer" in html
    assert [len(route["stops"]) for route in page.context["map_routes"]] == [2]
    assert "vendor/leaflet/leaflet.js" in html and "routes-map-data" in html


def test_picked_up_with_the_shops_code_consumes_the_reservation(world):
    part, pickup = world["part"], world["pickup"]
    assert reservation_states(part) == {ReservationState.ACTIVE}
    act(world["client"], pickup, "picked-up", code=shop_code(pickup))

    part.refresh_from_db()
    pickup.refresh_from_db()
    assert part.status == PartStatus.HANDED_OVER
    assert reservation_states(part) == {ReservationState.CONSUMED}
    assert pickup.status == StopStatus.DONE and pickup.done_at is not None
    assert Route.objects.get().status == RouteStatus.IN_PROGRESS


def test_a_wrong_pickup_code_changes_nothing_and_says_so(world):
    part, pickup = world["part"], world["pickup"]
    page = act(world["client"], pickup, "picked-up", code="WRONG1")
    html = page.content.decode()
    # Said in the card of the stop the courier acted on, not at the top of the page.
    card = html[
        html.index(f'id="stop-{pickup.pk}"') : html.index(f'id="stop-{world["delivery"].pk}"')
    ]
    assert "That is not this shop&#x27;s hand-over code." in card
    assert "hand-over code" not in html[: html.index(f'id="stop-{pickup.pk}"')]
    part.refresh_from_db()
    pickup.refresh_from_db()
    assert part.status == PartStatus.READY
    assert reservation_states(part) == {ReservationState.ACTIVE}
    assert pickup.status == StopStatus.PENDING
    assert Route.objects.get().status == RouteStatus.PLANNED


def test_delivered_with_the_consumers_code_and_the_consumer_is_told(
    world, django_capture_on_commit_callbacks
):
    part, client = world["part"], world["client"]
    act(client, world["pickup"], "picked-up", code=shop_code(world["pickup"]))
    page = act(client, world["delivery"], "delivered", code="000000")
    assert "That code is not right" in page.content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        act(client, world["delivery"], "delivered", code=part.delivery_code)
    part.refresh_from_db()
    assert part.status == PartStatus.DELIVERED
    assert RouteStop.objects.get(pk=world["delivery"].pk).status == StopStatus.DONE
    assert Route.objects.get().status == RouteStatus.DONE
    assert [message.to for message in mail.outbox] == [[part.order.user.email]]
    assert "bezorgd / delivered" in mail.outbox[0].subject


def test_delivering_before_the_pickup_is_refused(world):
    part = world["part"]
    act(world["client"], world["delivery"], "delivered", code=part.delivery_code)
    part.refresh_from_db()
    assert part.status == PartStatus.READY
    assert RouteStop.objects.get(pk=world["delivery"].pk).status == StopStatus.PENDING


def test_failed_with_a_reason_tells_the_consumer_and_the_shop(
    world, django_capture_on_commit_callbacks
):
    part, client = world["part"], world["client"]
    act(client, world["pickup"], "picked-up", code=shop_code(world["pickup"]))
    mail.outbox.clear()
    page = act(client, world["delivery"], "failed", reason="")
    assert "Say why the stop failed." in page.content.decode()
    assert RouteStop.objects.get(pk=world["delivery"].pk).status == StopStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        act(client, world["delivery"], "failed", reason="Nobody home")
    stop = RouteStop.objects.get(pk=world["delivery"].pk)
    assert (stop.status, stop.failure_reason) == (StopStatus.FAILED, "Nobody home")
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.HANDED_OVER
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [part.order.user.email, "winkel@stadsmarkt.test"]
    )
    assert all("Nobody home" in message.body for message in mail.outbox)
    # The consumer is sent to their order page to rebook.
    to_consumer = next(m for m in mail.outbox if m.to == [part.order.user.email])
    assert f"/orders/{part.order.number}/" in to_consumer.body


def test_another_courier_gets_404_for_every_stop_and_sees_no_route(world, client):
    other = make_courier(timezone.localdate(), starts=8, ends=18, name="Other")
    client.force_login(other.user)
    part = world["part"]
    for stop in (world["pickup"], world["delivery"]):
        for action, data in (
            ("picked-up", {"code": shop_code(world["pickup"])}),
            ("delivered", {"code": part.delivery_code}),
            ("failed", {"reason": "x"}),
        ):
            assert client.post(f"/courier/stops/{stop.pk}/{action}/", data).status_code == 404
            assert client.get(f"/courier/stops/{stop.pk}/{action}/").status_code == 404
    assert client.get("/courier/").context["route"] is None
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.READY
    assert not RouteStop.objects.exclude(status=StopStatus.PENDING).exists()


def test_non_couriers_get_403_and_visitors_sign_in(world, client):
    client.force_login(UserFactory())
    assert client.get("/courier/").status_code == 403
    stop = world["pickup"]
    assert client.post(f"/courier/stops/{stop.pk}/picked-up/", {"code": "x"}).status_code == 403
    client.logout()
    assert client.get("/courier/").status_code == 302


def test_management_plan_now_creates_routes_and_lists_unplanned(client, monkeypatch):
    day = tomorrow()
    make_hub()
    zone = make_zone()
    courier = make_courier(day, starts=8, ends=18)
    shop = ShopFactory()
    planned = delivery_part(shop, make_slot(zone, day=day, start=10))
    evening = delivery_part(shop, make_slot(zone, day=day, start=19))

    client.force_login(UserFactory())
    assert client.get("/management/routes/").status_code == 403
    assert client.post("/management/routes/plan/").status_code == 403
    assert not Route.objects.exists()

    client.force_login(UserFactory(is_staff=True))
    set_clock(monkeypatch, at(day, 8))
    page = client.post("/management/routes/plan/", follow=True)

    route = Route.objects.get()
    assert (route.courier, route.date) == (courier, day)
    assert set(route.stops.values_list("part_id", flat=True)) == {planned.pk}
    assert UnplannedPart.objects.get().part_id == evening.pk
    assert page.context["overview"][0]["total"] == 2
    html = page.content.decode()
    assert "Planned 1 part on 1 route; 1 not planned." in html
    assert "Outside every courier&#x27;s shift" in html
    assert len(page.context["map_routes"][0]["stops"]) == 2
