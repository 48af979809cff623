"""Today in the demo city: live orders at the demo shops, the demo courier's route and shop
applications, made through the real services, once, at any hour of the day."""

import copy
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import (
    DeliverySlot,
    OrderPart,
    PartStatus,
    Route,
    RouteStop,
    StopKind,
)
from marketplace.commission.models import PartCommission
from marketplace.demo_city.generator import SIZES, generate_city
from marketplace.demo_city.today import add_today
from marketplace.management.commands.seed_demo_city import DEMO_LOGINS
from marketplace.models import DemoCitySeed
from marketplace.payments.models import Payment, PaymentStatus
from shops.models import Shop, ShopStatus
from tests.conftest import DEMO_SEED, DEMO_TODAY, client_for, seed_demo
from tests.conftest import clock_at as process_clock_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
User = get_user_model()
S = PartStatus
OPEN = [S.PLACED, S.ACCEPTED, S.READY]


def clock_at(hour: int, minute: int = 0):
    """The clock of this process moved to DEMO_TODAY at hour:minute, still ticking (Oscar's
    date_placed too: today's orders are found again by it)."""
    moment = datetime.combine(
        DEMO_TODAY, time(hour, minute), tzinfo=timezone.get_default_timezone()
    )
    return process_clock_at(moment)


@pytest.fixture(scope="module")
def city():
    centre = (settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE)
    return generate_city(SIZES["demo"], seed=DEMO_SEED, today=DEMO_TODAY, centre=centre)


def seed_again() -> None:
    """The seed command once more, as after an interruption (the city is not marked done)."""
    DemoCitySeed.objects.update(completed_at=None)
    seed_demo()


def todays_parts():
    midnight = datetime.combine(DEMO_TODAY, time(), tzinfo=timezone.get_default_timezone())
    return OrderPart.objects.filter(order__date_placed__gte=midnight).select_related(
        "shop", "slot", "order__user"
    )


def shop_of(role: str) -> Shop:
    return Shop.objects.get(partner__users__email=DEMO_LOGINS[role])


# Runs before `today` below: this test's own (rolled back) day starts without live work.
@override_settings(DEMO_CITY_TODAY=True)
def test_late_in_the_evening_deliveries_go_to_tomorrow_without_a_route(city):
    with clock_at(21, 30):
        add_today(city=city, logins=DEMO_LOGINS)
    parts = list(todays_parts())
    deliveries = [part for part in parts if part.method == "delivery"]
    assert deliveries and {part.slot.date for part in deliveries} == {DEMO_TODAY + timedelta(1)}
    assert {part.status for part in parts} == set(OPEN)
    assert not Route.objects.filter(date=DEMO_TODAY).exists()
    assert Shop.objects.filter(status=ShopStatus.APPLIED).count() == 2


@pytest.fixture(scope="module")
def today(demo_city, django_db_blocker):
    """The demo city seeded at 10:00 on its today, through the loader (history stays)."""
    with django_db_blocker.unblock(), override_settings(DEMO_CITY_TODAY=True), clock_at(10):
        seed_again()


@pytest.fixture(autouse=True)
def morning(request):
    if "today" not in request.fixturenames:
        yield
        return
    with clock_at(10, 30):
        yield


def test_owner_one_has_orders_to_accept_prepare_and_hand_over(today):
    parts = todays_parts().filter(shop=shop_of("shop owner 1"))
    statuses = defaultdict(list)
    for part in parts:
        statuses[part.status].append(part)
    assert statuses[S.PLACED] and statuses[S.ACCEPTED] and statuses[S.READY]
    assert all(part.method == "collect" for part in statuses[S.READY])
    page = client_for(User.objects.get(email=DEMO_LOGINS["shop owner 1"])).get("/shop/orders/")
    assert page.status_code == 200
    for part in parts:
        assert part.order.number in page.content.decode()


def test_owner_two_has_a_ready_delivery_in_todays_slot_and_one_to_accept(today):
    parts = todays_parts().filter(shop=shop_of("shop owner 2"))
    ready = [p for p in parts if p.status == S.READY and p.method == "delivery"]
    assert ready and all(p.slot.date == DEMO_TODAY for p in ready)
    assert any(p.status == S.PLACED for p in parts)
    page = client_for(User.objects.get(email=DEMO_LOGINS["shop owner 2"])).get("/shop/orders/")
    for part in parts:
        assert part.order.number in page.content.decode()


