"""Placing an order across shops, and what follows from its payment."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from inventory_sync.services import (
    StockRequest,
    close_reservations,
    confirm_reservations,
    record_reservations,
    reserve_stock,
)
from logistics import slots
from logistics.codes import new_code
from logistics.models import (
    PART_ADDRESS_FIELDS,
    DeliverySettings,
    Hub,
    OrderPart,
    PartMethod,
)
from logistics.part_states import cancel_unpaid_parts, place_paid_parts, release_slot_of
from marketplace.campaigns import services as campaigns
from marketplace.commission.services import snapshot_part
from marketplace.giftcards import online
from marketplace.giftcards.services import Refused
from marketplace.outbox import enqueue
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.services import create_payment, mark_payment, request_refund

from . import delivery
from .basket import basket_facts, lines_for_order, order_groups
from .gift_card_payment import CardSpend
from .order_creation import (
    STATUS_CANCELLED,
    STATUS_PAID,
    PerShopDelivery,
    needs_oscar_creator,
    order_number_for,
    write_order,
)
from .tasks import record_order_analytics

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


class CheckoutRefused(Exception):
    def __init__(self, message: str, *, field: str = "__all__"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PartChoice:
    method: str
    slot_id: int | None = None


@dataclass(frozen=True)
class GuestContact:
    """Who ordered without an account: the order's e-mail, and a phone on every part."""

    email: str
    phone: str


def place_order(
    *,
    basket,
    user,
    choices: dict[int, PartChoice],
    address: delivery.DeliveryAddress | None,
    now: datetime | None = None,
    guest: GuestContact | None = None,
    gift_card: CardSpend | None = None,
):
    """Places the order unpaid, in one transaction: stock reserved, slots booked, one
    part per shop, the gift card's amount held, a pending payment of the rest. Raises
    OutOfStock, DeliveryRefused or CheckoutRefused and then leaves nothing behind. Makes no
    network call: the payment starts after the commit. A guest's order has no user and the
    guest's contact. An order the card pays in full is paid at once, without the gateway.
    """
    now = now or timezone.now()
    requests = stock_requests(basket)
    try:
        order = write_placed_order(basket, user, choices, address, now, requests, guest, gift_card)
    except IntegrityError as clash:
        # Two submits of one basket compute the same order number: the second rolls back.
        raise CheckoutRefused(_("This basket has just been ordered.")) from clash
    if gift_card is not None and order.payment.amount == 0:
        record_payment_success(order_id=order.pk, reference=f"gift-card-{order.number}")
        order.payment.refresh_from_db()
    return order


def stock_requests(basket) -> list[StockRequest]:
    """Straight from the basket's rows, in the lightest query: every buyer of a contended
    product pays for it, and most of them lose the race."""
    rows = basket.lines.values_list("stockrecord_id", "quantity", "product__title")
    return [StockRequest(stockrecord_id=r, quantity=q, title=t) for r, q, t in rows]


def write_placed_order(basket, user, choices, address, now, requests, guest=None, card=None):
    with transaction.atomic():
        # Stock first: on a contended product most buyers lose the race, and they should
        # learn it after one UPDATE. The winner holds the row until commit, so what follows
        # is three reads (lines with their shops, the basket's facts, the delivery rules)
        # and the writes.
        reserve_stock(requests=requests)
        lines = lines_for_order(basket)
        facts = basket_facts(basket)
        if facts.campaign_running:  # Oscar's offers on these very lines: they make the order
            campaigns.apply_offers(basket=basket, user=user)
        rules = DeliverySettings.current()
        groups = order_groups(lines)
        refuse_shops_not_taking_orders(groups)
        check_choices(groups, choices, address)
        fees = delivery_fees(groups, choices, rules)
        waived = campaigns.waive_delivery_fees(basket=basket, fees=fees)
        # One place per delivered part, slots in id order like the stock rows.
        for slot_id in sorted(c.slot_id for c in choices.values() if c.slot_id):
            slots.book_slot(slot_id=slot_id, now=now)
        order, order_lines = write_order(
            basket=basket,
            user=user,
            shipping=PerShopDelivery(sum(fees.values(), Decimal("0.00")), rules.vat_rate),
            number=order_number_for(basket, earlier=facts.earlier_orders),
            plain=not needs_oscar_creator(basket, lines, facts),
            lines=lines,
            guest_email=guest.email if guest else "",
        )
        parts = create_parts(
            order, groups, choices, fees, address, phone=guest.phone if guest else ""
        )
        campaigns.record_campaign_uses(order=order, basket=basket, parts=parts, waived=waived)
        record_reservations(
            lines=order_lines,
            expires_at=now + timedelta(minutes=rules.reservation_minutes),
        )
        payment = create_payment(order=order)
        if card is not None:
            hold_gift_card(order, parts, payment, card)
        freeze_basket(basket)
        enqueue(record_order_analytics, order.pk)
    return order


