"""A refused line's second chance: opened when a shop refuses it, closed by a move to another
shop, a refund, or the time limit. Money: see money.py."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from inventory_sync.services import (
    OutOfStock,
    StockRequest,
    close_reservations,
    record_reservations,
    reserve_stock,
)
from logistics import part_states, slots
from logistics.codes import new_code
from logistics.models import PART_ADDRESS_FIELDS, OrderPart, PartMethod
from marketplace.commission.part_transfers import refund_part_payment
from marketplace.commission.services import snapshot_part
from marketplace.oscar_apps.partner.strategy import split_vat
from marketplace.outbox import enqueue
from marketplace.payments.gateway import get_gateway
from marketplace.payments.refund_pieces import record_extra_charge

from . import money
from .models import ChanceStatus, Preference, SecondChance, TopUp, TopUpStatus
from .offers import offers_for

Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")
CHANCE_HOURS = 24
LINE_CANCELLED = "cancelled"


class MoveRefused(Exception):
    pass


@dataclass(frozen=True)
class Moved:
    chance: SecondChance
    top_up: TopUp | None  # the difference to pay, or None when the move is done


def remember_preference(*, order, find_elsewhere: bool) -> None:
    Preference.objects.update_or_create(order=order, defaults={"find_elsewhere": find_elsewhere})


def open_chance_for_refused_line(*, part, line_id: int, reason: str) -> SecondChance:
    """LineRefused: hold the money when there is somewhere else to get it, else refund it;
    with "find it elsewhere" ticked, move it at once to an offer not dearer than it was."""
    from .tasks import send_chance_email

    line = Line.objects.select_related("product").get(pk=line_id)
    amount = line.line_price_incl_tax
    offers = offers_for(line)
    if offers:
        money.hold_line_money(part=part, amount=amount)
        held, status = amount, ChanceStatus.OPEN
    else:
        refund_part_payment(part=part, amount=amount, key=f"refused-line-{line.pk}", reason=reason)
        held, status = Decimal("0.00"), ChanceStatus.REFUNDED
    chance = SecondChance.objects.create(
        line=line,
        part=part,
        held=held,
        status=status,
        expires_at=timezone.now() + timedelta(hours=CHANCE_HOURS),
        closed_at=None if status == ChanceStatus.OPEN else timezone.now(),
    )
    if offers and wants_elsewhere(part.order_id) and offers[0].price <= amount:
        try:
            with transaction.atomic():  # a lost race leaves the chance open, not the refusal
                move_line(chance_id=chance.pk, stockrecord_id=offers[0].stockrecord_id, auto=True)
            return chance
        except MoveRefused:
            pass
    enqueue(send_chance_email, chance.pk, "refused" if offers else "refunded")
    return chance


def wants_elsewhere(order_id: int) -> bool:
    return Preference.objects.filter(order_id=order_id, find_elsewhere=True).exists()


def open_chances_for_rejected_part(*, part) -> list[SecondChance]:
    """PartRejected: the part was refunded in full (commission), so each line that had no
    chance yet gets one with nothing held: moving it means paying its new price."""
    from .tasks import send_chance_email

    lines = part.lines().select_related("product").filter(second_chance__isnull=True)
    lines = lines.exclude(moved_from__isnull=False)
    chances = []
    for line in lines:
        if not offers_for(line):
            continue
        chances.append(
            SecondChance.objects.create(
                line=line,
                part=part,
                held=Decimal("0.00"),
                expires_at=timezone.now() + timedelta(hours=CHANCE_HOURS),
            )
        )
    for chance in chances:
        enqueue(send_chance_email, chance.pk, "refused")
    return chances


def move_line(
    *, chance_id: int, stockrecord_id: int, user=None, auto: bool = False, now=None
) -> Moved:
    """Moves an open chance's line to the shop of `stockrecord_id` in one step: a new line
    and part in the same order, its stock reserved (never oversold: of two consumers after
    the last unit one gets MoveRefused), the same method where possible. The held money
    pays first; a higher price leaves a TopUp to pay, a lower one is refunded."""
    from .tasks import send_chance_email

    now = now or timezone.now()
    with transaction.atomic():
        chance = (
            SecondChance.objects.select_for_update(of=("self",))
            .select_related("line__product", "part__order__payment", "part__slot")
            .get(pk=chance_id)
        )
        order = chance.part.order
        if user is not None and order.user_id != user.pk:
            raise SecondChance.DoesNotExist
        if chance.status != ChanceStatus.OPEN:
            raise MoveRefused(_("This line was already moved or refunded."))
        if chance.expires_at <= now:
            raise MoveRefused(_("The time to choose another shop has run out."))
        line = chance.line
        if not any(o.stockrecord_id == stockrecord_id for o in offers_for(line, now=now)):
            raise MoveRefused(_("That shop no longer has this product; choose another offer."))
        record = StockRecord.objects.select_related("partner__shop").get(pk=stockrecord_id)
        joins = OrderPart.objects.filter(order_id=order.pk, shop__partner_id=record.partner_id)
        if joins.exists():  # the shop has a part in this order already: the line joins it
            from .join_part import move_into_part

            part_id = joins.values_list("pk", flat=True)[0]
            return move_into_part(chance=chance, record=record, part_id=part_id, auto=auto)
        try:
            reserve_stock(requests=[StockRequest(stockrecord_id=record.pk, quantity=line.quantity)])
        except OutOfStock as short:
            raise MoveRefused(
                _("%(shop)s has just sold its last one; choose another offer.")
                % {"shop": record.partner.name}
            ) from short
        new_line = copy_line(line, record)
        record_reservations(lines=[new_line], expires_at=None)
        part = new_part(order, record.partner.shop, chance.part, new_line, now)
        price = new_line.line_price_incl_tax
        chance.new_line = new_line
        chance.automatic = auto
        top_up = None
        if price > chance.held:
            top_up = TopUp.objects.create(
                chance=chance, part=part, amount=price - chance.held, gateway=get_gateway().name
            )
            chance.status = ChanceStatus.AWAITING_PAYMENT
            chance.save(update_fields=["new_line", "automatic", "status"])
        else:
            money.give_back(
                chance=chance, amount=chance.held - price, reason="moved to a cheaper shop"
            )
            finish_move(chance, part)
            enqueue(send_chance_email, chance.pk, "moved")
    return Moved(chance=chance, top_up=top_up)


def finish_move(chance: SecondChance, part: OrderPart) -> None:
    part_states.place_part(part_id=part.pk)
    snapshot_part(OrderPart.objects.select_related("shop__commission_plan").get(pk=part.pk))
    chance.status = ChanceStatus.MOVED
    chance.held = Decimal("0.00")
    chance.closed_at = timezone.now()
    chance.save(update_fields=["new_line", "automatic", "status", "held", "closed_at"])


def copy_line(line, record):
    """The refused line again, at the other shop's shelf price (VAT included)."""
    unit = record.price
    total = unit * line.quantity
    unit_excl, _vat = split_vat(unit, record.vat_rate)
    total_excl, _vat = split_vat(total, record.vat_rate)
    return Line.objects.create(
        order_id=line.order_id,
        partner_id=record.partner_id,
        partner_name=record.partner.name,
        partner_sku=record.partner_sku,
        stockrecord=record,
        product_id=line.product_id,
        title=line.title,
        upc=line.upc,
        quantity=line.quantity,
        line_price_excl_tax=total_excl,
        line_price_incl_tax=total,
        line_price_before_discounts_excl_tax=total_excl,
        line_price_before_discounts_incl_tax=total,
        unit_price_incl_tax=unit,
        unit_price_excl_tax=unit_excl,
        tax_code=line.tax_code,
        num_allocated=line.quantity,
    )


