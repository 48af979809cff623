"""A return through the services and pages: request within the window, the shop confirms,
the consumer is refunded once through the part's ledger; the window, exclusions, another
shop, a cancel with its pickup slot, hostile text."""

import html
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from oscar.core.loading import get_model

from logistics import part_states
from logistics.models import DeliverySlot, OrderPart
from marketplace.commission.models import PartPayout
from marketplace.payments.models import Refund
from marketplace.returns import services
from marketplace.returns.models import ReturnRequest, ReturnStatus
from tests.conftest import client_for, set_clock
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner, make_slot, make_zone

from .conftest import HOSTILE, excluded_offer, lines_of, received_part

pytestmark = pytest.mark.django_db(transaction=True)
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def sale():
    shop = ShopFactory(email="winkel@stadsmarkt.test")
    consumer = UserFactory(email="anna@stadsmarkt.test")
    novel = make_offer(shop, price="19.95", on_hand=5, title="De stille stad")
    mug = make_offer(shop, price="8.00", on_hand=5, title="Mok")
    part = received_part(shop, (novel, 2), (mug, 1), consumer=consumer)
    return {"shop": shop, "consumer": consumer, "part": part, "novel": novel, "mug": mug}


def page_url(part):
    return f"/orders/{part.order.number}/parts/{part.pk}/return/"


def test_a_return_of_one_line_refunds_its_price_once_and_puts_it_back(sale):
    part, shop = sale["part"], sale["shop"]
    novel_line, _ = lines_of(part)
    consumer = client_for(sale["consumer"])
    mail.outbox.clear()

    response = consumer.post(
        page_url(part), {f"line-{novel_line.pk}": "1", "method": "bring", "reason": HOSTILE}
    )

    assert response.status_code == 302
    request = ReturnRequest.objects.get()
    assert (request.status, request.method) == (ReturnStatus.REQUESTED, "bring")
    to_consumer = [m for m in mail.outbox if m.to == ["anna@stadsmarkt.test"]]
    to_shop = [m for m in mail.outbox if m.to == ["winkel@stadsmarkt.test"]]
    assert len(to_consumer) == 1 and len(to_shop) == 1
    assert "Brink 10" in to_consumer[0].body  # where to bring it
    for message in (*to_consumer, *to_shop):
        html_body = message.alternatives[0][0]
        assert "<script>" not in html_body and "<script>" not in message.body
        assert html.escape(HOSTILE) in html_body
    owner = client_for(make_owner(shop))
    detail = owner.get(f"/shop/returns/{request.pk}/").content.decode()
    assert "<script>alert" not in detail and html.escape(HOSTILE) in detail
    on_hand = StockRecord.objects.get(pk=sale["novel"].pk).num_in_stock
    mail.outbox.clear()

    owner.post(f"/shop/returns/{request.pk}/", {"put_back": "on"})
    owner.post(f"/shop/returns/{request.pk}/", {"put_back": "on"})  # twice: refunds once

    request.refresh_from_db()
    assert request.status == ReturnStatus.REFUNDED
    assert request.amount == Decimal("19.95")
    [refund] = Refund.objects.filter(part=part)
    assert (refund.amount, refund.idempotency_key) == (Decimal("19.95"), f"return-{request.pk}")
    payout = PartPayout.objects.get(part=part)
    assert payout.refunded == Decimal("19.95")
    assert payout.commission_reversed > 0
    assert StockRecord.objects.get(pk=sale["novel"].pk).num_in_stock == on_hand + 1
    [refunded_mail] = mail.outbox
    assert refunded_mail.to == ["anna@stadsmarkt.test"] and "19.95" in refunded_mail.body
    order_page = consumer.get(f"/orders/{part.order.number}/").content.decode()
    assert "Received and refunded" in order_page and "Return items" in order_page


def test_returning_everything_refunds_the_whole_part_with_its_delivery_fee(sale):
    part, shop = sale["part"], sale["shop"]
    novel_line, mug_line = lines_of(part)
    first = services.request_return(
        part_id=part.pk, consumer=sale["consumer"], chosen={novel_line.pk: 1}, method="bring"
    )
    services.confirm_receipt(return_id=first.pk, shop_id=shop.pk, put_back_goods=False)
    second = services.request_return(
        part_id=part.pk,
        consumer=sale["consumer"],
        chosen={novel_line.pk: 1, mug_line.pk: 1},
        method="bring",
    )
    done = services.confirm_receipt(return_id=second.pk, shop_id=shop.pk, put_back_goods=False)

    total = sum(r.amount for r in Refund.objects.filter(part=part))
    assert total == part.total_incl_vat
    assert done.amount == part.total_incl_vat - Decimal("19.95")
    payout = PartPayout.objects.get(part=part)
    assert payout.refunded == payout.charged
    assert payout.commission_reversed == payout.commission
    with pytest.raises(services.ReturnRefused, match="at most 0"):
        services.request_return(
            part_id=part.pk, consumer=sale["consumer"], chosen={mug_line.pk: 1}, method="bring"
        )


