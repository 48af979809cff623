"""Property, on the database: for any sequence of line refusals, moves (cheaper or dearer,
the difference paid or cancelled; to a new part, or joining the part the other shop already
has in the order), refunds, expiries, part rejections and hand-overs,

    payment + paid top-ups − refunds
        == transfers (made or still due) + commission, VAT and card fees + money held

for the order, to the cent (marketplace/reroute/money.py)."""

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from logistics import part_states
from logistics.models import OrderPart, PartStatus
from marketplace.commission.ledger import money_of, open_payout
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.payments.models import Refund, Transfer
from marketplace.payments.transfers import reversed_of
from marketplace.reroute import services
from marketplace.reroute.models import (
    ChanceStatus,
    JoinedLine,
    SecondChance,
    TopUp,
    TopUpStatus,
)
from marketplace.reroute.services import remember_preference
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

from .helpers import also_sold_by, paid_order

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")
S = PartStatus

cents = st.integers(1, 9_999).map(lambda c: Decimal(c) / 100)
orders = st.tuples(
    st.lists(st.tuples(cents, cents, cents), min_size=1, max_size=3),  # own, 2 others
    st.booleans(),  # find it elsewhere
    st.one_of(st.none(), cents),  # the first other shop already in the order: a move joins
)
# Weighted towards what reaches the moves: a refusal, then a move, then its payment.
ACTIONS = (
    ["refuse"] * 3
    + ["move"] * 3
    + ["pay"] * 2
    + [
        "cancel",
        "decline",
        "expire",
        "reject",
        "reject other",
        "hand over",
    ]
)
steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2), st.integers(0, 1)), max_size=10
)


def build(lines, find_elsewhere, joined_price=None):
    shop, others = ShopFactory(), [ShopFactory(), ShopFactory()]
    records = []
    for own, *elsewhere in lines:
        record = make_offer(shop, price=str(own))
        for other, price in zip(others, elsewhere, strict=True):
            also_sold_by(other, record, price=str(price), on_hand=1)
        records.append(record)
    if joined_price is None:
        order, part = paid_order(shop, *[(r, 1) for r in records], find_elsewhere=find_elsewhere)
        return order, part, others
    own, consumer = make_offer(others[0], price=str(joined_price)), UserFactory()
    order = place_order(
        basket=make_basket(consumer, *[(r, 1) for r in records], (own, 1)),
        user=consumer,
        choices={s.partner_id: PartChoice(method="collect") for s in (shop, others[0])},
        address=None,
    )
    remember_preference(order=order, find_elsewhere=find_elsewhere)
    confirm_order_paid(order_id=order.pk)
    return (
        order,
        OrderPart.objects.select_related("shop__partner").get(order=order, shop=shop),
        others,
    )


def act(order, part, others, action, index, which):
    lines = list(order.lines.filter(partner_id=part.shop.partner_id).order_by("pk"))
    line = lines[index % len(lines)]
    chance = SecondChance.objects.filter(line=line).first()
    top_up = TopUp.objects.filter(chance=chance, status=TopUpStatus.PENDING).first()
    if action == "refuse":
        part_states.refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="")
    elif action == "move" and chance:
        record = line.product.stockrecords.get(partner=others[which].partner)
        services.move_line(chance_id=chance.pk, stockrecord_id=record.pk)
    elif action == "pay" and top_up:
        services.pay_top_up(top_up_id=top_up.pk, reference=f"test-{top_up.pk}")
    elif action == "cancel" and top_up:
        services.cancel_top_up(top_up_id=top_up.pk)
    elif action == "decline" and chance:
        services.decline(chance_id=chance.pk)
    elif action == "expire":
        services.expire_chances(now=timezone.now() + timedelta(hours=25))
    elif action == "reject":
        part_states.reject_part(part_id=part.pk, shop_id=part.shop_id, reason="")
    elif action == "reject other":
        for other in OrderPart.objects.filter(order=order).exclude(pk=part.pk):
            part_states.reject_part(part_id=other.pk, shop_id=other.shop_id, reason="")
            break
    elif action == "hand over":
        hand_over_all(order)