def new_part(order, shop, old: OrderPart, line, now: datetime) -> OrderPart:
    """Delivered in the old part's slot if it still has a place, else collected."""
    slot_id = None
    if old.method == PartMethod.DELIVERY and old.slot_id:
        try:
            with transaction.atomic():
                slot_id = slots.book_slot(slot_id=old.slot_id, now=now).pk
        except slots.DeliveryRefused:
            slot_id = None
    part = OrderPart(
        order=order,
        shop=shop,
        method=PartMethod.DELIVERY if slot_id else PartMethod.COLLECT,
        pickup_code=new_code(),
        delivery_code=new_code() if slot_id else "",
        slot_id=slot_id,
        subtotal_incl_vat=line.line_price_incl_tax,
    )
    if slot_id:
        for field in PART_ADDRESS_FIELDS:
            setattr(part, field, getattr(old, field))
    try:
        with transaction.atomic():
            part.save()
    except IntegrityError as clash:  # another line of this order moved there meanwhile
        raise MoveRefused(
            _("Another line of this order just moved to %(shop)s; choose another offer.")
            % {"shop": shop.name}
        ) from clash
    return part


def pay_top_up(*, top_up_id: int, reference: str) -> bool:
    """The difference came: the new part is placed. False for a replay or a cancelled one;
    money that came for a cancelled one (paid late) goes back to the consumer, once."""
    from . import join_part
    from .tasks import refund_late_top_up, send_chance_email

    with transaction.atomic():
        top_up = TopUp.objects.select_for_update().select_related("chance").get(pk=top_up_id)
        if top_up.status == TopUpStatus.CANCELLED and reference:
            TopUp.objects.filter(pk=top_up.pk).update(
                status=TopUpStatus.REFUNDED, reference=reference, paid_at=timezone.now()
            )
            enqueue(refund_late_top_up, top_up.pk)
            return False
        if top_up.status != TopUpStatus.PENDING:
            return False
        if join_part.is_join(top_up):
            return join_part.pay_joined(top_up=top_up, reference=reference)
        mark_top_up_paid(top_up, order_id=top_up.part.order_id, reference=reference)
        chance = SecondChance.objects.select_for_update().get(pk=top_up.chance_id)
        finish_move(chance, top_up.part)
        enqueue(send_chance_email, chance.pk, "moved")
    return True


