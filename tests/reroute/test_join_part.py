"""A refused line moved to a shop that already has a part in the order joins that part
(marketplace/reroute/join_part.py): offers, totals, ledger, stock, the shop's page and
e-mail, the safe point, and the refunds of that part later."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from inventory_sync.models import Reservation, ReservationState
from logistics import part_states
from logistics.models import OrderPart, PartStatus
from marketplace.commission.ledger import open_payout
from marketplace.commission.models import LineCommission, PartCommission, PartPayout
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.payments.models import Refund, Transfer
from marketplace.reroute import services
from marketplace.reroute.models import ChanceStatus, JoinedLine, SecondChance, TopUp, TopUpStatus
from marketplace.reroute.offers import not_offered, offers_for
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_owner

from .helpers import also_sold_by

pytestmark = pytest.mark.django_db
S = PartStatus
ZERO = Decimal("0.00")


def order_at_two_shops(*, other_price="8.00", on_hand=5):
    """Shop A: a book (10.00) and a pen (2.50); shop B: a mug (6.00), and the book too."""
    shop, other = ShopFactory(), ShopFactory()
    book = make_offer(shop, price="10.00", title="Book")
    pen = make_offer(shop, price="2.50", title="Pen")
    mug = make_offer(other, price="6.00", title="Mug")
    elsewhere = also_sold_by(other, book, price=other_price, on_hand=on_hand)
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (book, 1), (pen, 1), (mug, 1)),
        user=consumer,
        choices={s.partner_id: PartChoice(method="collect") for s in (shop, other)},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part = OrderPart.objects.select_related("shop__partner").get(order=order, shop=shop)
    joined = OrderPart.objects.select_related("shop__partner").get(order=order, shop=other)
    line = order.lines.get(stockrecord=book)
    return order, part, joined, line, elsewhere


def refuse(part, line):
    part_states.refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="")
    return SecondChance.objects.get(line=line)


def ledger(part):
    payout = open_payout(part=part)
    return {name: getattr(payout, name) for name in (*PartPayout.LEDGER_FIELDS, "delivery_fee")}


def test_the_offer_lists_a_shop_that_already_has_a_part_in_the_order():
    order, part, joined, line, elsewhere = order_at_two_shops()
    refuse(part, line)
    [offer] = offers_for(line)
    assert (offer.stockrecord_id, offer.price, offer.joins_part) == (
        elsewhere.pk,
        Decimal("8.00"),
        True,
    )
    assert not_offered(line) == []


def test_a_cheaper_move_adds_the_line_to_the_existing_part():
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="8.00")
    chance = refuse(part, line)
    before = ledger(joined)
    snapshot = PartCommission.objects.get(part=joined)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert moved.top_up is None
    assert OrderPart.objects.filter(order=order).count() == 2  # no new part
    joined.refresh_from_db()
    assert (joined.status, joined.method) == (S.PLACED, "collect")
    assert joined.subtotal_incl_vat == Decimal("14.00")
    assert joined.delivery_fee_incl_vat == ZERO
    titles = sorted(joined.lines().values_list("title", flat=True))
    assert titles == ["Book", "Mug"]
    new_line = joined.lines().get(title="Book")
    assert new_line.line_price_incl_tax == Decimal("8.00")
    reservation = Reservation.objects.get(order_line=new_line)
    assert (reservation.state, reservation.quantity) == (ReservationState.ACTIVE, 1)
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 1
    # The ledger: 8.00 more charged; 5% commission 0.40 + 21% VAT 0.08; the card fee share
    # of iDEAL (0% + a fixed 0.29 per charge: nothing on an added line); the rest to the shop.
    after = ledger(joined)
    assert after["charged"] - before["charged"] == Decimal("8.00")
    assert after["commission"] - before["commission"] == Decimal("0.40")
    assert after["vat_on_commission"] - before["vat_on_commission"] == Decimal("0.08")
    fee = after["payment_fee"] - before["payment_fee"]
    assert after["transferred"] - before["transferred"] == Decimal("7.52") - fee
    assert after["delivery_fee"] == before["delivery_fee"]
    snapshot_after = PartCommission.objects.get(pk=snapshot.pk)
    assert snapshot_after.gross == snapshot.gross + Decimal("8.00")
    assert snapshot_after.commission == snapshot.commission + Decimal("0.40")
    assert LineCommission.objects.get(order_line=new_line).commission == Decimal("0.40")
    refund = Refund.objects.get(idempotency_key=f"refused-line-{line.pk}")
    assert (refund.amount, refund.part_id) == (Decimal("2.00"), part.pk)
    chance.refresh_from_db()
    assert (chance.status, chance.held, chance.new_line_id) == (
        ChanceStatus.MOVED,
        ZERO,
        new_line.pk,
    )
    assert JoinedLine.objects.get(chance=chance).line_id == new_line.pk
    from legal.receipts import receipt_content

    receipt = receipt_content(OrderPart.objects.get(pk=joined.pk))
    assert sorted(row["title"] for row in receipt["lines"]) == ["Book", "Mug"]
    assert receipt["total"] == "14.00"


def test_a_dearer_move_adds_the_line_only_once_the_difference_is_paid():
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="12.35")
    chance = refuse(part, line)
    before = ledger(joined)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert moved.top_up.amount == Decimal("2.35")
    assert moved.top_up.part_id == joined.pk
    assert joined.lines().count() == 1  # not yet: the shop sees nothing unpaid
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 1  # but the unit is kept for the consumer
    assert services.pay_top_up(top_up_id=moved.top_up.pk, reference="t1")
    assert not services.pay_top_up(top_up_id=moved.top_up.pk, reference="t1")  # a replay
    joined.refresh_from_db()
    assert joined.status == S.PLACED
    assert joined.subtotal_incl_vat == Decimal("18.35")
    new_line = joined.lines().get(title="Book")
    assert Reservation.objects.get(order_line=new_line).state == ReservationState.ACTIVE
    assert ledger(joined)["charged"] - before["charged"] == Decimal("12.35")
    assert not Refund.objects.filter(idempotency_key=f"refused-line-{line.pk}").exists()
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED
    assert OrderPart.objects.filter(order=order).count() == 2


def test_a_cancelled_difference_gives_the_unit_back_and_leaves_the_part_alone():
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="12.00")
    chance = refuse(part, line)
    before = ledger(joined)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert services.cancel_top_up(top_up_id=moved.top_up.pk)
    joined.refresh_from_db()
    assert (joined.status, joined.subtotal_incl_vat) == (S.PLACED, Decimal("6.00"))
    assert ledger(joined) == before
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 0
    assert TopUp.objects.get(pk=moved.top_up.pk).status == TopUpStatus.CANCELLED
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.OPEN


def test_a_difference_paid_after_the_shop_packed_the_part_goes_back():
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="12.00")
    chance = refuse(part, line)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    part_states.accept_part(part_id=joined.pk, shop_id=joined.shop_id)
    part_states.mark_ready(part_id=joined.pk, shop_id=joined.shop_id)
    assert not services.pay_top_up(top_up_id=moved.top_up.pk, reference="late")
    assert TopUp.objects.get(pk=moved.top_up.pk).status == TopUpStatus.REFUNDED
    assert joined.lines().count() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 0
    chance.refresh_from_db()
    assert (chance.status, chance.held) == (ChanceStatus.OPEN, Decimal("10.00"))


def test_find_it_elsewhere_adds_the_line_to_the_existing_part_at_once():
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="10.00")
    services.remember_preference(order=order, find_elsewhere=True)
    chance = refuse(part, line)
    assert (chance.status, chance.automatic) == (ChanceStatus.MOVED, True)
    assert sorted(joined.lines().values_list("title", flat=True)) == ["Book", "Mug"]


def test_the_shop_sees_the_added_line_on_its_page_and_in_an_e_mail(
    django_capture_on_commit_callbacks,
):
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="8.00")
    joined.shop.email = "winkel@example.test"
    joined.shop.save(update_fields=["email"])
    chance = refuse(part, line)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    to_shop = [m for m in mail.outbox if m.to == ["winkel@example.test"]]
    [email] = to_shop
    assert order.number in email.subject
    assert "1 × Book" in email.body and "14.00" in email.body.replace(",", ".")
    assert part.shop.partner.name not in email.body  # not which shop refused it
    assert "10.00" not in email.body.replace(",", ".")  # nor that shop's price
    page = client_for(make_owner(joined.shop)).get(reverse("shop:part", args=[joined.pk]))
    html = page.content.decode()
    assert "Book" in html and "Added later" in html
    assert "14.00" in html.replace(",", ".")


@pytest.mark.parametrize("step", ["ready", "collected"])
def test_past_the_safe_point_the_shop_is_not_offered_and_the_reason_is_shown(step):
    order, part, joined, line, elsewhere = order_at_two_shops()
    part_states.accept_part(part_id=joined.pk, shop_id=joined.shop_id)
    part_states.mark_ready(part_id=joined.pk, shop_id=joined.shop_id)
    if step == "collected":
        part_states.hand_over(part_id=joined.pk, shop_id=joined.shop_id, code=joined.pickup_code)
    chance = refuse(part, line)
    assert offers_for(line) == []
    [left_out] = not_offered(line)
    assert left_out.shop_name == joined.shop.partner.name
    assert "already" in left_out.reason
    with pytest.raises(services.MoveRefused):
        services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert joined.lines().count() == 1
    # Nowhere else to get it: refunded at once, as a line nobody else has.
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.REFUNDED
    assert Refund.objects.get(idempotency_key=f"refused-line-{line.pk}").amount == Decimal("10.00")


def test_the_order_page_says_why_a_packed_part_is_not_offered():
    order, part, joined, line, elsewhere = order_at_two_shops()
    third = ShopFactory()
    also_sold_by(third, elsewhere, price="9.00")  # somewhere else still has it
    part_states.accept_part(part_id=joined.pk, shop_id=joined.shop_id)
    part_states.mark_ready(part_id=joined.pk, shop_id=joined.shop_id)
    refuse(part, line)
    page = client_for(order.user).get(reverse("ordering:order", args=[order.number]))
    html = page.content.decode()
    assert f"{joined.shop.partner.name} has it too, but your part there is already" in html
    assert third.partner.name in html


def test_a_part_with_a_refund_already_is_not_joined():
    shop, other = ShopFactory(), ShopFactory()
    book = make_offer(shop, price="10.00", title="Book")
    pen = make_offer(shop, price="2.50", title="Pen")
    mug, cup = make_offer(other, price="6.00"), make_offer(other, price="3.00")
    elsewhere = also_sold_by(other, book, price="8.00")
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (book, 1), (pen, 1), (mug, 1), (cup, 1)),
        user=consumer,
        choices={s.partner_id: PartChoice(method="collect") for s in (shop, other)},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part, joined = (OrderPart.objects.get(order=order, shop=s) for s in (shop, other))
    refuse(joined, order.lines.get(stockrecord=cup))  # refunded: nobody else has it
    line = order.lines.get(stockrecord=book)
    refuse(part, line)
    assert offers_for(line) == []
    assert "refunded" in not_offered(line)[0].reason
    assert elsewhere.pk


def test_rejecting_the_joined_part_later_refunds_its_lines_and_the_added_one():
    order, part, joined, line, elsewhere = order_at_two_shops(other_price="8.00")
    chance = refuse(part, line)
    services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    part_states.reject_part(part_id=joined.pk, shop_id=joined.shop_id, reason="closed")
    refund = Refund.objects.get(idempotency_key=f"rejected-part-{joined.pk}")
    assert refund.amount == Decimal("14.00")  # the mug and the book that joined
    after = ledger(joined)
    assert after["refunded"] == after["charged"] == Decimal("14.00")
    assert after["commission_reversed"] == after["commission"]
    elsewhere.refresh_from_db()
    assert elsewhere.num_allocated == 0
    assert not SecondChance.objects.filter(line__partner_id=joined.shop.partner_id).exists()


def test_returning_the_added_line_refunds_its_price_and_reverses_the_transfer():
    from marketplace.returns import services as returns

    order, part, joined, line, elsewhere = order_at_two_shops(other_price="8.00")
    chance = refuse(part, line)
    services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    part_states.accept_part(part_id=joined.pk, shop_id=joined.shop_id)
    part_states.mark_ready(part_id=joined.pk, shop_id=joined.shop_id)
    part_states.hand_over(part_id=joined.pk, shop_id=joined.shop_id, code=joined.pickup_code)
    transfer = Transfer.objects.get(payout__part=joined)
    money = ledger(joined)
    assert transfer.amount == money["transferred"]
    new_line = joined.lines().get(title="Book")
    request = returns.request_return(
        part_id=joined.pk, consumer=order.user, chosen={new_line.pk: 1}, method="bring"
    )
    returns.confirm_receipt(return_id=request.pk, shop_id=joined.shop_id, put_back_goods=True)
    refund = Refund.objects.get(idempotency_key=f"return-{request.pk}")
    assert refund.amount == Decimal("8.00")
    after = ledger(joined)
    assert after["refunded"] == Decimal("8.00")
    assert after["transfer_reversed"] + after["commission_reversed"] + after[
        "vat_on_commission_reversed"
    ] + after["payment_fee_reversed"] == Decimal("8.00")


def test_a_line_joining_a_delivery_part_keeps_its_slot_and_one_delivery_fee():
    from tests.factories import make_slot, make_zone
    from tests.ordering.test_place_order import ADDRESS

    shop, other = ShopFactory(), ShopFactory()
    book = make_offer(shop, price="10.00", title="Book")
    pen = make_offer(shop, price="2.50", title="Pen")
    cheese = make_offer(other, price="12.50", title="Cheese")
    elsewhere = also_sold_by(other, book, price="9.00")
    slot = make_slot(make_zone(), capacity=2)
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (book, 1), (pen, 1), (cheese, 1)),
        user=consumer,
        choices={
            shop.partner_id: PartChoice(method="collect"),
            other.partner_id: PartChoice(method="delivery", slot_id=slot.pk),
        },
        address=ADDRESS,
    )
    confirm_order_paid(order_id=order.pk)
    part, joined = (OrderPart.objects.get(order=order, shop=s) for s in (shop, other))
    fee = joined.delivery_fee_incl_vat
    assert fee == Decimal("4.95")
    before = ledger(joined)
    chance = refuse(part, order.lines.get(stockrecord=book))
    services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    joined.refresh_from_db()
    assert (joined.method, joined.slot_id, joined.delivery_fee_incl_vat) == (
        "delivery",
        slot.pk,
        fee,
    )
    assert joined.subtotal_incl_vat == Decimal("21.50")
    assert joined.total_incl_vat == Decimal("26.45")
    slot.refresh_from_db()
    assert OrderPart.objects.filter(slot=slot).count() == 1  # no second place taken
    after = ledger(joined)
    assert after["delivery_fee"] == before["delivery_fee"] == fee
    assert after["charged"] - before["charged"] == Decimal("9.00")
    assert Refund.objects.get(idempotency_key=f"refused-line-{chance.line_id}").amount == (
        Decimal("1.00")
    )


def test_the_shop_e_mail_and_page_escape_a_hostile_title(django_capture_on_commit_callbacks):
    hostile = '<script>alert("x")</script>'
    shop, other = ShopFactory(), ShopFactory(email="winkel@example.test")
    book = make_offer(shop, price="10.00", title=hostile)
    pen = make_offer(shop, price="2.50")
    mug = make_offer(other, price="6.00")
    elsewhere = also_sold_by(other, book, price="8.00")
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (book, 1), (pen, 1), (mug, 1)),
        user=consumer,
        choices={s.partner_id: PartChoice(method="collect") for s in (shop, other)},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part, joined = (OrderPart.objects.get(order=order, shop=s) for s in (shop, other))
    chance = refuse(part, order.lines.get(stockrecord=book))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    [email] = [m for m in mail.outbox if m.to == ["winkel@example.test"]]
    html = email.alternatives[0][0]
    assert hostile not in html and "&lt;script&gt;" in html
    page = client_for(make_owner(other)).get(reverse("shop:part", args=[joined.pk]))
    assert hostile not in page.content.decode() and "&lt;script&gt;" in page.content.decode()
    # Another shop gets a 404 for this part, and its e-mail went to this shop only.
    stranger = client_for(make_owner(shop)).get(reverse("shop:part", args=[joined.pk]))
    assert stranger.status_code == 404
