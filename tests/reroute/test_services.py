"""A refused line's second chance, through the services on the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from logistics.part_states import LINE_REFUSED, TransitionRefused, refuse_line, reject_part
from marketplace.payments.models import Refund
from marketplace.reroute import services
from marketplace.reroute.models import ChanceStatus, SecondChance, TopUp, TopUpStatus
from marketplace.reroute.offers import offers_for
from tests.factories import ShopFactory, make_offer

from .helpers import also_sold_by, paid_order, two_line_order

pytestmark = pytest.mark.django_db
S = PartStatus


def refuse(part, line):
    return refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")


def reservation_of(line) -> Reservation:
    return Reservation.objects.get(order_line=line)


def test_a_refused_line_with_offers_is_held_and_the_rest_of_the_part_goes_on():
    order, part, line, elsewhere = two_line_order()
    refuse(part, line)
    line.refresh_from_db()
    assert line.status == LINE_REFUSED
    assert reservation_of(line).state == ReservationState.RELEASED
    pen = order.lines.exclude(pk=line.pk).get()
    assert reservation_of(pen).state == ReservationState.ACTIVE
    assert OrderPart.objects.get(pk=part.pk).status == S.PLACED
    chance = SecondChance.objects.get(line=line)
    assert (chance.status, chance.held) == (ChanceStatus.OPEN, Decimal("10.00"))
    assert not Refund.objects.filter(part=part).exists()  # held, not refunded yet
    [offer] = offers_for(line)
    assert (offer.stockrecord_id, offer.price) == (elsewhere.pk, Decimal("8.00"))
    assert offer.ready_at is not None


def test_a_refused_line_nobody_else_has_is_refunded_at_once():
    shop = ShopFactory()
    book, pen = make_offer(shop, price="10.00"), make_offer(shop, price="2.50")
    order, part = paid_order(shop, (book, 1), (pen, 1))
    line = order.lines.get(stockrecord=book)
    refuse(part, line)
    refund = Refund.objects.get(idempotency_key=f"refused-line-{line.pk}")
    assert (refund.amount, refund.part_id) == (Decimal("10.00"), part.pk)
    assert SecondChance.objects.get(line=line).status == ChanceStatus.REFUNDED


def test_moving_to_a_cheaper_shop_places_a_new_part_and_refunds_the_difference():
    order, part, line, elsewhere = two_line_order(other_price="8.00")
    refuse(part, line)
    chance = SecondChance.objects.get(line=line)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk, user=order.user)
    assert moved.top_up is None
    new_part = OrderPart.objects.get(order=order, shop__partner=elsewhere.partner)
    assert (new_part.status, new_part.method) == (S.PLACED, "collect")
    new_line = new_part.lines().get()
    assert new_line.line_price_incl_tax == Decimal("8.00")
    assert reservation_of(new_line).state == ReservationState.ACTIVE
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 1
    refund = Refund.objects.get(idempotency_key=f"refused-line-{line.pk}")
    assert refund.amount == Decimal("2.00")
    chance.refresh_from_db()
    assert (chance.status, chance.held) == (ChanceStatus.MOVED, Decimal("0.00"))
    with pytest.raises(services.MoveRefused):  # one step, once
        services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)


def test_moving_to_a_dearer_shop_waits_for_the_difference_then_places_the_part():
    order, part, line, elsewhere = two_line_order(other_price="12.35")
    refuse(part, line)
    chance = SecondChance.objects.get(line=line)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert moved.top_up.amount == Decimal("2.35")
    new_part = moved.top_up.part
    assert new_part.status == S.PENDING_PAYMENT
    assert services.pay_top_up(top_up_id=moved.top_up.pk, reference="t1")
    assert not services.pay_top_up(top_up_id=moved.top_up.pk, reference="t1")  # a replay
    new_part.refresh_from_db()
    assert new_part.status == S.PLACED
    assert not Refund.objects.filter(idempotency_key=f"refused-line-{line.pk}").exists()
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED


def test_a_cancelled_difference_gives_the_stock_back_and_reopens_the_choice():
    order, part, line, elsewhere = two_line_order(other_price="12.00")
    refuse(part, line)
    chance = SecondChance.objects.get(line=line)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert services.cancel_top_up(top_up_id=moved.top_up.pk)
    assert OrderPart.objects.get(pk=moved.top_up.part_id).status == S.CANCELLED
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 0
    assert TopUp.objects.get(pk=moved.top_up.pk).status == TopUpStatus.CANCELLED
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.OPEN


def test_declining_refunds_the_held_money_once():
    order, part, line, _elsewhere = two_line_order()
    refuse(part, line)
    chance = SecondChance.objects.get(line=line)
    assert services.decline(chance_id=chance.pk, user=order.user)
    assert not services.decline(chance_id=chance.pk)
    refund = Refund.objects.get(idempotency_key=f"refused-line-{line.pk}")
    assert refund.amount == Decimal("10.00")


def test_a_chance_nobody_chose_in_24_hours_is_refunded():
    order, part, line, _elsewhere = two_line_order()
    refuse(part, line)
    assert services.expire_chances(now=timezone.now() + timedelta(hours=23)) == 0
    assert services.expire_chances(now=timezone.now() + timedelta(hours=25)) == 1
    assert Refund.objects.get(idempotency_key=f"refused-line-{line.pk}").amount == Decimal("10.00")


def test_an_unpaid_difference_is_cancelled_and_refunded_when_the_time_runs_out():
    order, part, line, elsewhere = two_line_order(other_price="11.00")
    refuse(part, line)
    chance = SecondChance.objects.get(line=line)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    services.expire_chances(now=timezone.now() + timedelta(hours=25))
    assert OrderPart.objects.get(pk=moved.top_up.part_id).status == S.CANCELLED
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.REFUNDED
    assert Refund.objects.get(idempotency_key=f"refused-line-{line.pk}").amount == Decimal("10.00")


def test_find_it_elsewhere_moves_a_line_at_once_when_not_dearer():
    order, part, line, elsewhere = two_line_order(other_price="10.00", find_elsewhere=True)
    refuse(part, line)
    chance = SecondChance.objects.get(line=line)
    assert (chance.status, chance.automatic) == (ChanceStatus.MOVED, True)
    assert OrderPart.objects.get(order=order, shop__partner=elsewhere.partner).status == S.PLACED


def test_find_it_elsewhere_leaves_a_dearer_offer_to_the_consumer():
    order, part, line, elsewhere = two_line_order(other_price="10.01", find_elsewhere=True)
    refuse(part, line)
    assert SecondChance.objects.get(line=line).status == ChanceStatus.OPEN
    assert not OrderPart.objects.filter(shop__partner=elsewhere.partner).exists()


def test_refusing_the_last_line_rejects_the_part_and_refunds_what_is_left():
    order, part, line, _elsewhere = two_line_order()
    refuse(part, line)
    pen = order.lines.exclude(pk=line.pk).get()
    refuse(part, pen)
    assert OrderPart.objects.get(pk=part.pk).status == S.REJECTED
    refund = Refund.objects.get(idempotency_key=f"rejected-part-{part.pk}")
    assert refund.amount == Decimal("2.50")  # the book's 10.00 is held on its chance
    assert SecondChance.objects.get(line=line).held == Decimal("10.00")


def test_a_rejected_part_offers_every_line_elsewhere_with_nothing_held():
    order, part, line, elsewhere = two_line_order()
    reject_part(part_id=part.pk, shop_id=part.shop_id, reason="closed")
    chance = SecondChance.objects.get(line=line)
    assert (chance.status, chance.held) == (ChanceStatus.OPEN, Decimal("0.00"))
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert moved.top_up.amount == Decimal("8.00")


def test_a_line_is_refused_only_by_its_own_shop_and_only_once():
    order, part, line, _elsewhere = two_line_order()
    stranger = ShopFactory()
    with pytest.raises(TransitionRefused):
        refuse_line(part_id=part.pk, shop_id=stranger.pk, line_id=line.pk, reason="x")
    refuse(part, line)
    with pytest.raises(TransitionRefused):
        refuse(part, line)


def test_a_shop_that_already_has_a_part_in_the_order_is_offered_to_join_it():
    # Issue 22.6: it used to be left out (one part per shop); the line now joins that part
    # (tests/reroute/test_join_part.py).
    shop, other = ShopFactory(), ShopFactory()
    book = make_offer(shop, price="10.00")
    pen = make_offer(other, price="2.00")
    also_sold_by(other, book)
    from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
    from tests.factories import UserFactory, make_basket

    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (book, 1), (pen, 1)),
        user=consumer,
        choices={s.partner_id: PartChoice(method="collect") for s in (shop, other)},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    [offer] = offers_for(order.lines.get(stockrecord=book))
    assert offer.joins_part


def test_an_offer_without_enough_stock_is_not_shown():
    order, part, line, elsewhere = two_line_order(on_hand=0)
    assert offers_for(line) == []


def test_the_receipt_of_the_refusing_part_leaves_the_refused_line_out():
    from legal.receipts import receipt_content

    order, part, line, _elsewhere = two_line_order()
    refuse(part, line)
    titles = [row["title"] for row in receipt_content(OrderPart.objects.get(pk=part.pk))["lines"]]
    assert titles == ["Pen"]


def test_a_line_cannot_be_refused_without_a_listener_to_refund_it(monkeypatch):
    from collections import defaultdict

    from django.db import transaction

    from marketplace import events

    order, part, line, _elsewhere = two_line_order()
    monkeypatch.setattr(events, "listeners", defaultdict(list))
    with pytest.raises(events.NoListener), transaction.atomic():
        refuse(part, line)
    line.refresh_from_db()
    assert line.status != LINE_REFUSED
    assert reservation_of(line).state == ReservationState.ACTIVE
