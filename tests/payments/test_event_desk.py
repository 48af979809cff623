"""Centre management's desk for Stripe events the marketplace could not apply by itself."""

import pytest

from marketplace.payments.models import EventStatus, Payment, PaymentStatus, WebhookEvent
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_owner

from .conftest import event, post_event

pytestmark = pytest.mark.django_db
DESK = "/management/payments/"


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def dashboard_refund() -> WebhookEvent:
    """A refund made in Stripe's dashboard: applied as far as it goes, left for a person."""
    payload = event(
        "charge.refunded",
        {
            "id": "ch_dash",
            "object": "charge",
            "amount_refunded": 1250,
            "payment_intent": "pi_dash",
            "metadata": {"order_number": "100042"},
        },
    )
    return WebhookEvent.objects.create(
        event_id=payload["id"],
        type=payload["type"],
        payload=payload,
        status=EventStatus.FAILED,
        attempts=1,
        error="refunds not made through the marketplace: re_dash",
    )


def test_only_staff_reach_the_desk(client):
    shop = ShopFactory()
    assert client_for(make_owner(shop)).get(DESK).status_code == 403
    assert client_for(UserFactory()).get(DESK).status_code == 403
    assert client.get(DESK).status_code == 302  # to the sign-in page
    record = dashboard_refund()
    post = {"event": record.pk, "action": "handled", "note": "done"}
    assert client_for(make_owner(shop)).post(DESK, post).status_code == 403
    record.refresh_from_db()
    assert record.status == EventStatus.FAILED


def test_a_failed_event_shows_what_it_is_about(staff):
    record = dashboard_refund()
    page = client_for(staff).get(DESK).content.decode()
    assert f'id="event-{record.pk}"' in page
    assert "charge.refunded" in page and "ch_dash" in page and "100042" in page
    assert "€12.50" in page.replace("\xa0", "").replace(" ", "")
    assert "refunds not made through the marketplace: re_dash" in page
    assert 'id="failed-count">1<' in page


def test_marking_handled_says_who_and_what_once(staff):
    record = dashboard_refund()
    desk = client_for(staff)
    response = desk.post(
        DESK, {"event": record.pk, "action": "handled", "note": "Refunded shop part by hand"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.handled_by, record.handled_note) == (
        EventStatus.HANDLED,
        staff,
        "Refunded shop part by hand",
    )
    first_moment = record.handled_at
    page = desk.get(DESK).content.decode()
    assert f'id="event-{record.pk}"' not in page and "Refunded shop part by hand" in page

    other = UserFactory(is_staff=True)
    again = client_for(other).post(
        DESK, {"event": record.pk, "action": "handled", "note": "me too"}, follow=True
    )
    assert "already applied or handled" in again.content.decode()
    record.refresh_from_db()
    assert (record.handled_by, record.handled_at) == (staff, first_moment)


def test_handled_needs_a_note_and_bad_input_changes_nothing(staff):
    record = dashboard_refund()
    desk = client_for(staff)
    page = desk.post(
        DESK, {"event": record.pk, "action": "handled", "note": ""}, follow=True
    ).content.decode()
    assert "Say what was done" in page
    assert desk.post(DESK, {"event": "x", "action": "handled"}, follow=True).status_code == 200
    assert desk.post(DESK, {"event": 999999, "action": "retry"}, follow=True).status_code == 200
    record.refresh_from_db()
    assert (record.status, record.attempts) == (EventStatus.FAILED, 1)


@pytest.mark.django_db(transaction=True)
def test_try_again_now_applies_an_event_whose_order_has_come(stripe_on, staff):
    from marketplace.ordering.services import PartChoice, place_order

    shop = ShopFactory()
    consumer = UserFactory()
    basket = make_basket(consumer, (make_offer(shop, price="10.00"), 1))
    number = str(100000 + basket.pk)  # the number the order will get
    early = event(
        "payment_intent.succeeded",
        {"id": "pi_desk", "object": "payment_intent", "metadata": {"order_number": number}},
    )
    post_event(client_for(), early)
    record = WebhookEvent.objects.get()
    desk = client_for(staff)

    page = desk.post(DESK, {"event": record.pk, "action": "retry"}, follow=True).content.decode()
    assert "Still not applied" in page and "no order" in page
    record.refresh_from_db()
    assert (record.status, record.attempts) == (EventStatus.WAITING, 2)

    order = place_order(
        basket=basket,
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    page = desk.post(DESK, {"event": record.pk, "action": "retry"}, follow=True).content.decode()
    assert "Applied." in page
    record.refresh_from_db()
    assert (record.status, record.attempts) == (EventStatus.APPLIED, 3)
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED


def test_the_menu_leads_management_to_its_pages_and_nobody_else(staff):
    management_pages = [DESK, "/management/reports/", "/management/settlements/"]
    menu = client_for(staff).get("/").content.decode()
    for url in management_pages:
        assert f'href="{url}"' in menu
        assert client_for(staff).get(url).status_code == 200
    shop_menu = client_for(make_owner(ShopFactory())).get("/").content.decode()
    assert not any(f'href="{url}"' in shop_menu for url in management_pages)
