"""The pure rules: the window, and line refunds that add up to the line's price."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.returns.rules import LineState, deadline, line_refund, return_amount, share


def test_the_window_is_the_law_s_14_days_or_the_shop_s_longer_one():
    received = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert deadline(received_at=received, shop_days=14) == datetime(2026, 3, 15, 12, tzinfo=UTC)
    assert deadline(received_at=received, shop_days=30) == datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert deadline(received_at=received, shop_days=3) == datetime(2026, 3, 15, 12, tzinfo=UTC)


def test_three_units_returned_one_by_one_add_up_to_the_line():
    line = LineState(price=Decimal("10.00"), quantity=3)
    first = line_refund(line, 1)
    second = line_refund(LineState(line.price, 3, 1), 1)
    third = line_refund(LineState(line.price, 3, 2), 1)
    assert (first, second, third) == (Decimal("3.33"), Decimal("3.34"), Decimal("3.33"))
    assert first + second + third == Decimal("10.00")


def test_the_delivery_fee_comes_back_with_the_last_goods_only():
    lines = {1: LineState(Decimal("5.00"), 2), 2: LineState(Decimal("7.50"), 1)}
    assert return_amount(lines, {1: 1}, Decimal("3.95")) == (Decimal("2.50"), False)
    assert return_amount(lines, {1: 2, 2: 1}, Decimal("3.95")) == (Decimal("16.45"), True)
    later = {1: LineState(Decimal("5.00"), 2, 1), 2: LineState(Decimal("7.50"), 1)}
    assert return_amount(later, {1: 1, 2: 1}, Decimal("3.95")) == (Decimal("13.95"), True)


def test_more_than_is_left_is_refused():
    with pytest.raises(ValueError, match="1 of 2 left"):
        line_refund(LineState(Decimal("5.00"), 2, 1), 2)
    with pytest.raises(ValueError):
        share(Decimal("1.00"), 3, 2)


@given(
    price=st.integers(1, 100_000).map(lambda c: Decimal(c) / 100),
    quantity=st.integers(1, 12),
    data=st.data(),
)
def test_any_split_of_a_line_adds_up_to_its_price(price, quantity, data):
    returned, total = 0, Decimal("0.00")
    while returned < quantity:
        units = data.draw(st.integers(1, quantity - returned))
        step = line_refund(LineState(price, quantity, returned), units)
        assert step >= 0
        total += step
        returned += units
    assert total == price
