"""64 buyers, 10 units, POS counts arriving meanwhile: never oversold, on real PostgreSQL."""

import threading

import pytest
from django.db import connections
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from inventory_sync.services import OutOfStock, set_on_hand
from marketplace.ordering.services import PartChoice, place_order
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, with_strategy

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")

BUYERS = 64
UNITS = 10
REPETITIONS = 20


def buy(basket_id: int, user, choices, barrier, outcomes: list) -> None:
    try:
        basket = with_strategy(Basket.objects.get(pk=basket_id))
        barrier.wait()
        place_order(basket=basket, user=user, choices=choices, address=None)
        outcomes.append("sold")
    except OutOfStock as short:
        outcomes.append(("out of stock", short.available))
    except Exception as error:  # a deadlock or anything else fails the test below
        outcomes.append(("error", repr(error)))
    finally:
        connections.close_all()


def count_on_hand(record_id: int, barrier, stop: threading.Event, updates: list) -> None:
    try:
        barrier.wait()
        while not stop.is_set():
            set_on_hand(stockrecord_id=record_id, quantity=UNITS)
            updates.append(1)
    finally:
        connections.close_all()


@pytest.mark.serial
@pytest.mark.alone  # 65 connections at once: not beside the other tests
@pytest.mark.django_db(transaction=True)
def test_64_buyers_never_oversell_10_units(postgresql):
    users = [UserFactory() for _ in range(BUYERS)]
    for repetition in range(REPETITIONS):
        shop = ShopFactory()
        record = make_offer(shop, on_hand=UNITS, title=f"Laatste exemplaren {repetition}")
        baskets = [make_basket(user, (record, 1)).pk for user in users]
        choices = {shop.partner_id: PartChoice(method="collect")}
        outcomes, updates = [], []
        # A buyer that fails before the barrier (no connection left) breaks it, not hangs it.
        barrier, stop = threading.Barrier(BUYERS + 1, timeout=60), threading.Event()
        pos = threading.Thread(target=count_on_hand, args=(record.pk, barrier, stop, updates))
        buyers = [
            threading.Thread(target=buy, args=(basket, user, choices, barrier, outcomes))
            for basket, user in zip(baskets, users, strict=True)
        ]
        for thread in [pos, *buyers]:
            thread.start()
        for thread in buyers:
            thread.join(timeout=120)
        stop.set()
        pos.join(timeout=30)

        errors = [o for o in outcomes if isinstance(o, tuple) and o[0] == "error"]
        assert errors == [], f"repetition {repetition}: {errors[:3]}"
        assert outcomes.count("sold") == UNITS, f"repetition {repetition}"
        assert outcomes.count(("out of stock", 0)) == BUYERS - UNITS
        assert updates, "POS counts arrived during the run"
        record.refresh_from_db()
        assert (record.num_in_stock, record.num_allocated) == (UNITS, UNITS)
        active = Reservation.objects.filter(stockrecord=record, state=ReservationState.ACTIVE)
        assert active.count() == UNITS
        assert Order.objects.filter(lines__stockrecord=record).count() == UNITS
