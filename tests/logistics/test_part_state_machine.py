"""The state machine of an order part over every (from, to) pair of statuses: the allowed
steps move the part and set their timestamp, every other pair is refused with nothing
changed. The table is written out here, not read from TRANSITIONS, so a change to the
machine has to change this table too."""

import itertools

import pytest
from django.utils import timezone

from logistics.models import OrderPart, PartStatus
from logistics.part_states import TRANSITIONS, TransitionRefused, move, move_order_parts
from marketplace.ordering.services import PartChoice, place_order
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

pytestmark = pytest.mark.django_db
S = PartStatus

# (from, to): the timestamp the step sets
ALLOWED = {
    (S.PENDING_PAYMENT, S.PLACED): "placed_at",
    (S.PENDING_PAYMENT, S.CANCELLED): "cancelled_at",
    (S.PLACED, S.ACCEPTED): "accepted_at",
    (S.PLACED, S.REJECTED): "rejected_at",
    (S.PLACED, S.CANCELLED): "cancelled_at",
    (S.ACCEPTED, S.REJECTED): "rejected_at",
    (S.ACCEPTED, S.READY): "ready_at",
    (S.ACCEPTED, S.CANCELLED): "cancelled_at",
    (S.READY, S.COLLECTED): "completed_at",
    (S.READY, S.HANDED_OVER): "handed_over_at",
    (S.READY, S.CANCELLED): "cancelled_at",
    (S.HANDED_OVER, S.AT_HUB): "at_hub_at",
    (S.HANDED_OVER, S.DELIVERED): "completed_at",
    (S.AT_HUB, S.COLLECTED): "completed_at",
    (S.AT_HUB, S.CANCELLED): "cancelled_at",
}
STAMPS = sorted({stamp for _, stamp in TRANSITIONS.values()})
PAIRS = list(itertools.product(S.values, S.values))


def unpaid_order(shop):
    consumer = UserFactory()
    return place_order(
        basket=make_basket(consumer, (make_offer(shop), 1)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )


@pytest.fixture
def part():
    shop = ShopFactory()
    return OrderPart.objects.get(order=unpaid_order(shop))


def put_in(part, status) -> dict:
    """The part as a test needs it: in `status`, with no step's timestamp yet."""
    part.status = status
    for stamp in STAMPS:
        setattr(part, stamp, None)
    part.save(update_fields=["status", *STAMPS])
    return OrderPart.objects.values().get(pk=part.pk)


def test_the_table_is_the_machine():
    machine = {
        (source, to): stamp for to, (sources, stamp) in TRANSITIONS.items() for source in sources
    }
    assert machine == ALLOWED


@pytest.mark.parametrize(("source", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_of_statuses(part, source, to):
    before = put_in(part, source)
    started = timezone.now()
    if (source, to) not in ALLOWED:
        with pytest.raises(TransitionRefused):
            move(part_id=part.pk, shop_id=part.shop_id, to=to)
        assert OrderPart.objects.values().get(pk=part.pk) == before
        return
    moved = move(part_id=part.pk, shop_id=part.shop_id, to=to)
    after = OrderPart.objects.values().get(pk=part.pk)
    stamp = ALLOWED[(source, to)]
    assert moved.status == after["status"] == to
    assert started <= after[stamp] <= timezone.now()
    # Nothing else changed: not the other timestamps, not the part's other fields.
    assert {k: v for k, v in after.items() if k not in ("status", stamp)} == {
        k: v for k, v in before.items() if k not in ("status", stamp)
    }


def test_another_shops_part_is_refused_with_nothing_changed(part):
    before = put_in(part, S.PLACED)
    other = ShopFactory()
    with pytest.raises(TransitionRefused):
        move(part_id=part.pk, shop_id=other.pk, to=S.ACCEPTED)
    assert OrderPart.objects.values().get(pk=part.pk) == before


def test_the_parts_of_an_order_move_together_and_only_from_the_states_asked():
    books, cheese = ShopFactory(), ShopFactory()
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (make_offer(books), 1), (make_offer(cheese), 1)),
        user=consumer,
        choices={
            books.partner_id: PartChoice(method="collect"),
            cheese.partner_id: PartChoice(method="collect"),
        },
        address=None,
    )
    first, second = OrderPart.objects.filter(order=order).order_by("pk")
    put_in(second, S.PLACED)

    moved = move_order_parts(
        order_id=order.pk, to=S.CANCELLED, sources={S.PENDING_PAYMENT}, reason="payment expired"
    )

    assert [part.pk for part in moved] == [first.pk]
    assert moved[0].status == S.CANCELLED and moved[0].reason == "payment expired"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reason) == (S.CANCELLED, "payment expired")
    assert first.cancelled_at is not None
    assert (second.status, second.cancelled_at) == (S.PLACED, None)
    # Again: nothing left in the asked state, nothing moves.
    assert move_order_parts(order_id=order.pk, to=S.CANCELLED, sources={S.PENDING_PAYMENT}) == []


def test_an_order_step_from_a_state_the_machine_does_not_allow_is_an_error(part):
    with pytest.raises(ValueError):
        move_order_parts(order_id=part.order_id, to=S.PLACED, sources={S.CANCELLED})
    assert OrderPart.objects.get(pk=part.pk).status == S.PENDING_PAYMENT