def test_the_demo_courier_rides_todays_route(today):
    route = Route.objects.get(courier__user__email=DEMO_LOGINS["courier"], date=DEMO_TODAY)
    stops = list(route.stops.order_by("sequence"))
    ready = todays_parts().filter(method="delivery", status=S.READY)
    assert {(s.kind, s.part_id) for s in stops} == {
        (kind, part.pk) for part in ready for kind in (StopKind.PICKUP, StopKind.DELIVERY)
    }
    page = client_for(User.objects.get(email=DEMO_LOGINS["courier"])).get("/courier/")
    html = page.content.decode()
    # Pickups in a row at one shop are one stop on the page (logistics.route_pages.rows_of).
    rows = page.context["rows"]
    assert html.count('class="route-stop') == len(rows) <= len(stops)
    assert sum(len(row.stops) for row in rows) == len(stops)
    assert all(f'id="stop-{row.stop.pk}"' in html for row in rows)
    assert all(part.order.number in html for part in ready)


def test_management_has_shop_applications_to_review(today):
    applied = Shop.objects.filter(status=ShopStatus.APPLIED)
    assert applied.count() == 2
    assert all(shop.application.contact_email for shop in applied)
    page = client_for(User.objects.get(email=DEMO_LOGINS["management"])).get("/management/shops/")
    for shop in applied:
        assert shop.partner.name in page.content.decode()


def test_the_consumer_follows_a_paid_order_across_both_shops(today):
    consumer = User.objects.get(email=DEMO_LOGINS["consumer"])
    order = Order.objects.get(
        pk=todays_parts().get(order__user=consumer, shop=shop_of("shop owner 1")).order_id
    )
    assert {p.shop for p in order.parts.all()} == {
        shop_of("shop owner 1"),
        shop_of("shop owner 2"),
    }
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert PartCommission.objects.filter(part__order=order).count() == 2
    browser = client_for(consumer)
    assert order.number in browser.get("/accounts/orders/").content.decode()
    assert browser.get(f"/orders/{order.number}/").status_code == 200


def test_open_parts_hold_their_stock_and_nothing_is_oversold(today):
    parts = list(todays_parts())
    assert parts and all(part.status in OPEN for part in parts)
    for part in parts:
        lines = part.order.lines.filter(partner_id=part.shop.partner_id)
        for line in lines:
            reservation = Reservation.objects.get(order_line=line)
            assert reservation.state == ReservationState.ACTIVE
            assert reservation.quantity == line.quantity
    touched = StockRecord.objects.filter(reservations__isnull=False).distinct()
    for record in touched:
        active = record.reservations.filter(state=ReservationState.ACTIVE)
        assert record.num_allocated == active.aggregate(n=Sum("quantity"))["n"]
        assert record.num_allocated <= record.num_in_stock
    slot_ids = {part.slot_id for part in parts if part.slot_id}
    for slot in DeliverySlot.objects.filter(pk__in=slot_ids):
        assert slot.booked == OrderPart.objects.filter(slot=slot).count() <= slot.capacity


def counts() -> dict[str, int]:
    return {
        "orders": Order.objects.count(),
        "parts": OrderPart.objects.count(),
        "reservations": Reservation.objects.count(),
        "payments": Payment.objects.count(),
        "routes": Route.objects.count(),
        "stops": RouteStop.objects.count(),
        "shops": Shop.objects.count(),
        "booked": DeliverySlot.objects.filter(date=DEMO_TODAY).aggregate(n=Sum("booked"))["n"],
    }


@override_settings(DEMO_CITY_TODAY=True)
def test_a_second_load_adds_nothing(today, city):
    before = counts()
    states = dict(todays_parts().values_list("pk", "status"))
    add_today(city=city, logins=DEMO_LOGINS)
    seed_again()
    assert counts() == before
    assert dict(todays_parts().values_list("pk", "status")) == states


def test_nothing_happens_today_in_a_city_anchored_on_another_day(city):
    yesterdays = copy.copy(city)
    yesterdays.today = DEMO_TODAY - timedelta(days=1)
    before = counts()
    with override_settings(DEMO_CITY_TODAY=True), clock_at(10):
        add_today(city=yesterdays, logins=DEMO_LOGINS)
    assert counts() == before
