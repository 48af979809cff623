"""Issue 15, item 8: a shop paused or closed by management sells nothing, even a line that
was put in a basket before: unavailable in the basket, refused at checkout and at payment."""

import pytest
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from marketplace.payments.models import Payment, PaymentStatus
from shops.models import ShopStatus
from tests.factories import ShopFactory, UserFactory, make_offer

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)

NOT_TAKING = "is not taking orders at the moment"


@pytest.fixture
def town(client):
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    consumer = UserFactory()
    client.force_login(consumer)
    novel = make_offer(books, price="19.95", on_hand=4, title="De stille stad")
    gouda = make_offer(cheese, price="12.50", on_hand=6, title="Oude Goudse")
    client.post(f"/basket/add-offer/{novel.pk}/", {"quantity": "1"})
    client.post(f"/basket/add-offer/{gouda.pk}/", {"quantity": "1"})
    return {"books": books, "cheese": cheese, "consumer": consumer, "novel": novel}


def collect_both(town):
    return {f"method_{town[s].partner_id}": "collect" for s in ("books", "cheese")}


def pause(shop, status=ShopStatus.PAUSED):
    shop.status = status
    shop.save(update_fields=["status"])


@pytest.mark.parametrize("status", [ShopStatus.PAUSED, ShopStatus.CLOSED])
def test_a_paused_or_closed_shops_lines_are_unavailable_in_the_basket(client, town, status):
    page = client.get("/basket/").content.decode()
    assert NOT_TAKING not in page
    pause(town["books"], status)
    page = client.get("/basket/").content.decode()
    assert page.count("shop-not-taking-orders") == 1
    assert "This shop is not taking orders at the moment" in page
    assert client.get("/checkout/").content.decode().count("shop-not-taking-orders") == 1


def test_checkout_refuses_a_paused_shops_line_and_leaves_nothing_behind(client, town):
    pause(town["books"])
    response = client.post("/checkout/", collect_both(town))
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert f"{town['books'].name} {NOT_TAKING}" in page
    assert not Order.objects.filter(user=town["consumer"]).exists()
    assert StockRecord.objects.get(pk=town["novel"].pk).num_allocated in (0, None)


@pytest.mark.parametrize("pay_url", ["test-payment", "pay-again"])
def test_payment_is_refused_when_the_shop_was_paused_after_the_order_was_placed(
    client, town, pay_url
):
    response = client.post("/checkout/", collect_both(town))
    order = Order.objects.get(user=town["consumer"])
    assert response["Location"] == f"/checkout/test-payment/{order.number}/"
    pause(town["books"])

    if pay_url == "test-payment":
        response = client.post(response["Location"], {"action": "pay"}, follow=True)
    else:
        response = client.post(f"/payments/orders/{order.number}/pay/", follow=True)

    page = response.content.decode().replace("&#x27;", "'")
    assert f"{town['books'].name} stopped taking orders after you placed this order" in page
    assert response.redirect_chain[-1][0] == "/basket/"
    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED
    assert set(OrderPart.objects.filter(order=order).values_list("status", flat=True)) == {
        PartStatus.CANCELLED
    }
    assert not Reservation.objects.filter(
        order_line__order=order, state=ReservationState.ACTIVE
    ).exists()
    # The basket is back, with the paused shop's line shown as unavailable.
    assert "shop-not-taking-orders" in page
