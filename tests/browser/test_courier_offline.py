"""Issue 19 item 4: the courier app in Chromium with the network switched off.

The courier loads the route online (the service worker stores it), goes offline, reloads
(the route still shows, as it was: a change made meanwhile on the server does not reach
the phone), does a stop action (kept on the phone, the card says so, nothing changes on the
server), goes online: the queue is sent and the action happens exactly once.
"""

import re

import pytest
from playwright.sync_api import expect

from inventory_sync.models import ReservationState
from logistics.models import (
    CourierAction,
    DeliveryProof,
    OrderPart,
    PartStatus,
    RouteStop,
    StopStatus,
)
from tests.browser import test_courier_route
from tests.browser.conftest import shot
from tests.browser.test_courier_route import dutch, reservation_states, shown
from tests.factories import make_owner, png_upload

pytestmark = pytest.mark.django_db(transaction=True)
planned_day = test_courier_route.planned_day  # the same day: one pickup, one delivery
READY = "This route also works offline."
QUEUED = "Saved on this phone; it will be sent when you are online."
OFFLINE = (
    "You are offline: this is the route as last loaded. Actions are saved and sent when you "
    "are online."
)
QUEUE_SIZE = """() => new Promise((resolve, reject) => {
  const opened = indexedDB.open("courier-app", 1);
  opened.onsuccess = () => {
    const count = opened.result.transaction("actions").objectStore("actions").count();
    count.onsuccess = () => { opened.result.close(); resolve(count.result); };
  };
  opened.onerror = () => reject(opened.error);
})"""


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_offline_the_route_still_shows_and_a_queued_action_is_sent_once(
    person, live_server, planned_day
):
    part, courier = planned_day["part"], planned_day["courier"]
    pickup, delivery = planned_day["stops"]
    # The codes as people see them: the shop's part page, the consumer's order page.
    handover_code = shown(
        person,
        live_server,
        make_owner(planned_day["shop"]),
        f"/shop/orders/{part.pk}/",
        ".handover-code",
    )
    door_code = shown(
        person, live_server, part.order.user, f"/orders/{part.order.number}/", ".delivery-code"
    )
    page = person(courier.user, "/courier/")
    expect(page.locator("li.route-stop")).to_have_count(2)
    # The service worker has stored the page and what it loaded.
    expect(page.locator("#courier-app")).to_have_attribute("data-offline-ready", "true")
    expect(page.locator("#courier-app-status")).to_have_text(dutch(READY))
    shot(page, "online-ready")

    page.context.set_offline(True)
    expect(page.locator("#courier-app-status")).to_have_text(dutch(OFFLINE))
    # Changed on the server meanwhile: the phone cannot know, it shows the stored route.
    stored_name = part.recipient_name
    OrderPart.objects.filter(pk=part.pk).update(recipient_name="Nieuwe Naam")
    page.reload()
    expect(page.locator("li.route-stop")).to_have_count(2)
    expect(page.locator(f"#stop-{delivery.pk}")).to_contain_text(stored_name)
    expect(page.locator(f"#stop-{delivery.pk}")).not_to_contain_text("Nieuwe Naam")
    expect(page.locator("#courier-app-status")).to_have_text(dutch(OFFLINE))
    shot(page, "offline-reloaded")

    # The pickup offline: kept on the phone, the card says so, the server has nothing.
    card = page.locator(f"#stop-{pickup.pk}")
    card.locator(f"#pickup-{pickup.pk}").fill(handover_code)
    card.locator("form", has=page.locator(f"#pickup-{pickup.pk}")).locator("button").click()
    expect(card.locator(".courier-app-note")).to_have_text(dutch(QUEUED))
    expect(card).to_have_class(re.compile(r"\bis-queued\b"))
    assert page.evaluate(QUEUE_SIZE) == 1
    shot(page, "queued-offline")
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.READY
    assert RouteStop.objects.get(pk=pickup.pk).status == StopStatus.PENDING
    assert reservation_states(part) == {ReservationState.ACTIVE}
    assert not CourierAction.objects.exists()

    # Still offline, a reload keeps the action and says so again.
    page.reload()
    expect(card.locator(".courier-app-note")).to_have_text(dutch(QUEUED))
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.READY

    # Online: the queue is sent, the page reloads with the route as the server has it now.
    with page.expect_navigation():
        page.context.set_offline(False)
    expect(card).to_have_class(re.compile(r"\bis-closed\b"))
    expect(page.locator(f"#stop-{delivery.pk}")).to_contain_text("Nieuwe Naam")
    expect(page.locator(".courier-app-note")).to_have_count(0)
    shot(page, "sent-online")
    assert page.evaluate(QUEUE_SIZE) == 0

    action = CourierAction.objects.get()
    assert (action.stop_id, action.action, action.ok) == (pickup.pk, "picked-up", True)
    handed_over = OrderPart.objects.get(pk=part.pk)
    assert handed_over.status == PartStatus.HANDED_OVER
    assert RouteStop.objects.get(pk=pickup.pk).status == StopStatus.DONE
    assert reservation_states(part) == {ReservationState.CONSUMED}

    # Another load (the queue is flushed on every load) sends nothing again.
    page.reload()
    expect(card).to_have_class(re.compile(r"\bis-closed\b"))
    assert CourierAction.objects.count() == 1
    assert OrderPart.objects.get(pk=part.pk).handed_over_at == handed_over.handed_over_at

    # At the door without signal: the code, a name and a photo are kept, photo and all.
    page.context.set_offline(True)
    door = page.locator(f"#stop-{delivery.pk}")
    door.locator(f"#delivery-{delivery.pk}").fill(door_code)
    door.locator(f"#received-by-{delivery.pk}").fill("Anna")
    door.locator(f"#photo-{delivery.pk}").set_input_files(
        {"name": "IMG_0002.png", "mimeType": "image/png", "buffer": png_upload().read()}
    )
    door.locator("form.delivery-form button").click()
    expect(door.locator(".courier-app-note")).to_have_text(dutch(QUEUED))
    assert not DeliveryProof.objects.exists()
    shot(page, "delivery-queued-offline")

    with page.expect_navigation():
        page.context.set_offline(False)
    expect(door).to_have_class(re.compile(r"\bis-closed\b"))
    shot(page, "delivered-online")
    proof = DeliveryProof.objects.get()
    assert (proof.part_id, proof.kind, proof.received_by) == (part.pk, "recipient", "Anna")
    assert proof.photo.name.endswith(".jpg")
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.DELIVERED
    assert CourierAction.objects.count() == 2
