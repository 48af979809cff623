"""Property: however an order's refunds come (any amounts, any order), each is taken from the
order's charges payment-first so that no charge ever gives back more than it took, the
pieces of a refund add up to it to the cent, and a refund the charges cannot hold is
refused whole (nothing drawn)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from marketplace.payments.refund_pieces import ZERO, allocate

cents = st.integers(1, 20_000).map(lambda c: Decimal(c) / 100)
charges = st.lists(cents, min_size=1, max_size=3).map(
    lambda amounts: [(f"pi_{i}", amount) for i, amount in enumerate(amounts)]
)


@given(charges=charges, asks=st.lists(cents, max_size=8))
def test_refunds_never_take_more_from_a_charge_than_it_holds(charges, asks):
    drawn: dict[str, Decimal] = {}
    refunded = ZERO
    total = sum(amount for _, amount in charges)
    for due in asks:
        pieces = allocate(due=due, charges=charges, drawn=dict(drawn))
        if pieces is None:
            assert refunded + due > total, "refused although the charges hold it"
            continue
        assert sum(amount for _, amount in pieces) == due
        assert all(amount > 0 for _, amount in pieces)
        for reference, amount in pieces:
            drawn[reference] = drawn.get(reference, ZERO) + amount
        refunded += due
        for reference, amount in charges:
            assert drawn.get(reference, ZERO) <= amount
    # Payment first: a later charge is drawn on only once the ones before are used up.
    used = [drawn.get(reference, ZERO) for reference, _ in charges]
    for index in range(1, len(charges)):
        if used[index] > 0:
            assert all(used[i] == charges[i][1] for i in range(index))


def test_a_refund_past_the_payment_takes_the_rest_from_the_top_up():
    charges = [("pi_order", Decimal("12.50")), ("pi_top_up", Decimal("2.35"))]
    drawn = {"pi_order": Decimal("12.35")}

    assert allocate(due=Decimal("2.50"), charges=charges, drawn=drawn) == [
        ("pi_order", Decimal("0.15")),
        ("pi_top_up", Decimal("2.35")),
    ]
    assert allocate(due=Decimal("2.51"), charges=charges, drawn=drawn) is None
