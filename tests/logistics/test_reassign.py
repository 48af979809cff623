"""Centre management moves stops to another courier, and follows the routes' progress live.

The day is tomorrow with the clock set on it; Fenna's route is written directly: pickups of
two parts at 10:00, their deliveries at 10:20 and 10:40.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from logistics import dispatch, reassign
from logistics.management_views import against_eta
from logistics.models import (
    Courier,
    CourierShift,
    OrderPart,
    Route,
    RouteStatus,
    RouteStop,
    StopStatus,
    UnplannedPart,
)
from logistics.part_states import hand_over
from tests.conftest import set_clock
from tests.factories import ShopFactory, UserFactory, make_slot, make_zone
from tests.logistics.test_dispatch import FAST, at, delivery_part, make_courier

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch, client):
    day = timezone.localdate() + timedelta(days=1)
    set_clock(monkeypatch, at(day, 7))  # before the 10:00 slot closes at 08:00
    shop = ShopFactory()
    slot = make_slot(make_zone(), day=day, start=10)
    first, second = delivery_part(shop, slot), delivery_part(shop, slot)
    fenna = make_courier(day, starts=8, ends=18, name="Fenna")
    bram = make_courier(day, starts=8, ends=18, name="Bram")
    route = Route.objects.create(courier=fenna, date=day, planned_at=timezone.now())
    stops = {}
    for sequence, (kind, part, hour, minute) in enumerate(
        [
            ("pickup", first, 10, 0),
            ("pickup", second, 10, 0),
            ("delivery", first, 10, 20),
            ("delivery", second, 10, 40),
        ],
        start=1,
    ):
        stops[(kind, part.pk)] = RouteStop.objects.create(
            route=route, sequence=sequence, kind=kind, part=part, eta=at(day, hour, minute)
        )
    client.force_login(UserFactory(is_staff=True))
    return {
        "day": day,
        "shop": shop,
        "first": first,
        "second": second,
        "fenna": fenna,
        "bram": bram,
        "route": route,
        "stops": stops,
        "client": client,
        "monkeypatch": monkeypatch,
    }


def stops_of(courier):
    return list(
        RouteStop.objects.filter(route__courier=courier)
        .order_by("sequence")
        .values_list("sequence", "kind", "part_id", "status")
    )


def move_stop(w, stop, courier):
    return w["client"].post(
        f"/management/routes/stops/{stop.pk}/move/", {"courier": courier.pk}, follow=True
    )


def pick_up(w, part, *, hour=10, minute=0):
    set_clock(w["monkeypatch"], at(w["day"], hour, minute))
    hand_over(part_id=part.pk, shop_id=w["shop"].pk, code=part.pickup_code)


def test_moving_a_delivery_takes_its_pickup_along(world):
    w = world
    first, second = w["first"], w["second"]

    page = move_stop(w, w["stops"][("delivery", first.pk)], w["bram"])

    assert "2 stops moved to Bram." in page.content.decode()
    assert stops_of(w["bram"]) == [
        (1, "pickup", first.pk, StopStatus.PENDING),
        (2, "delivery", first.pk, StopStatus.PENDING),
    ]
    assert stops_of(w["fenna"]) == [
        (2, "pickup", second.pk, StopStatus.PENDING),
        (4, "delivery", second.pk, StopStatus.PENDING),
    ]
    bram_route = Route.objects.get(courier=w["bram"])
    assert (bram_route.date, bram_route.status) == (w["day"], RouteStatus.PLANNED)


def test_a_picked_up_part_cannot_leave_its_courier(world):
    w = world
    first = w["first"]
    pick_up(w, first)
    before = stops_of(w["fenna"])

    page = move_stop(w, w["stops"][("delivery", first.pk)], w["bram"])

    assert "already picked up; it stays with the courier carrying it" in page.content.decode()
    assert stops_of(w["fenna"]) == before
    assert not Route.objects.filter(courier=w["bram"]).exists()
    done = move_stop(w, w["stops"][("pickup", first.pk)], w["bram"])
    assert "already closed or moved" in done.content.decode()
    assert stops_of(w["fenna"]) == before


def test_moving_a_route_moves_what_is_left_except_parts_on_board(world):
    w = world
    first, second = w["first"], w["second"]
    pick_up(w, first)

    page = w["client"].post(
        f"/management/routes/{w['route'].pk}/move/", {"courier": w["bram"].pk}, follow=True
    )

    html = page.content.decode()
    assert "2 stops moved to Bram." in html
    assert "1 stop stays: its part is already picked up." in html
    assert stops_of(w["bram"]) == [
        (1, "pickup", second.pk, StopStatus.PENDING),
        (2, "delivery", second.pk, StopStatus.PENDING),
    ]
    assert stops_of(w["fenna"]) == [
        (1, "pickup", first.pk, StopStatus.DONE),
        (3, "delivery", first.pk, StopStatus.PENDING),
    ]
    again = w["client"].post(
        f"/management/routes/{w['route'].pk}/move/", {"courier": w["bram"].pk}, follow=True
    )
    assert "This route has no stops left that can move." in again.content.decode()


def test_moves_to_no_or_the_same_courier_are_refused_and_strangers_kept_out(world, client):
    w = world
    stop = w["stops"][("pickup", w["first"].pk)]
    before = stops_of(w["fenna"])
    Courier.objects.filter(pk=w["bram"].pk).update(is_active=False)
    assert "Choose an active courier." in move_stop(w, stop, w["bram"]).content.decode()
    assert "already on this courier" in move_stop(w, stop, w["fenna"]).content.decode()
    with pytest.raises(reassign.ReassignRefused):
        reassign.move_stop(stop_id=stop.pk, courier_id=w["bram"].pk)
    assert w["client"].post(
        "/management/routes/stops/999999/move/", {"courier": 1}
    ).status_code == (404)
    client.force_login(UserFactory())
    url = f"/management/routes/stops/{stop.pk}/move/"
    assert client.post(url, {"courier": w["bram"].pk}).status_code == 403
    assert client.get("/management/routes/progress/").status_code == 403
    assert stops_of(w["fenna"]) == before


def test_progress_figures_follow_the_route_without_a_reload(world):
    w = world
    page = w["client"].get("/management/routes/")
    html = page.content.decode()
    assert f'data-route="{w["route"].pk}"' in html
    assert "logistics/route_progress.js" in html
    assert "/management/routes/progress/" in html

    pick_up(w, w["first"], hour=10, minute=12)  # 12 minutes after its ETA of 10:00
    progress = w["client"].get("/management/routes/progress/").json()

    assert progress["routes"] == [
        {
            "route": w["route"].pk,
            "status": "In progress",
            "done": "1 / 4",
            "last_done_at": "10:12",
            "against_eta": "12 minutes late",
        }
    ]
    pick_up(w, w["second"], hour=10, minute=15)
    assert w["client"].get("/management/routes/progress/").json()["routes"][0]["against_eta"] == (
        "15 minutes late"
    )


def test_against_eta_reads_late_early_and_on_time():
    assert [against_eta(minutes) for minutes in (1, -3, 0, None)] == [
        "1 minute late",
        "3 minutes early",
        "on time",
        "–",
    ]


def test_a_moved_part_stays_with_its_new_courier_when_the_planner_runs_again(world):
    w = world
    move_stop(w, w["stops"][("delivery", w["first"].pk)], w["bram"])
    assert OrderPart.objects.get(pk=w["first"].pk).pinned_courier == w["bram"]
    for _ in range(2):  # the beat's next runs, with both couriers free to take it
        dispatch.plan_day(day=w["day"], now=at(w["day"], 7), time_limit=FAST)
        couriers = set(
            RouteStop.objects.filter(part=w["first"]).values_list("route__courier", flat=True)
        )
        assert couriers == {w["bram"].pk}


def test_a_part_given_to_a_courier_off_shift_is_named_not_planned(world):
    w = world
    move_stop(w, w["stops"][("delivery", w["first"].pk)], w["bram"])
    CourierShift.objects.filter(courier=w["bram"]).delete()
    summary = dispatch.plan_day(day=w["day"], now=at(w["day"], 7), time_limit=FAST)
    assert summary.unplanned == 1
    assert UnplannedPart.objects.get().part_id == w["first"].pk
    page = w["client"].get("/management/routes/").content.decode()
    assert "Given by hand to a courier who is not on shift" in page
