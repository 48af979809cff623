"""The pickup hand-over: the shop's page shows the code, the courier types or scans it, and
several parts at one shop leave in one hand-over. Re-planning is told to the courier."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from inventory_sync.models import ReservationState
from logistics.models import OrderPart, PartStatus, Route, RouteStop, StopStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, make_owner, make_slot, make_zone
from tests.logistics.test_courier_app import reservation_states
from tests.logistics.test_dispatch import delivery_part, make_courier, tomorrow

pytestmark = pytest.mark.django_db
CODE = re.compile(r'class="handover-code[^"]*"[^>]*>\s*([A-Z0-9]{6})\s*<')


@pytest.fixture
def two_at_one_shop():
    """Two ready parts of one shop and one of another, on one courier's route today."""
    today = timezone.localdate()
    zone = make_zone()
    cheese, books = ShopFactory(), ShopFactory()
    parts = [
        delivery_part(cheese, make_slot(zone, day=tomorrow(), start=start)) for start in (10, 12)
    ]
    other = delivery_part(books, make_slot(zone, day=tomorrow(), start=14))
    courier = make_courier(today, starts=8, ends=18, name="Fenna")
    route = Route.objects.create(courier=courier, date=today, planned_at=timezone.now())
    eta = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    kinds = [("pickup", parts[0]), ("pickup", parts[1]), ("pickup", other)]
    kinds += [("delivery", part) for part in (*parts, other)]
    stops = [
        RouteStop.objects.create(route=route, sequence=number * 2, kind=kind, part=part, eta=eta)
        for number, (kind, part) in enumerate(kinds, start=1)
    ]
    return {
        "parts": parts,
        "other": other,
        "stops": stops,
        "route": route,
        "courier": client_for(courier.user),
        "cheese": client_for(make_owner(cheese)),
        "books": client_for(make_owner(books)),
    }


def shown_code(shop_client, part) -> str:
    """The code as the shop's part page shows it."""
    page = shop_client.get(f"/shop/orders/{part.pk}/").content.decode()
    found = CODE.findall(page)
    assert len(found) == 1, page
    return found[0]


def test_two_parts_at_one_shop_are_one_stop_with_one_hand_over(two_at_one_shop):
    w = two_at_one_shop
    page = w["courier"].get("/courier/")
    rows = page.context["rows"]
    # Numbered as listed, although the stored sequence runs 2, 4, 6, ...
    assert [row.number for row in rows] == [1, 2, 3, 4, 5]
    assert [len(row.stops) for row in rows] == [2, 1, 1, 1, 1]
    assert rows[0].orders == [part.order.number for part in w["parts"]]

    code = shown_code(w["cheese"], w["parts"][0])
    assert shown_code(w["cheese"], w["parts"][1]) == code
    assert shown_code(w["books"], w["other"]) != code
    w["courier"].post(f"/courier/stops/{rows[0].stop.pk}/picked-up/", {"code": code.lower()})

    for part in w["parts"]:
        part.refresh_from_db()
        assert part.status == PartStatus.HANDED_OVER
        assert reservation_states(part) == {ReservationState.CONSUMED}
    assert OrderPart.objects.get(pk=w["other"].pk).status == PartStatus.READY
    done = RouteStop.objects.filter(status=StopStatus.DONE)
    assert set(done.values_list("pk", flat=True)) == {w["stops"][0].pk, w["stops"][1].pk}


def test_another_shops_code_is_refused_and_counts_against_the_parts(two_at_one_shop):
    w = two_at_one_shop
    wrong = shown_code(w["books"], w["other"])
    first = w["stops"][0]
    page = w["courier"].post(f"/courier/stops/{first.pk}/picked-up/", {"code": wrong}, follow=True)
    assert "hand-over code" in page.content.decode()
    assert set(OrderPart.objects.values_list("status", flat=True)) == {PartStatus.READY}
    attempts = OrderPart.objects.filter(pk__in=[p.pk for p in w["parts"]])
    assert set(attempts.values_list("failed_code_attempts", flat=True)) == {1}

    attempts.update(failed_code_attempts=10)
    right = shown_code(w["cheese"], w["parts"][0])
    page = w["courier"].post(f"/courier/stops/{first.pk}/picked-up/", {"code": right}, follow=True)
    assert "Too many wrong codes" in page.content.decode()
    assert set(OrderPart.objects.values_list("status", flat=True)) == {PartStatus.READY}


def test_the_qr_code_opens_the_courier_app_on_the_code(two_at_one_shop):
    w = two_at_one_shop
    route = w["route"]
    qr = w["cheese"].get(f"/shop/handovers/{route.pk}/qr.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")
    # A shop with no pickup on that route sees nothing of it.
    assert (
        client_for(make_owner(ShopFactory())).get(f"/shop/handovers/{route.pk}/qr.png").status_code
        == 404
    )

    code = shown_code(w["cheese"], w["parts"][0])
    confirm = w["courier"].get(f"/courier/pickup/{code}/")
    assert confirm.status_code == 200 and code in confirm.content.decode()
    assert set(OrderPart.objects.values_list("status", flat=True)) == {PartStatus.READY}
    w["courier"].post(f"/courier/pickup/{code}/")
    statuses = dict(OrderPart.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in w["parts"]] == [PartStatus.HANDED_OVER] * 2
    assert statuses[w["other"].pk] == PartStatus.READY

    refused = w["courier"].post("/courier/pickup/AAAAAA/")
    assert refused.status_code == 400
    assert "not for a pickup on your route" in refused.content.decode()


def test_a_part_not_yet_ready_stays_on_the_route(two_at_one_shop):
    w = two_at_one_shop
    late = w["parts"][1]
    OrderPart.objects.filter(pk=late.pk).update(status=PartStatus.ACCEPTED)
    code = shown_code(w["cheese"], w["parts"][0])
    page = w["courier"].post(
        f"/courier/stops/{w['stops'][0].pk}/picked-up/", {"code": code}, follow=True
    )
    assert "not ready yet" in page.content.decode()
    assert OrderPart.objects.get(pk=late.pk).status == PartStatus.ACCEPTED
    assert RouteStop.objects.get(pk=w["stops"][1].pk).status == StopStatus.PENDING


def test_the_shop_sees_no_code_before_a_courier_is_planned(two_at_one_shop):
    w = two_at_one_shop
    RouteStop.objects.filter(part=w["other"]).delete()
    page = w["books"].get(f"/shop/orders/{w['other'].pk}/").content.decode()
    assert not CODE.findall(page) and "No courier is planned" in page


def test_the_courier_is_told_what_re_planning_changed(two_at_one_shop):
    w = two_at_one_shop
    assert w["courier"].get("/courier/").context["changes"] == []  # first look
    # Re-planning moves the books part to another courier and adds a new part.
    RouteStop.objects.filter(part=w["other"]).delete()
    extra = delivery_part(ShopFactory(), make_slot(make_zone(pc4s=("7413",)), day=tomorrow()))
    eta = timezone.now() + timedelta(hours=1)
    RouteStop.objects.create(route=w["route"], sequence=40, kind="pickup", part=extra, eta=eta)

    page = w["courier"].get("/courier/")
    changes = {(c.added, c.kind, c.order) for c in page.context["changes"]}
    assert changes == {
        (True, "pickup", extra.order.number),
        (False, "pickup", w["other"].order.number),
        (False, "delivery", w["other"].order.number),
    }
    assert "No longer yours" in page.content.decode()
    # Said once: the next look has nothing new.
    assert w["courier"].get("/courier/").context["changes"] == []