def hold_gift_card(order, parts, payment, card: CardSpend) -> None:
    """The card's amount held for the order; the gateway is asked for the rest only."""
    try:
        use = online.hold_for_order(
            order=order, card_id=card.card_id, amount=card.amount, parts=parts
        )
    except online.AmountRefused as refused:
        raise CheckoutRefused(str(refused), field="gift_card_amount") from refused
    except Refused as refused:
        raise CheckoutRefused(str(refused), field="gift_card_code") from refused
    payment.amount = order.total_incl_tax - use.amount
    Payment.objects.filter(pk=payment.pk).update(amount=payment.amount)


def refuse_shops_not_taking_orders(groups) -> None:
    """A shop paused or closed since its lines went into the basket sells nothing."""
    if closed := [group.shop for group in groups if not group.shop.takes_orders]:
        raise CheckoutRefused(shops_not_taking_orders_message(closed))


def shops_not_taking_orders_message(shops) -> str:
    return _(
        "%(shops)s is not taking orders at the moment. Remove its products from your "
        "basket to order the rest."
    ) % {"shops": ", ".join(shop.name for shop in shops)}


def refuse_payment_for_closed_shops(order) -> str | None:
    """Before a payment starts. If a shop of this unpaid order stopped taking orders after
    it was placed, the order is cancelled (stock and slots released, the basket back) and
    the message for the consumer returned; None when every shop still sells."""
    closed = [
        part.shop
        for part in OrderPart.objects.filter(order=order).select_related("shop__partner")
        if not part.shop.takes_orders
    ]
    if not closed:
        return None
    cancel_unpaid_order(order_id=order.pk)
    return _(
        "%(shops)s stopped taking orders after you placed this order. Nothing was charged: "
        "the order is cancelled and your basket is back. Remove that shop's products to "
        "order the rest."
    ) % {"shops": ", ".join(shop.name for shop in closed)}


def freeze_basket(basket) -> None:
    """Oscar's freeze() saves every column; the status is all that changes."""
    Basket.objects.filter(pk=basket.pk).update(status=Basket.FROZEN)
    basket.status = Basket.FROZEN


def delivery_fees(groups, choices, rules) -> dict[int, Decimal]:
    fees = {}
    for group in groups:
        is_delivery = choices[group.shop.partner_id].method == PartMethod.DELIVERY
        fees[group.shop.partner_id] = (
            delivery.delivery_fee(subtotal=group.subtotal, rules=rules)
            if is_delivery
            else Decimal("0.00")
        )
    return fees


def check_choices(groups, choices, address) -> None:
    for group in groups:
        choice = choices.get(group.shop.partner_id)
        if choice is None:
            raise CheckoutRefused(
                _("Choose collect or delivery for %(shop)s.") % {"shop": group.shop.name}
            )
        if choice.method == PartMethod.HUB and not Hub.objects.exists():
            raise CheckoutRefused(_("There is no hub to collect from."))
        if choice.method == PartMethod.DELIVERY:
            if address is None:
                raise CheckoutRefused(_("A delivery needs an address."), field="postcode")
            if not choice.slot_id:
                raise CheckoutRefused(
                    _("Choose a delivery slot for %(shop)s.") % {"shop": group.shop.name}
                )
    if not groups:
        raise CheckoutRefused(_("Your basket is empty."))


def create_parts(order, groups, choices, fees, address, phone: str = "") -> list[OrderPart]:
    """`phone`: a guest's, kept on every part (a delivered part also has the address's)."""
    parts = []
    for group in groups:
        choice = choices[group.shop.partner_id]
        is_delivery = choice.method == PartMethod.DELIVERY
        part = OrderPart(
            order=order,
            shop=group.shop,
            method=choice.method,
            pickup_code=new_code(),
            # The consumer's code at the door, or at the hub's counter.
            delivery_code=new_code() if choice.method != PartMethod.COLLECT else "",
            slot_id=choice.slot_id if is_delivery else None,
            subtotal_incl_vat=group.subtotal,
            delivery_fee_incl_vat=fees[group.shop.partner_id],
        )
        if is_delivery:
            for field in PART_ADDRESS_FIELDS:
                setattr(part, field, getattr(address, field))
        part.phone = part.phone or phone
        parts.append(part)
    return OrderPart.objects.bulk_create(parts)


def reservation_ids_of(order) -> list[int]:
    return list(Reservation.objects.filter(order_line__order=order).values_list("id", flat=True))


