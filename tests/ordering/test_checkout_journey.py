"""From basket to both parts through the pages, as a consumer and two shops use them."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from logistics.part_states import mark_delivered
from marketplace.payments.models import Payment, PaymentStatus, Refund
from tests.conftest import client_for
from tests.factories import (
    ShopFactory,
    UserFactory,
    make_offer,
    make_owner,
    make_slot,
    make_zone,
)

StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town():
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    return {
        "books": books,
        "cheese": cheese,
        "novel": make_offer(books, price="19.95", on_hand=4, title="De stille stad"),
        "gouda": make_offer(cheese, price="12.50", on_hand=6, title="Oude Goudse"),
        "slot": make_slot(make_zone(pc4s=("7411",))),
        "books_owner": make_owner(books),
        "cheese_owner": make_owner(cheese),
        "consumer": UserFactory(email="anna@stadsmarkt.test", username="anna@stadsmarkt.test"),
    }


def login(client, user):
    client.force_login(user)
    return client


def checkout_form(town, postcode="7411 AB"):
    books, cheese = town["books"], town["cheese"]
    return {
        f"method_{books.partner_id}": "collect",
        f"method_{cheese.partner_id}": "delivery",
        f"slot_{cheese.partner_id}": str(town["slot"].pk),
        "recipient_name": "Anna de Vries",
        "address_line": "Walstraat 3",
        "postcode": postcode,
        "city": "Deventer",
        "phone": "0570 123456",
    }


def fill_basket(client, town):
    client.post(f"/basket/add-offer/{town['novel'].pk}/", {"quantity": "2"})
    client.post(f"/basket/add-offer/{town['gouda'].pk}/", {"quantity": "1"})


def test_basket_groups_lines_by_shop_with_subtotals(client, town):
    login(client, town["consumer"])
    fill_basket(client, town)
    page = client.get("/basket/").content.decode().replace("\xa0", " ")
    assert page.count('class="card mb-3 basket-shop"') == 2
    assert town["books"].partner.name in page and town["cheese"].partner.name in page
    assert "€39.90" in page and "€12.50" in page
    assert "Open today: 09:00–18:00" in page


def test_two_shops_one_collect_one_delivery_to_both_parts(client, town):
    login(client, town["consumer"])
    fill_basket(client, town)
    page = client.get("/checkout/")
    assert page.status_code == 200
    for shop in (town["books"], town["cheese"]):
        assert f'name="method_{shop.partner_id}"' in page.content.decode()
    assert str(town["slot"].pk) in page.content.decode()
    response = client.post("/checkout/", checkout_form(town))
    order = Order.objects.get(user=town["consumer"])
    assert response.status_code == 302
    assert response["Location"] == f"/checkout/test-payment/{order.number}/"
    assert order.total_incl_tax == Decimal("57.35")  # 39.90 + 12.50 + 4.95 delivery

    response = client.post(response["Location"], {"action": "pay"})
    assert response["Location"] == f"/orders/{order.number}/"
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert mail.outbox[-1].subject.startswith("Stadsmarkt Deventer: bestelling")
    collect = OrderPart.objects.get(order=order, shop=town["books"])
    delivery = OrderPart.objects.get(order=order, shop=town["cheese"])
    assert delivery.delivery_code in mail.outbox[-1].body

    page = client.get(f"/orders/{order.number}/").content.decode()
    # The pickup code comes when the goods are ready, as the order e-mail says.
    assert collect.pickup_code not in page and delivery.delivery_code in page
    assert "as soon as the shop has your order ready" in page
    assert town["books"].street in page

    books_client = client_for(town["books_owner"])
    act(books_client, collect, "accept")
    act(books_client, collect, "ready")
    ready_mail = mail.outbox[-1]
    assert collect.pickup_code in ready_mail.body
    assert collect.pickup_code in client.get(f"/orders/{order.number}/").content.decode()
    assert any(part.get_content_type() == "image/png" for part in ready_mail.message().walk())
    act(books_client, collect, "hand-over", code="WRONG1")
    assert OrderPart.objects.get(pk=collect.pk).status == PartStatus.READY
    act(books_client, collect, "hand-over", code=collect.pickup_code.lower())
    assert OrderPart.objects.get(pk=collect.pk).status == PartStatus.COLLECTED

    cheese_client = client_for(town["cheese_owner"])
    for action in ("accept", "ready"):
        act(cheese_client, delivery, action)
    act(cheese_client, delivery, "hand-over", code=delivery.pickup_code)
    assert OrderPart.objects.get(pk=delivery.pk).status == PartStatus.HANDED_OVER
    mark_delivered(part_id=delivery.pk, code=delivery.delivery_code)

    page = client.get(f"/orders/{order.number}/").content.decode()
    assert page.count("part-status") == 2
    assert set(order.parts.values_list("status", flat=True)) == {
        PartStatus.COLLECTED,
        PartStatus.DELIVERED,
    }
    stock = {r.pk: (r.num_in_stock, r.num_allocated) for r in StockRecord.objects.all()}
    assert stock == {town["novel"].pk: (2, 0), town["gouda"].pk: (5, 0)}
    assert set(Reservation.objects.values_list("state", flat=True)) == {ReservationState.CONSUMED}
    subjects = [message.subject for message in mail.outbox]
    assert sum("klaar" in s for s in subjects) == 1
    assert sum("opgehaald bij" in s for s in subjects) == 1
    assert sum("onderweg" in s for s in subjects) == 1
    assert sum("bezorgd" in s for s in subjects) == 1


def act(client, part, action, **data):
    response = client.post(f"/shop/orders/{part.pk}/{action}/", data)
    assert response.status_code == 302, response.content[:500]
    return response


def test_rejecting_one_part_refunds_only_that_part(client, town):
    login(client, town["consumer"])
    fill_basket(client, town)
    client.post("/checkout/", checkout_form(town))
    order = Order.objects.get(user=town["consumer"])
    client.post(f"/checkout/test-payment/{order.number}/", {"action": "pay"})
    delivery = OrderPart.objects.get(order=order, shop=town["cheese"])
    cheese_client = client_for(town["cheese_owner"])
    act(cheese_client, delivery, "reject", reason="Kaas is op")

    refund = Refund.objects.get()
    assert (refund.part_id, refund.amount) == (delivery.pk, Decimal("17.45"))
    assert refund.reference == f"offline-refund-rejected-part-{delivery.pk}"
    assert StockRecord.objects.get(pk=town["gouda"].pk).num_allocated == 0
    assert StockRecord.objects.get(pk=town["novel"].pk).num_allocated == 2
    assert "Kaas is op" in mail.outbox[-1].body
    assert OrderPart.objects.get(order=order, shop=town["books"]).status == "placed"


def test_outside_the_zone_and_shortage_are_told_and_change_nothing(client, town):
    login(client, town["consumer"])
    fill_basket(client, town)
    response = client.post("/checkout/", checkout_form(town, postcode="8011 AB"))
    assert response.status_code == 200
    assert "8011 AB is outside the delivery zone" in response.content.decode()
    StockRecord.objects.filter(pk=town["novel"].pk).update(num_in_stock=1)
    response = client.post("/checkout/", checkout_form(town))
    text = response.content.decode()
    assert re.search(r"Only 1 of De stille stad left \(you asked for 2\)", text)
    assert Order.objects.count() == 0
    assert StockRecord.objects.get(pk=town["gouda"].pk).num_allocated == 0


def test_another_shop_cannot_see_or_act_on_a_part(client, town):
    login(client, town["consumer"])
    fill_basket(client, town)
    client.post("/checkout/", checkout_form(town))
    order = Order.objects.get(user=town["consumer"])
    client.post(f"/checkout/test-payment/{order.number}/", {"action": "pay"})
    collect = OrderPart.objects.get(order=order, shop=town["books"])
    intruder = client_for(town["cheese_owner"])
    assert intruder.get(f"/shop/orders/{collect.pk}/").status_code == 404
    assert intruder.post(f"/shop/orders/{collect.pk}/accept/").status_code == 404
    assert OrderPart.objects.get(pk=collect.pk).status == PartStatus.PLACED
    stranger = client_for(UserFactory())
    assert stranger.get(f"/orders/{order.number}/").status_code == 404


def test_adding_more_than_the_shop_has_online_is_refused(client, town):
    login(client, town["consumer"])
    client.post(f"/basket/add-offer/{town['novel'].pk}/", {"quantity": "3"})
    response = client.post(f"/basket/add-offer/{town['novel'].pk}/", {"quantity": "2"}, follow=True)
    assert "has 4 of De stille stad available online" in response.content.decode()
    basket_lines = response.context["request"].basket.all_lines()
    assert [line.quantity for line in basket_lines] == [3]


def test_a_visitor_fills_a_basket_and_keeps_it_when_signing_in(client, town):
    """A visitor's basket exists only once the first line is added; it follows them in."""
    response = client.post(f"/basket/add-offer/{town['novel'].pk}/", {"quantity": "2"}, follow=True)
    assert response.status_code == 200
    assert "is in your basket" in response.content.decode()

    login(client, town["consumer"])
    basket = client.get("/basket/").context["request"].basket
    assert [(line.stockrecord_id, line.quantity) for line in basket.all_lines()] == [
        (town["novel"].pk, 2)
    ]
