"""A refused line moved to a shop that already has a part in the order: the line joins that
part instead of a new one (one part per shop and order).

When: only while the part is placed or accepted (offers.JOINABLE) and nothing of it was
refunded yet (offers.join_refusal). Until then its goods are not packed and its money is
not fixed: the shop's transfer is made from the ledger when the goods leave the shop
(commission.part_transfers.schedule_part_transfer), so a line added before is simply in it.

Money: the ledger of the part (PartPayout) is opened first, as it stood, and the line's own
figures are added to it: its price to the charge, its commission (the shop's plan, no second
fixed fee per part), the VAT on that, and the payment method's percentage on it as the card
fee share; the commission snapshot gets the line too, and the part's subtotal. The delivery
fee and the method stay the part's. The held money pays first, as for a new part
(money.py): cheaper, the difference is refunded; dearer, the stock is reserved now and the
line joins once the difference (a TopUp on this part) is paid.

Locks, in this order (as the shop's own steps take them): the chance, the part row, the
stock record (reserve_stock), the part's payout row. The shop's accept, ready or hand-over
waits for the move, or the move sees the part packed and is refused.
"""

from dataclasses import replace
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from inventory_sync.models import Reservation, ReservationState
from inventory_sync.services import OutOfStock, StockRequest, close_reservations, reserve_stock
from logistics.models import OrderPart
from marketplace.commission.fees import SaleLine, part_commission, payment_fee
from marketplace.commission.ledger import store_money
from marketplace.commission.models import LineCommission, PartCommission
from marketplace.commission.part_money import PartMoney
from marketplace.commission.part_transfers import locked_payout
from marketplace.commission.refunds import PartLedger, open_part_ledger
from marketplace.commission.services import category_path_of, plan_for, snapshot_part, terms_of
from marketplace.outbox import enqueue
from marketplace.payments.fees import rate_for
from marketplace.payments.gateway import get_gateway
from marketplace.payments.models import Payment, Transfer

from . import money
from .models import ChanceStatus, JoinedLine, SecondChance, TopUp, TopUpStatus
from .offers import join_refusal
from .services import Moved, MoveRefused, copy_line, mark_top_up_paid

ZERO = Decimal("0.00")


def move_into_part(*, chance: SecondChance, record, part_id: int, auto: bool) -> Moved:
    """move_line's step when `record`'s shop already has part `part_id` in the order. Call
    with the chance locked, inside move_line's transaction."""
    from .tasks import send_chance_email, send_line_added_email

    part = locked_joinable(part_id, record.partner.name, wait=not auto)
    line = chance.line
    price = record.price * line.quantity
    reservation = reserve(record, line.quantity)
    chance.automatic = auto
    if price > chance.held:
        top_up = TopUp.objects.create(
            chance=chance, part=part, amount=price - chance.held, gateway=get_gateway().name
        )
        JoinedLine.objects.create(
            chance=chance,
            part=part,
            stockrecord=record,
            reservation=reservation,
            price=price,
            top_up=top_up,
        )
        chance.status = ChanceStatus.AWAITING_PAYMENT
        chance.save(update_fields=["automatic", "status"])
        return Moved(chance=chance, top_up=top_up)
    money.give_back(chance=chance, amount=chance.held - price, reason="moved to a cheaper shop")
    joined = JoinedLine.objects.create(
        chance=chance, part=part, stockrecord=record, reservation=reservation, price=price
    )
    join(joined, part, chance)
    enqueue(send_chance_email, chance.pk, "moved")
    enqueue(send_line_added_email, joined.pk)
    return Moved(chance=chance, top_up=None)


def locked_joinable(part_id: int, shop_name: str, *, wait: bool = True) -> OrderPart:
    """The part, locked. An automatic move runs inside the refusing shop's transaction,
    which holds that shop's part: it does not wait for another part's lock (two shops of
    one order refusing at once, each moving to the other, would wait on each other), and
    leaves the choice to the consumer instead."""
    part = (
        OrderPart.objects.select_for_update(of=("self",), skip_locked=not wait)
        .select_related("order", "shop__partner")
        .filter(pk=part_id)
        .first()
    )
    if part is None:
        raise MoveRefused(_("%(shop)s is busy with your part; choose again.") % {"shop": shop_name})
    if join_refusal(part) is not None:
        raise MoveRefused(
            _("%(shop)s has just packed your part; choose another offer.") % {"shop": shop_name}
        )
    return part


def reserve(record, quantity: int) -> Reservation:
    """The same guarded reservation as a new part's; its line comes when the line joins."""
    try:
        reserve_stock(requests=[StockRequest(stockrecord_id=record.pk, quantity=quantity)])
    except OutOfStock as short:
        raise MoveRefused(
            _("%(shop)s has just sold its last one; choose another offer.")
            % {"shop": record.partner.name}
        ) from short
    return Reservation.objects.create(stockrecord=record, quantity=quantity, expires_at=None)