def confirm_order_paid(*, order_id: int, reference: str = "") -> bool:
    """The payment succeeded. Returns False when the order is no longer awaiting payment
    (already confirmed: a replay; or cancelled meanwhile: the caller refunds)."""
    from marketplace.reports.tasks import refresh_order_sales

    from .tasks import send_order_placed_email

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not place_paid_parts(order_id=order_id):
            return False
        mark_payment(
            payment_id=order.payment.pk, status=PaymentStatus.SUCCEEDED, reference=reference
        )
        online.spend_hold(order_id=order_id)
        confirm_reservations(reservation_ids=reservation_ids_of(order))
        for part in OrderPart.objects.filter(order=order).select_related("shop__commission_plan"):
            snapshot_part(part)
        Order.objects.filter(pk=order_id).update(status=STATUS_PAID)
        if order.basket_id:
            order.basket.submit()
        enqueue(send_order_placed_email, order_id)
        enqueue(refresh_order_sales, order_id)  # the reports' rollup of this day, on commit
    return True


def cancel_unpaid_order(*, order_id: int, expired: bool = False) -> bool:
    """Gives back the stock and slots of an order that was never paid. Idempotent."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        parts = cancel_unpaid_parts(
            order_id=order_id, reason="payment expired" if expired else "payment cancelled"
        )
        if not parts:
            return False
        state = ReservationState.EXPIRED if expired else ReservationState.RELEASED
        close_reservations(reservation_ids=reservation_ids_of(order), state=state)
        for part in parts:
            release_slot_of(part)
        online.release_hold(order_id=order_id)
        Payment.objects.filter(
            order=order, status__in=[PaymentStatus.PENDING, PaymentStatus.PROCESSING]
        ).update(status=PaymentStatus.CANCELLED)
        Order.objects.filter(pk=order_id).update(status=STATUS_CANCELLED)
        if order.basket_id and order.basket.status == order.basket.FROZEN:
            order.basket.thaw()
    return True


def expire_unpaid_orders(*, now: datetime | None = None) -> int:
    """Cancels orders whose unpaid reservations ran out; the beat task calls this."""
    now = now or timezone.now()
    # A bank payment waiting for its bank's word keeps its stock, for a while.
    hold = timedelta(hours=settings.PAYMENT_PENDING_HOLD_HOURS)
    order_ids = (
        Reservation.objects.filter(
            state=ReservationState.ACTIVE, expires_at__lte=now, order_line__isnull=False
        )
        .exclude(
            order_line__order__payment__status=PaymentStatus.PROCESSING,
            order_line__order__payment__processing_since__gt=now - hold,
        )
        .values_list("order_line__order_id", flat=True)
        .distinct()
    )
    return sum(cancel_unpaid_order(order_id=order_id, expired=True) for order_id in list(order_ids))


class PaymentOutcome(StrEnum):
    """What a payment did, for the person paying (the loser of a race is told the truth)."""

    PLACED = "placed"  # this payment placed the order
    ALREADY_PAID = "already paid"  # a replay: the order was paid before
    REFUNDED = "refunded"  # the order was cancelled (or expired) first: the payment goes back


def record_payment_success(*, order_id: int, reference: str = "") -> PaymentOutcome:
    """The gateway says the consumer paid. A late payment for a cancelled order is refunded
    and the consumer told by e-mail (once); the part of a shop paused while the consumer
    paid is refused and refunded."""
    from .closed_shops import refuse_parts_of_closed_shops
    from .tasks import send_late_payment_email

    if confirm_order_paid(order_id=order_id, reference=reference):
        refuse_parts_of_closed_shops(order_id=order_id)
        return PaymentOutcome.PLACED
    payment = Payment.objects.get(order_id=order_id)
    if payment.status not in (PaymentStatus.CANCELLED, PaymentStatus.FAILED):
        return PaymentOutcome.ALREADY_PAID
    with transaction.atomic():
        request_refund(
            payment=payment,
            amount=payment.amount,
            key=f"late-payment-{payment.pk}",
            reason="paid after the order expired",
        )
        enqueue(send_late_payment_email, order_id)
    return PaymentOutcome.REFUNDED


class CancelOutcome(StrEnum):
    """What a consumer's cancel did: only CANCELLED means this cancel took effect."""

    CANCELLED = "cancelled"
    PAID = "paid"  # the payment came first: the order stands, nothing was cancelled
    ALREADY_CANCELLED = "already cancelled"  # cancelled or expired before


def cancel_by_consumer(*, order_id: int) -> CancelOutcome:
    """The consumer's Cancel on the payment page. Takes the order's lock like a payment
    does, so exactly one of the two wins; the loser learns which."""
    if cancel_unpaid_order(order_id=order_id):
        return CancelOutcome.CANCELLED
    if Payment.objects.filter(order_id=order_id, status=PaymentStatus.SUCCEEDED).exists():
        return CancelOutcome.PAID
    return CancelOutcome.ALREADY_CANCELLED