def test_after_the_window_the_page_says_so_and_refuses(sale, monkeypatch):
    part = sale["part"]
    [novel_line, _] = lines_of(part)
    set_clock(monkeypatch, part.completed_at + timedelta(days=14, minutes=1))
    consumer = client_for(sale["consumer"])

    page = consumer.get(page_url(part)).content.decode()
    assert "The return period of this part ended on" in page
    assert 'name="line-' not in page
    response = consumer.post(page_url(part), {f"line-{novel_line.pk}": "1", "method": "bring"})
    assert response.status_code == 400
    assert ReturnRequest.objects.count() == 0
    assert (
        "The return period ended" in consumer.get(f"/orders/{part.order.number}/").content.decode()
    )


def test_a_shop_s_longer_period_keeps_the_window_open(sale, monkeypatch):
    part, shop = sale["part"], sale["shop"]
    shop.return_days = 30
    shop.save(update_fields=["return_days"])
    set_clock(monkeypatch, part.completed_at + timedelta(days=29))
    [novel_line, _] = lines_of(part)
    services.request_return(
        part_id=part.pk, consumer=sale["consumer"], chosen={novel_line.pk: 1}, method="bring"
    )
    assert ReturnRequest.objects.count() == 1


def test_an_excluded_category_cannot_be_chosen_and_the_page_says_why():
    shop = ShopFactory()
    consumer = UserFactory()
    cheese = excluded_offer(shop, price="6.50", title="Verse kaas")
    part = received_part(shop, (cheese, 1), consumer=consumer)
    [line] = lines_of(part)
    page = client_for(consumer).get(page_url(part)).content.decode()
    assert "Cannot be returned by law: Perishable goods." in page
    assert f'name="line-{line.pk}"' not in page
    with pytest.raises(services.ReturnRefused, match="Verse kaas cannot be returned"):
        services.request_return(
            part_id=part.pk, consumer=consumer, chosen={line.pk: 1}, method="bring"
        )


def test_before_receipt_and_bad_input_change_nothing(sale):
    part = sale["part"]
    [novel_line, _] = lines_of(part)
    consumer = client_for(sale["consumer"])
    for form in (
        {f"line-{novel_line.pk}": "x", "method": "bring"},
        {f"line-{novel_line.pk}": "9", "method": "bring"},
        {"method": "bring"},
        {f"line-{novel_line.pk}": "1", "method": "pickup", "slot": "abc"},
    ):
        assert consumer.post(page_url(part), form).status_code == 400
    assert ReturnRequest.objects.count() == 0
    other = UserFactory()
    assert client_for(other).get(page_url(part)).status_code == 404


def test_another_shop_sees_nothing_and_cannot_confirm(sale):
    part = sale["part"]
    [novel_line, _] = lines_of(part)
    request = services.request_return(
        part_id=part.pk, consumer=sale["consumer"], chosen={novel_line.pk: 1}, method="bring"
    )
    stranger = client_for(make_owner(ShopFactory()))
    assert stranger.get(f"/shop/returns/{request.pk}/").status_code == 404
    assert stranger.post(f"/shop/returns/{request.pk}/", {"put_back": "on"}).status_code == 404
    assert "De stille stad" not in stranger.get("/shop/returns/").content.decode()
    request.refresh_from_db()
    assert request.status == ReturnStatus.REQUESTED and not Refund.objects.exists()


def test_a_pickup_books_a_slot_place_and_a_cancel_gives_it_back(sale):
    part = sale["part"]
    [novel_line, _] = lines_of(part)
    slot = make_slot(make_zone(pc4s=("7411",)), capacity=1)
    consumer = client_for(sale["consumer"])
    form = {
        f"line-{novel_line.pk}": "1",
        "method": "pickup",
        "slot": str(slot.pk),
        "address_line": "Walstraat 3",
        "postcode": "7411 AB",
        "city": "Deventer",
    }
    assert consumer.post(page_url(part), form).status_code == 302
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 1
    request = ReturnRequest.objects.get()
    staff = client_for(UserFactory(is_staff=True))
    assert "Walstraat 3" in staff.get("/management/returns/pickups/").content.decode()
    assert "/management/returns/pickups/" in staff.get("/management/routes/").content.decode()
    assert "A courier picks it up" in consumer.get(page_url(part)).content.decode()

    consumer.post(page_url(part), {"cancel": str(request.pk)})

    request.refresh_from_db()
    assert request.status == ReturnStatus.CANCELLED
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 0
    with pytest.raises(services.ReturnRefused):
        services.confirm_receipt(return_id=request.pk, shop_id=part.shop_id, put_back_goods=True)


