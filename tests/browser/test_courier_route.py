"""Issue 7: a courier completes a route with one pickup and one delivery, in a browser.

The data is made with the real services: an order placed and paid, the part accepted and
made ready by the shop, and the day planned by the dispatcher (VROOM). The day is tomorrow
(the slot must still be bookable when the order is placed), so once everything is in place
the clock moves to 09:00 that day: the courier page shows "today's" route.
"""

import re
from datetime import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from oscar.core.loading import get_model
from playwright.sync_api import expect

from inventory_sync.models import Reservation, ReservationState
from logistics.models import (
    OrderPart,
    PartStatus,
    Route,
    RouteStatus,
    RouteStop,
    StopKind,
    StopStatus,
)
from tests.browser.conftest import shot
from tests.conftest import set_clock
from tests.factories import ShopFactory, make_owner, make_slot, make_zone
from tests.logistics.test_dispatch import at, delivery_part, make_courier, make_hub, plan, tomorrow

pytestmark = pytest.mark.django_db(transaction=True)
StockRecord = get_model("partner", "StockRecord")
PASSWORD = "secret-pass-1"  # tests.factories.UserFactory's


def dutch(message) -> str:
    """`message` (a msgid or a lazy label) as the nl-NL browser sees it."""
    with translation.override("nl"):
        return gettext(message) if isinstance(message, str) else str(message)


@pytest.fixture
def planned_day(monkeypatch):
    day = tomorrow()
    make_hub()
    shop = ShopFactory()
    part = delivery_part(shop, make_slot(make_zone(), day=day, start=10))
    courier = make_courier(day, starts=8, ends=18, name="Fenna")
    summary = plan(day)
    route = Route.objects.get(courier=courier, date=day)
    stops = list(route.stops.order_by("sequence"))
    assert [(stop.kind, stop.part_id) for stop in stops] == [
        ("pickup", part.pk),
        ("delivery", part.pk),
    ], summary

    # From here the process (and so the live server thread) lives at 09:00 on `day`.
    set_clock(monkeypatch, at(day, 9), ticking=True)
    assert timezone.localdate() == day
    return {"shop": shop, "part": part, "courier": courier, "route": route, "stops": stops}


def picked_up_one() -> str:
    with translation.override("nl"):
        return ngettext("Picked up %(count)d part.", "Picked up %(count)d parts.", 1) % {"count": 1}


def progress(closed, total) -> str:
    return dutch("%(closed)s of %(total)s stops done") % {"closed": closed, "total": total}


def reservation_states(part):
    return set(
        Reservation.objects.filter(order_line__order_id=part.order_id).values_list(
            "state", flat=True
        )
    )


def stock_of(shop):
    record = StockRecord.objects.get(partner=shop.partner)
    return record.num_in_stock, record.num_allocated


def submit(page, stop, field, code):
    form = page.locator(f"#stop-{stop.pk} form").filter(has=page.locator(f"#{field}-{stop.pk}"))
    form.locator(f"#{field}-{stop.pk}").fill(code)
    with page.expect_navigation():
        form.locator("button").click()


def shown(person, live_server, user, path: str, selector: str) -> str:
    """What `user` sees in `selector` on `path` on a phone, in its first screen: the codes
    people read to each other."""
    their_page = person(user, path)
    their_page.goto(f"{live_server.url}{path}")
    expect(their_page.locator(selector)).to_be_in_viewport()
    shot(their_page, selector.strip(".#"))
    return their_page.locator(selector).inner_text().strip()


