"""Random sequences of reserve, expire, cancel, consume and POS counts keep stock consistent."""

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from oscar.core.loading import get_model

from inventory_sync.availability import available_units
from inventory_sync.models import Reservation, ReservationState
from inventory_sync.selectors import active_reserved_units
from inventory_sync.services import (
    OutOfStock,
    StockRequest,
    close_reservations,
    reserve_stock,
    set_on_hand,
)
from tests.factories import ShopFactory, make_offer

StockRecord = get_model("partner", "StockRecord")


class StockMachine(RuleBasedStateMachine):
    reservations = Bundle("reservations")

    def __init__(self):
        super().__init__()
        self.buffer = 1
        shop = ShopFactory(safety_buffer=self.buffer, open_every_day=False)
        self.record = make_offer(shop, on_hand=8)
        self.on_hand, self.reserved, self.open = 8, 0, {}

    def model_available(self) -> int:
        return max(0, self.on_hand - self.reserved - self.buffer)

    @rule(target=reservations, quantity=st.integers(1, 5))
    def reserve(self, quantity):
        expected = self.model_available() >= quantity
        try:
            with transaction.atomic():
                reserve_stock(requests=[StockRequest(self.record.pk, quantity, "x")])
                reservation = Reservation.objects.create(stockrecord=self.record, quantity=quantity)
        except OutOfStock as short:
            assert not expected
            assert short.available == self.model_available()
            return None
        assert expected
        self.reserved += quantity
        self.open[reservation.pk] = quantity
        return reservation.pk

    @rule(reservation=consumes(reservations), state=st.sampled_from(["expired", "released"]))
    def give_back(self, reservation, state):
        if reservation is None:
            return
        closed = close_reservations(reservation_ids=[reservation], state=state)
        assert closed == 1
        self.reserved -= self.open.pop(reservation)
        assert close_reservations(reservation_ids=[reservation], state=state) == 0

    @rule(reservation=consumes(reservations))
    def consume(self, reservation):
        if reservation is None:
            return
        close_reservations(reservation_ids=[reservation], state=ReservationState.CONSUMED)
        quantity = self.open.pop(reservation)
        self.reserved -= quantity
        self.on_hand = max(0, self.on_hand - quantity)

    @rule(count=st.integers(0, 15))
    def pos_count(self, count):
        set_on_hand(stockrecord_id=self.record.pk, quantity=count)
        self.on_hand = count

    @invariant()
    def stock_agrees(self):
        record = StockRecord.objects.get(pk=self.record.pk)
        assert record.num_in_stock == self.on_hand >= 0
        assert record.num_allocated == self.reserved >= 0
        assert active_reserved_units(stockrecord_id=record.pk) == self.reserved
        assert available_units(stockrecord_id=record.pk) == self.model_available() >= 0


@pytest.mark.django_db
def test_stock_stays_consistent_under_random_operations():
    run_state_machine_as_test(
        StockMachine,
        settings=settings(max_examples=60, stateful_step_count=25, deadline=None),
    )