def hand_over_all(order):
    for part in OrderPart.objects.filter(order=order, status__in=[S.PLACED, S.ACCEPTED]):
        if part.status == S.PLACED:
            part_states.accept_part(part_id=part.pk, shop_id=part.shop_id)
        part_states.mark_ready(part_id=part.pk, shop_id=part.shop_id)
        part_states.hand_over(part_id=part.pk, shop_id=part.shop_id, code=part.pickup_code)


def check(order):
    payment = order.payment
    charged = payment.amount + (
        TopUp.objects.filter(part__order=order, status=TopUpStatus.PAID).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    refunded = Refund.objects.filter(payment=payment).aggregate(total=Sum("amount"))["total"]
    held = SecondChance.objects.filter(
        part__order=order, status__in=[ChanceStatus.OPEN, ChanceStatus.AWAITING_PAYMENT]
    ).aggregate(total=Sum("held"))["total"]
    kept = ZERO
    for part in OrderPart.objects.filter(order=order).exclude(
        status__in=[S.PENDING_PAYMENT, S.CANCELLED]
    ):
        payout = open_payout(part=part)
        transfer = Transfer.objects.filter(payout=payout).first()
        money = money_of(
            payout,
            transfer=transfer.amount if transfer else None,
            reversed_=reversed_of(transfer),
        )
        shop_gets = money.paid_to_shop if transfer else money.ledger.net_transfer
        assert shop_gets >= 0 and money.platform_fees >= 0
        kept += shop_gets + money.platform_fees
    assert charged - (refunded or ZERO) == kept + (held or ZERO)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=orders, sequence=steps)
def test_every_cent_is_paid_out_kept_refunded_or_held(shape, sequence):
    order, part, others = build(*shape)
    for action, index, which in sequence:
        # A step the state does not allow is refused and changes nothing.
        with contextlib.suppress(part_states.TransitionRefused, services.MoveRefused):
            act(order, part, others, action, index, which)
        part.refresh_from_db()
        check(order)
    event(f"top-ups paid {TopUp.objects.filter(part__order=order, status='paid').count()}")
    event(f"moved {SecondChance.objects.filter(part__order=order, status='moved').count()}")
    event(f"joined {JoinedLine.objects.filter(part__order=order, line__isnull=False).count()}")
    services.expire_chances(now=timezone.now() + timedelta(hours=25))
    check(order)
    assert not SecondChance.objects.filter(
        part__order=order, status__in=[ChanceStatus.OPEN, ChanceStatus.AWAITING_PAYMENT]
    ).exists()


# Moves into the part the other shop already has: every example starts by refusing a line
# and moving it there (paid when dearer), then goes on at random, with hand-overs, returns
# of that part's goods by rejection, and further refusals of the joined line itself.
joined_orders = st.tuples(
    st.lists(st.tuples(cents, cents, cents), min_size=1, max_size=3), st.booleans(), cents
)
JOIN_FIRST = [("refuse", 0, 0), ("move", 0, 0), ("pay", 0, 0)]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=joined_orders, sequence=steps)
def test_moves_into_an_existing_part_keep_every_cent(shape, sequence):
    order, part, others = build(*shape)
    for action, index, which in JOIN_FIRST + sequence:
        with contextlib.suppress(part_states.TransitionRefused, services.MoveRefused):
            act(order, part, others, action, index, which)
        part.refresh_from_db()
        check(order)
    joined = JoinedLine.objects.filter(part__order=order, line__isnull=False).count()
    event(f"joined {joined}")
    services.expire_chances(now=timezone.now() + timedelta(hours=25))
    check(order)
    assert OrderPart.objects.filter(order=order).count() <= 3