def test_a_full_slot_or_a_postcode_outside_the_zone_is_refused(sale):
    part = sale["part"]
    [novel_line, _] = lines_of(part)
    slot = make_slot(make_zone(pc4s=("7411",)), capacity=1)
    DeliverySlot.objects.filter(pk=slot.pk).update(booked=1)
    pickup = services.Pickup(
        slot_id=slot.pk, address_line="Walstraat 3", postcode="7411 AB", city="Deventer"
    )
    with pytest.raises(services.ReturnRefused, match="full"):
        services.request_return(
            part_id=part.pk,
            consumer=sale["consumer"],
            chosen={novel_line.pk: 1},
            method="pickup",
            pickup=pickup,
        )
    outside = services.Pickup(
        slot_id=slot.pk, address_line="Dam 1", postcode="1012 JS", city="Amsterdam"
    )
    with pytest.raises(services.ReturnRefused, match="outside"):
        services.request_return(
            part_id=part.pk,
            consumer=sale["consumer"],
            chosen={novel_line.pk: 1},
            method="pickup",
            pickup=outside,
        )
    assert ReturnRequest.objects.count() == 0


def test_the_shop_sets_a_longer_return_period_on_its_profile_never_under_14():
    from tests.shops.test_shop_area import profile_form

    shop = ShopFactory()
    client = client_for(make_owner(shop))
    refused = client.post("/shop/profile/", {**profile_form(shop), "profile-return_days": "7"})
    assert refused.status_code == 200
    assert refused.context["profile"].errors["return_days"]
    shop.refresh_from_db()
    assert shop.return_days == 14
    saved = client.post("/shop/profile/", {**profile_form(shop), "profile-return_days": "30"})
    assert saved.status_code == 302
    shop.refresh_from_db()
    assert shop.return_days == 30


def test_two_confirmations_at_once_refund_once(sale):
    part, shop = sale["part"], sale["shop"]
    [novel_line, _] = lines_of(part)
    request = services.request_return(
        part_id=part.pk, consumer=sale["consumer"], chosen={novel_line.pk: 2}, method="bring"
    )
    start = threading.Barrier(2)

    def confirm():
        start.wait()
        try:
            services.confirm_receipt(return_id=request.pk, shop_id=shop.pk, put_back_goods=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [refund] = Refund.objects.filter(part=part)
    assert refund.amount == Decimal("39.90")
    assert StockRecord.objects.get(pk=sale["novel"].pk).num_in_stock == 5, "put back once"


def test_a_line_refused_before_hand_over_cannot_be_returned():
    from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
    from tests.factories import make_basket

    shop, consumer = ShopFactory(), UserFactory()
    novel = make_offer(shop, price="19.95", on_hand=5, title="De stille stad")
    mug = make_offer(shop, price="8.00", on_hand=5, title="Mok")
    order = place_order(
        basket=make_basket(consumer, (novel, 1), (mug, 1)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part = OrderPart.objects.get(order=order)
    novel_line, mug_line = lines_of(part)
    part_states.refuse_line(
        part_id=part.pk, shop_id=shop.pk, line_id=novel_line.pk, reason="not on the shelf"
    )
    part_states.accept_part(part_id=part.pk, shop_id=shop.pk)
    part = part_states.mark_ready(part_id=part.pk, shop_id=shop.pk)
    part_states.hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)

    assert [row.line.pk for row in services.returnable_lines(part)] == [mug_line.pk]
    with pytest.raises(services.ReturnRefused):
        services.request_return(
            part_id=part.pk, consumer=consumer, chosen={novel_line.pk: 1}, method="bring"
        )


def test_a_guest_returns_from_the_order_link_and_others_cannot(sale):
    from urllib.parse import urlsplit

    from django.test import Client

    from marketplace.order_links import order_url

    part = sale["part"]
    Order = get_model("order", "Order")
    Order.objects.filter(pk=part.order_id).update(user=None, guest_email="gast@stadsmarkt.test")
    part.order.refresh_from_db()
    novel_line, _ = lines_of(part)
    link = urlsplit(order_url(part.order, to="gast@stadsmarkt.test"))

    stranger = Client()
    assert "/login/" in stranger.get(page_url(part)).url
    assert stranger.post(page_url(part), {f"line-{novel_line.pk}": "1"}).status_code == 302
    assert not ReturnRequest.objects.exists()

    guest = Client()
    guest.get(f"{link.path}?{link.query}")  # the e-mailed link: this browser may see the order
    assert guest.get(page_url(part)).status_code == 200
    guest.post(page_url(part), {f"line-{novel_line.pk}": "1", "method": "bring"})
    request = ReturnRequest.objects.get()
    assert (request.consumer, request.status) == (None, ReturnStatus.REQUESTED)
    guest.post(page_url(part), {"cancel": str(request.pk)})
    assert ReturnRequest.objects.get().status == ReturnStatus.CANCELLED
