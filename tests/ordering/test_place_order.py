"""Placing an order across two shops: reservations, slots, parts, payment."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from inventory_sync.services import OutOfStock
from logistics.models import DeliverySettings, DeliverySlot, OrderPart, PartStatus
from marketplace.ordering.delivery import DeliveryAddress, DeliveryRefused
from marketplace.ordering.services import (
    CheckoutRefused,
    PartChoice,
    cancel_unpaid_order,
    confirm_order_paid,
    place_order,
)
from marketplace.payments.models import Payment, PaymentStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_slot, make_zone

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

ADDRESS = DeliveryAddress(
    recipient_name="Anna de Vries",
    address_line="Walstraat 3",
    postcode="7411 AB",
    city="Deventer",
    phone="0570 123456",
    latitude=Decimal("52.255100"),
    longitude=Decimal("6.159900"),
)


@pytest.fixture
def two_shops():
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    novel = make_offer(books, price="19.95", on_hand=3, title="Roman")
    gouda = make_offer(cheese, price="12.50", on_hand=5, title="Oude Goudse")
    slot = make_slot(make_zone(), capacity=2)
    return books, cheese, novel, gouda, slot


def place(user, basket, books, cheese, slot, *, address=ADDRESS):
    return place_order(
        basket=basket,
        user=user,
        choices={
            books.partner_id: PartChoice(method="collect"),
            cheese.partner_id: PartChoice(method="delivery", slot_id=slot.pk),
        },
        address=address,
    )


def test_one_order_one_payment_a_part_per_shop(two_shops):
    books, cheese, novel, gouda, slot = two_shops
    user = UserFactory()
    order = place(user, make_basket(user, (novel, 2), (gouda, 1)), books, cheese, slot)

    parts = {part.shop_id: part for part in order.parts.all()}
    assert set(parts) == {books.pk, cheese.pk}
    assert parts[books.pk].method == "collect" and parts[books.pk].slot is None
    assert parts[cheese.pk].method == "delivery" and parts[cheese.pk].slot_id == slot.pk
    assert parts[books.pk].subtotal_incl_vat == Decimal("39.90")
    assert parts[cheese.pk].subtotal_incl_vat == Decimal("12.50")
    assert parts[cheese.pk].delivery_fee_incl_vat == Decimal("4.95")  # below the €50 threshold
    assert parts[cheese.pk].postcode == "7411 AB"
    assert order.total_incl_tax == Decimal("57.35")
    assert Payment.objects.get(order=order).amount == Decimal("57.35")
    assert {p.status for p in parts.values()} == {PartStatus.PENDING_PAYMENT}
    assert len(parts[books.pk].pickup_code) == 6 and parts[cheese.pk].delivery_code
    novel.refresh_from_db()
    gouda.refresh_from_db()
    assert (novel.num_in_stock, novel.num_allocated) == (3, 2)
    assert (gouda.num_in_stock, gouda.num_allocated) == (5, 1)
    assert Reservation.objects.filter(state=ReservationState.ACTIVE).count() == 2
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 1


def test_short_line_rolls_back_everything_and_says_which(two_shops):
    books, cheese, novel, gouda, slot = two_shops
    user = UserFactory()
    basket = make_basket(user, (novel, 4), (gouda, 1))
    with pytest.raises(OutOfStock) as refused:
        place(user, basket, books, cheese, slot)
    assert (refused.value.title, refused.value.requested, refused.value.available) == (
        "Roman",
        4,
        3,
    )
    assert_nothing_left(novel, gouda, slot)


def test_address_outside_the_zone_is_refused_and_nothing_changes(two_shops, settings):
    books, cheese, novel, gouda, slot = two_shops
    settings.ADDRESS_LOOKUP_URL = ""  # the street line as typed: the zone alone decides
    user = UserFactory()
    browser = client_for(user)
    for offer in (novel, gouda):
        browser.post(f"/basket/add-offer/{offer.pk}/", {"quantity": "1"})
    form = {
        f"method_{books.partner_id}": "collect",
        f"method_{cheese.partner_id}": "delivery",
        f"slot_{cheese.partner_id}": str(slot.pk),
        "recipient_name": "Anna de Vries",
        "address_line": "Walstraat 3",
        "city": "Deventer",
        "phone": "0570 123456",
    }

    response = browser.post("/checkout/", {**form, "postcode": "8011 AB"})

    assert response.status_code == 200
    assert "8011 AB is outside the delivery zone" in response.content.decode()
    assert_nothing_left(novel, gouda, slot)
    assert user.orders.count() == 0
    # The same checkout inside the zone places the order: only the postcode was refused.
    assert browser.post("/checkout/", {**form, "postcode": "7411 AB"}).status_code == 302
    assert user.orders.count() == 1


def test_full_slot_is_refused_with_a_clear_message(two_shops):
    books, cheese, novel, gouda, slot = two_shops
    DeliverySlot.objects.filter(pk=slot.pk).update(booked=2)
    user = UserFactory()
    with pytest.raises(DeliveryRefused, match="slot is full; choose another slot"):
        place(user, make_basket(user, (novel, 1), (gouda, 1)), books, cheese, slot)
    assert_nothing_left(novel, gouda, slot, booked=2)


def test_paying_confirms_and_a_replay_changes_nothing(two_shops):
    books, cheese, novel, gouda, slot = two_shops
    user = UserFactory()
    order = place(user, make_basket(user, (novel, 1), (gouda, 1)), books, cheese, slot)
    assert confirm_order_paid(order_id=order.pk, reference="t1") is True
    assert confirm_order_paid(order_id=order.pk, reference="t2") is False
    assert set(order.parts.values_list("status", flat=True)) == {PartStatus.PLACED}
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.reference) == (PaymentStatus.SUCCEEDED, "t1")
    assert not Reservation.objects.filter(expires_at__isnull=False).exists()
    assert Order.objects.get(pk=order.pk).status == "Paid"


def test_cancelling_unpaid_gives_everything_back(two_shops):
    books, cheese, novel, gouda, slot = two_shops
    user = UserFactory()
    order = place(user, make_basket(user, (novel, 2), (gouda, 1)), books, cheese, slot)
    assert cancel_unpaid_order(order_id=order.pk) is True
    assert cancel_unpaid_order(order_id=order.pk) is False
    novel.refresh_from_db()
    assert novel.num_allocated == 0
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 0
    assert set(order.parts.values_list("status", flat=True)) == {PartStatus.CANCELLED}
    assert confirm_order_paid(order_id=order.pk) is False


def assert_nothing_left(novel, gouda, slot, booked=0):
    for record in (novel, gouda):
        record.refresh_from_db()
        assert record.num_allocated == 0
    assert Order.objects.count() == 0
    assert OrderPart.objects.count() == 0
    assert Reservation.objects.count() == 0
    assert Payment.objects.count() == 0
    assert DeliverySlot.objects.get(pk=slot.pk).booked == booked
    assert len(mail.outbox) == 0


def test_a_second_submit_of_the_same_basket_is_refused_and_leaves_nothing(two_shops):
    books, cheese, novel, gouda, slot = two_shops
    user = UserFactory()
    basket = make_basket(user, (novel, 1))
    # Another request for this basket already wrote its order number.
    Order.objects.create(number=str(100000 + basket.pk), total_incl_tax=0, total_excl_tax=0)

    with pytest.raises(CheckoutRefused, match="just been ordered"):
        place_order(
            basket=basket,
            user=user,
            choices={books.partner_id: PartChoice(method="collect")},
            address=None,
        )

    novel.refresh_from_db()
    assert novel.num_allocated == 0
    assert not Reservation.objects.exists()
    assert not Payment.objects.exists()


def test_the_winner_holds_the_stock_row_for_writes_only(two_shops):
    """One light read before the guarded UPDATEs; after them three reads (the lines with
    their shops, the basket's facts, the delivery rules) and the writes (order, lines,
    prices, parts, reservations, payment, basket), so a contended row is held briefly."""
    books, cheese, novel, gouda, slot = two_shops
    user = UserFactory()
    basket = make_basket(user, (novel, 1), (gouda, 1))
    choices = {
        books.partner_id: PartChoice(method="collect"),
        cheese.partner_id: PartChoice(method="collect"),
    }
    DeliverySettings.current()  # the row exists, as it does once management saved it

    with CaptureQueriesContext(connection) as queries:
        place_order(basket=basket, user=user, choices=choices, address=None)

    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    first_update = next(
        index
        for index, sql in enumerate(statements)
        if sql.startswith('UPDATE "partner_stockrecord"')
    )
    assert first_update == 1  # after the one query that reads the lines
    after_stock = [sql.split()[0] for sql in statements[first_update + 2 :]]
    assert after_stock == ["SELECT"] * 3 + ["INSERT"] * 6 + ["UPDATE"]