def mark_top_up_paid(top_up: TopUp, *, order_id: int, reference: str) -> None:
    """The top-up is paid; refunds of the order may draw on its charge once the payment's
    own is used up. Call under the top-up's row lock, while it is pending."""
    TopUp.objects.filter(pk=top_up.pk).update(
        status=TopUpStatus.PAID, reference=reference, paid_at=timezone.now()
    )
    record_extra_charge(
        order_id=order_id,
        reference=reference or f"top-up-{top_up.pk}",
        amount=top_up.amount,
        reason="second-chance top-up",
    )


def cancel_top_up(*, top_up_id: int, reason: str = "difference not paid") -> bool:
    """The difference will not be paid: the new part is cancelled, its stock and slot given
    back, and the chance open again (or refunded if its time ran out)."""
    from . import join_part

    with transaction.atomic():
        top_up = TopUp.objects.select_for_update().get(pk=top_up_id)
        if top_up.status != TopUpStatus.PENDING:
            return False
        if join_part.is_join(top_up):
            return join_part.cancel_joined(top_up=top_up)
        TopUp.objects.filter(pk=top_up.pk).update(status=TopUpStatus.CANCELLED)
        part = part_states.cancel_unpaid_part(part_id=top_up.part_id, reason=reason)
        lines = part.lines()
        close_reservations(
            reservation_ids=Reservation.objects.filter(order_line__in=lines).values_list(
                "id", flat=True
            ),
            state=ReservationState.RELEASED,
        )
        lines.update(status=LINE_CANCELLED)
        part_states.release_slot_of(part)
        SecondChance.objects.filter(pk=top_up.chance_id).update(
            status=ChanceStatus.OPEN, new_line=None
        )
    return True


def decline(*, chance_id: int, user=None, reason: str = "declined by the consumer") -> bool:
    """The consumer wants the money back (or the time ran out): the held money is refunded."""
    from .tasks import send_chance_email

    with transaction.atomic():
        chance = (
            SecondChance.objects.select_for_update(of=("self",))
            .select_related("part__order__payment")
            .get(pk=chance_id)
        )
        if user is not None and chance.part.order.user_id != user.pk:
            raise SecondChance.DoesNotExist
        if chance.status != ChanceStatus.OPEN:
            return False
        money.give_back(chance=chance, amount=chance.held, reason=reason)
        SecondChance.objects.filter(pk=chance.pk).update(
            status=ChanceStatus.REFUNDED, closed_at=timezone.now()
        )
        if chance.held > 0:
            enqueue(send_chance_email, chance.pk, "refunded")
    return True


def expire_chances(*, now: datetime | None = None) -> int:
    """Beat: chances nobody chose within CHANCE_HOURS are refunded; a difference still unpaid
    then is cancelled first."""
    now = now or timezone.now()
    due = SecondChance.objects.filter(
        status__in=[ChanceStatus.OPEN, ChanceStatus.AWAITING_PAYMENT], expires_at__lte=now
    )
    closed = 0
    for chance_id in list(due.values_list("pk", flat=True)):
        for top_up_id in TopUp.objects.filter(
            chance_id=chance_id, status=TopUpStatus.PENDING
        ).values_list("pk", flat=True):
            cancel_top_up(top_up_id=top_up_id, reason="difference not paid in time")
        closed += decline(chance_id=chance_id, reason="no other shop chosen in time")
    return closed


def send_late_top_up_refund(*, top_up_id: int) -> str:
    """Refunds a top-up paid after it was cancelled, in full, through the gateway (call with
    no transaction open). Idempotent: its key, and the reference kept once it is done."""
    top_up = TopUp.objects.select_related("part__order").get(pk=top_up_id)
    if top_up.status != TopUpStatus.REFUNDED or top_up.refund_reference:
        return top_up.refund_reference
    reference = get_gateway().refund(
        reference=top_up.reference,
        amount=top_up.amount,
        idempotency_key=f"late-top-up-{top_up.pk}",
        metadata={"order_number": top_up.part.order.number},
    )
    TopUp.objects.filter(pk=top_up.pk).update(refund_reference=reference)
    return reference
