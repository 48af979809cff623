"""Issue 19 item 4, the server's side: a stop action sent again under the same key (the
courier app's offline queue after a lost answer) acts once; the app's manifest and service
worker. The browser side is tests/browser/test_courier_offline.py."""

import json
import threading
import uuid
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from inventory_sync.models import Reservation, ReservationState
from logistics.models import (
    CourierAction,
    OrderPart,
    PartStatus,
    Route,
    RouteStop,
    StopStatus,
)
from tests.conftest import client_for
from tests.factories import ShopFactory, make_slot, make_zone, shop_code
from tests.logistics.test_dispatch import delivery_part, make_courier, tomorrow

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def make_day():
    today = timezone.localdate()
    shop = ShopFactory()
    part = delivery_part(shop, make_slot(make_zone(), day=tomorrow()))
    courier = make_courier(today, starts=8, ends=18, name="Fenna")
    route = Route.objects.create(courier=courier, date=today, planned_at=timezone.now())
    eta = timezone.now()
    pickup = RouteStop.objects.create(route=route, sequence=1, kind="pickup", part=part, eta=eta)
    RouteStop.objects.create(
        route=route, sequence=2, kind="delivery", part=part, eta=eta + timedelta(minutes=9)
    )
    return {"part": part, "courier": courier, "pickup": pickup}


@pytest.fixture
def day():
    return make_day()


def send(browser, stop, action, key, **data):
    return browser.post(f"/courier/stops/{stop.pk}/{action}/", {"action_key": key, **data}, **JSON)


def consumed(part) -> set:
    return set(
        Reservation.objects.filter(order_line__order_id=part.order_id).values_list(
            "state", flat=True
        )
    )


def test_the_same_key_twice_acts_once_and_answers_the_same(
    day, django_capture_on_commit_callbacks, mailoutbox
):
    part, pickup = day["part"], day["pickup"]
    phone, key = client_for(day["courier"].user), str(uuid.uuid4())

    with django_capture_on_commit_callbacks(execute=True):
        first = send(phone, pickup, "picked-up", key, code=shop_code(pickup))
    assert first.status_code == 200
    assert first.json() == {
        "ok": True,
        "message": first.json()["message"],
        "replayed": False,
        "stop": pickup.pk,
        "stop_status": "done",
    }
    assert first.json()["message"].startswith("Picked up")
    handed_over_at = OrderPart.objects.get(pk=part.pk).handed_over_at
    sent = len(mailoutbox)

    # The answer was lost; the queue sends it again.
    with django_capture_on_commit_callbacks(execute=True):
        again = send(phone, pickup, "picked-up", key, code=shop_code(pickup))
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}

    part = OrderPart.objects.get(pk=part.pk)
    assert (part.status, part.handed_over_at) == (PartStatus.HANDED_OVER, handed_over_at)
    assert consumed(part) == {ReservationState.CONSUMED}
    assert len(mailoutbox) == sent
    action = CourierAction.objects.get()
    assert (action.key, action.courier, action.stop_id, action.action, action.ok) == (
        key,
        day["courier"],
        pickup.pk,
        "picked-up",
        True,
    )


def test_a_refusal_is_answered_again_without_counting_the_wrong_code_twice(day):
    part, pickup = day["part"], day["pickup"]
    phone, key = client_for(day["courier"].user), str(uuid.uuid4())
    first = send(phone, pickup, "picked-up", key, code="WRONG1")
    again = send(phone, pickup, "picked-up", key, code="WRONG1")
    assert (first.status_code, again.status_code) == (409, 409)
    assert first.json() == {**again.json(), "replayed": False}
    assert first.json()["ok"] is False and "code" in first.json()["message"]
    part = OrderPart.objects.get(pk=part.pk)
    assert (part.status, part.failed_code_attempts) == (PartStatus.READY, 1)
    assert RouteStop.objects.get(pk=pickup.pk).status == StopStatus.PENDING