def test_a_courier_picks_up_and_delivers_their_route(
    page, person, live_server, planned_day, mailoutbox
):
    shop, part, courier = planned_day["shop"], planned_day["part"], planned_day["courier"]
    # The shop's page shows the courier's hand-over code; the consumer's the door code.
    handover_code = shown(
        person, live_server, make_owner(shop), f"/shop/orders/{part.pk}/", ".handover-code"
    )
    door_code = shown(
        person, live_server, part.order.user, f"/orders/{part.order.number}/", ".delivery-code"
    )
    pickup, delivery = planned_day["stops"]
    quantity = sum(part.order.lines.values_list("quantity", flat=True))
    on_hand, allocated = stock_of(shop)
    assert allocated == quantity and reservation_states(part) == {ReservationState.ACTIVE}

    # Sign in through the real login page; it sends the courier on to their route.
    page.goto(f"{live_server.url}/accounts/login/?next=/courier/")
    shot(page, "login")
    page.fill("#id_login-username", courier.user.email)
    page.fill("#id_login-password", PASSWORD)
    with page.expect_navigation():
        page.click("button[name=login_submit]")
    expect(page).to_have_url(re.compile(r"/courier/$"))

    # The map is drawn by Leaflet (served locally) and the stops are listed in order.
    expect(page.locator(".routes-map.leaflet-container")).to_be_visible()
    expect(page.locator(".routes-map .leaflet-marker-icon, .routes-map path")).not_to_have_count(0)
    # Without a tile server the map still has a base: the zone, a grid, a scale, numbers.
    expect(page.locator(".routes-map .route-stop-number")).to_have_count(2)
    expect(page.locator(".routes-map .leaflet-control-scale")).to_be_visible()
    assert page.locator(".routes-map path").count() > 40
    rows = page.locator("li.route-stop")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("id", f"stop-{pickup.pk}")
    expect(rows.nth(0)).to_contain_text(f"1. {dutch(StopKind.PICKUP.label)}: {shop.partner.name}")
    expect(rows.nth(1)).to_have_attribute("id", f"stop-{delivery.pk}")
    expect(rows.nth(1)).to_contain_text(
        f"2. {dutch(StopKind.DELIVERY.label)}: {part.recipient_name}"
    )
    expect(page.locator(".route-progress")).to_have_text(progress(0, 2))
    shot(page, "route")

    # A wrong pickup code says so in the stop's card, on screen, and changes nothing.
    submit(page, pickup, "pickup", "WRONG1")
    said = page.locator(f"#stop-{pickup.pk} .stop-message")
    expect(said).to_contain_text(dutch("That is not this shop's hand-over code."))
    expect(said).to_be_in_viewport()
    shot(page, "wrong-pickup-code")
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.READY
    assert RouteStop.objects.get(pk=pickup.pk).status == StopStatus.PENDING
    assert reservation_states(part) == {ReservationState.ACTIVE}
    assert stock_of(shop) == (on_hand, allocated)
    assert Route.objects.get(pk=planned_day["route"].pk).status == RouteStatus.PLANNED

    # The shop's pickup code: picked up, and the reservation is consumed.
    submit(page, pickup, "pickup", handover_code)
    expect(page.locator(f"#stop-{pickup.pk} .stop-message")).to_contain_text(picked_up_one())
    expect(page.locator(f"#stop-{pickup.pk}")).to_have_class(re.compile(r"\bis-closed\b"))
    expect(page.locator(f"#pickup-{pickup.pk}")).to_have_count(0)
    shot(page, "picked-up")
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.HANDED_OVER
    assert reservation_states(part) == {ReservationState.CONSUMED}
    assert stock_of(shop) == (on_hand - quantity, 0)
    assert Route.objects.get(pk=planned_day["route"].pk).status == RouteStatus.IN_PROGRESS

    # The consumer's code at the door: delivered, the route is done, the consumer is told.
    mailoutbox.clear()
    submit(page, delivery, "delivery", door_code)
    expect(page.locator("body")).to_contain_text(dutch("Delivered."))
    expect(page.locator("li.route-stop.is-closed")).to_have_count(2)
    expect(page.locator(".route-progress")).to_have_text(progress(2, 2))
    shot(page, "delivered")

    delivered = OrderPart.objects.get(pk=part.pk)
    assert delivered.status == PartStatus.DELIVERED
    assert set(
        RouteStop.objects.filter(route=planned_day["route"]).values_list("status", flat=True)
    ) == {StopStatus.DONE}
    assert Route.objects.get(pk=planned_day["route"].pk).status == RouteStatus.DONE
    assert [message.to for message in mailoutbox] == [[part.order.user.email]]
    assert "bezorgd / delivered" in mailoutbox[0].subject
    assert isinstance(RouteStop.objects.get(pk=delivery.pk).done_at, datetime)