def join(joined: JoinedLine, part: OrderPart, chance: SecondChance) -> None:
    """The line becomes the part's: its reservation, ledger, snapshot, subtotal; the chance
    is done. The part is locked by the caller."""
    add_to_ledger(part, joined.price, chance.line)  # before the line exists (see there)
    new_line = copy_line(chance.line, joined.stockrecord)
    Reservation.objects.filter(pk=joined.reservation_id).update(order_line=new_line)
    add_to_snapshot(part, new_line)
    OrderPart.objects.filter(pk=part.pk).update(
        subtotal_incl_vat=part.subtotal_incl_vat + new_line.line_price_incl_tax
    )
    JoinedLine.objects.filter(pk=joined.pk).update(line=new_line)
    chance.new_line = new_line
    chance.status = ChanceStatus.MOVED
    chance.held = ZERO
    chance.closed_at = timezone.now()
    chance.save(update_fields=["new_line", "automatic", "status", "held", "closed_at"])


def line_ledger(part: OrderPart, price: Decimal, line) -> tuple[PartLedger, list]:
    """The added line's own ledger: commission on the plan as it stands (like a new part's
    snapshot), no second fixed fee, the method's percentage as its card fee share."""
    terms = replace(terms_of(plan_for(part.shop)), fixed_fee_per_part=ZERO)
    path = category_path_of(line.product)
    figures = part_commission(
        terms=terms, lines=[SaleLine(line_total_incl_vat=price, category_path=path)]
    )
    payment = Payment.objects.filter(order_id=part.order_id).first()
    rate = rate_for(payment.method if payment else "")
    share = payment_fee(amount=price, percentage=rate.percentage, fixed=ZERO)
    ledger = open_part_ledger(commission=figures, payment_fee_share=share)
    return ledger, [terms.percentage_for(path), figures.line_commissions[0]]


def add_to_ledger(part: OrderPart, price: Decimal, line) -> None:
    """Opens the part's ledger as it stood (from its snapshot, before the new line exists,
    which snapshot_part would otherwise take in) and adds the line's figures to it."""
    payout = locked_payout(part)
    if payout.refunded > 0 or Transfer.objects.filter(payout=payout).exists():
        raise MoveRefused(_("This part's money is already settled; choose another offer."))
    added, _commission = line_ledger(part, price, line)
    current = PartLedger(**{name: getattr(payout, name) for name in payout.LEDGER_FIELDS})
    ledger = replace(
        current,
        charged=current.charged + added.charged,
        transferred=current.transferred + added.transferred,
        commission=current.commission + added.commission,
        vat_on_commission=current.vat_on_commission + added.vat_on_commission,
        payment_fee=current.payment_fee + added.payment_fee,
    )
    store_money(
        payout,
        PartMoney(
            ledger=ledger,
            delivery_fee=payout.delivery_fee,
            delivery_fee_refunded=payout.delivery_fee_refunded,
        ),
    )


def add_to_snapshot(part: OrderPart, new_line) -> None:
    snapshot = snapshot_part(part)  # exists: the part was placed
    added, (percentage, commission) = line_ledger(part, new_line.line_price_incl_tax, new_line)
    PartCommission.objects.filter(pk=snapshot.pk).update(
        gross=snapshot.gross + added.charged,
        commission=snapshot.commission + added.commission,
        vat_on_commission=snapshot.vat_on_commission + added.vat_on_commission,
    )
    LineCommission.objects.create(
        order_line=new_line, part=snapshot, percentage=percentage, commission=commission
    )


def pay_joined(*, top_up: TopUp, reference: str) -> bool:
    """The difference came (pay_top_up, top-up locked): the line joins the part, or, if the
    shop packed it meanwhile, the difference goes back (as a late one) and the choice opens
    again."""
    from .tasks import refund_late_top_up, send_chance_email, send_line_added_email

    joined = JoinedLine.objects.select_related("stockrecord__partner").get(top_up=top_up)
    chance = (
        SecondChance.objects.select_for_update(of=("self",))
        .select_related("line__product")
        .get(pk=top_up.chance_id)
    )
    part = (
        OrderPart.objects.select_for_update(of=("self",))
        .select_related("shop")
        .get(pk=joined.part_id)
    )
    if join_refusal(part) is not None:
        TopUp.objects.filter(pk=top_up.pk).update(
            status=TopUpStatus.REFUNDED, reference=reference, paid_at=timezone.now()
        )
        give_stock_back(joined)
        SecondChance.objects.filter(pk=chance.pk).update(status=ChanceStatus.OPEN)
        enqueue(refund_late_top_up, top_up.pk)
        return False
    mark_top_up_paid(top_up, order_id=part.order_id, reference=reference)
    join(joined, part, chance)
    enqueue(send_chance_email, chance.pk, "moved")
    enqueue(send_line_added_email, joined.pk)
    return True


def cancel_joined(*, top_up: TopUp) -> bool:
    """The difference will not be paid (cancel_top_up, top-up locked): the reserved stock
    goes back and the choice is open again; the shop's part is left as it was."""
    TopUp.objects.filter(pk=top_up.pk).update(status=TopUpStatus.CANCELLED)
    give_stock_back(JoinedLine.objects.get(top_up=top_up))
    SecondChance.objects.filter(pk=top_up.chance_id).update(status=ChanceStatus.OPEN, new_line=None)
    return True


def give_stock_back(joined: JoinedLine) -> None:
    """A line-less reservation of a join whose difference was not (or too late) paid."""
    close_reservations(reservation_ids=[joined.reservation_id], state=ReservationState.RELEASED)


def is_join(top_up: TopUp) -> bool:
    return JoinedLine.objects.filter(top_up=top_up).exists()