def test_without_json_the_action_redirects_and_a_repeat_says_it_was_recorded(day):
    pickup, phone, key = day["pickup"], client_for(day["courier"].user), str(uuid.uuid4())
    data = {"action_key": key, "code": shop_code(pickup)}
    first = phone.post(f"/courier/stops/{pickup.pk}/picked-up/", data)
    assert (first.status_code, first["Location"]) == (302, f"/courier/#stop-{pickup.pk}")
    again = phone.post(f"/courier/stops/{pickup.pk}/picked-up/", data, follow=True)
    assert "This action was already recorded." in again.content.decode()
    assert CourierAction.objects.count() == 1


def test_a_key_of_another_stop_or_courier_is_refused_and_changes_nothing(day):
    part, pickup = day["part"], day["pickup"]
    phone, key = client_for(day["courier"].user), str(uuid.uuid4())
    failed = send(phone, pickup, "failed", key, reason="Shop closed")
    assert failed.status_code == 200 and failed.json()["ok"] is True

    other = make_courier(timezone.localdate(), starts=8, ends=18, name="Other")
    route = Route.objects.create(
        courier=other, date=timezone.localdate(), planned_at=timezone.now()
    )
    their_stop = RouteStop.objects.create(
        route=route, sequence=1, kind="pickup", part=part, eta=timezone.now()
    )
    reused = send(client_for(other.user), their_stop, "picked-up", key, code="X")
    assert reused.status_code == 409
    assert reused.json()["message"] == "This action's key was used before; reload the route."
    assert RouteStop.objects.get(pk=their_stop.pk).status == StopStatus.PENDING
    assert CourierAction.objects.count() == 1

    bad = send(phone, pickup, "picked-up", "../../etc", code="X")
    assert bad.status_code == 409 and "not valid" in bad.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_two_arrivals_at_once_act_once():
    """The second arrival waits on the unique key until the first commits, then replays."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks on a unique index: PostgreSQL")
    day = make_day()
    pickup, key = day["pickup"], str(uuid.uuid4())
    code = shop_code(pickup)
    answers, barrier = [], threading.Barrier(2)

    def arrive():
        phone = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en", **JSON)
        phone.force_login(day["courier"].user)
        barrier.wait()
        try:
            answers.append(send(phone, pickup, "picked-up", key, code=code).json())
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answer["replayed"] for answer in answers) == [False, True]
    assert {answer["ok"] for answer in answers} == {True}
    assert CourierAction.objects.filter(key=key).count() == 1
    assert OrderPart.objects.get(pk=day["part"].pk).status == PartStatus.HANDED_OVER
    with transaction.atomic():
        assert consumed(day["part"]) == {ReservationState.CONSUMED}


def test_the_manifest_makes_the_route_an_installable_app(client):
    manifest = client.get("/courier/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    body = json.loads(manifest.content)
    assert (body["start_url"], body["scope"], body["display"]) == (
        "/courier/",
        "/courier/",
        "standalone",
    )
    assert [icon["sizes"] for icon in body["icons"]] == ["192x192", "512x512"]
    for icon in body["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]


def test_the_service_worker_is_served_for_the_courier_scope(client):
    worker = client.get("/courier/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"] == "application/javascript"
    assert worker["Service-Worker-Allowed"] == "/courier/"
    assert worker["Cache-Control"] == "no-cache"
    source = worker.content.decode()
    assert 'const ROUTE = "/courier/";' in source
    assert '"/static/logistics/courier_app.js"' in source
    assert "&quot;" not in source


def test_the_route_page_links_the_manifest_and_the_app(day):
    html = client_for(day["courier"].user).get("/courier/").content.decode()
    assert '<link rel="manifest" href="/courier/manifest.webmanifest">' in html
    assert 'src="/static/logistics/courier_app.js"' in html
    assert 'data-worker="/courier/sw.js"' in html
