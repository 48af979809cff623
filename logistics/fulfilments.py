"""A shop's part of an order moves through its states here, one guarded UPDATE per step.

Every function takes the acting shop and only touches that shop's parts; a part in the
wrong state, or another shop's part, is refused with nothing changed.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory_sync.models import Reservation, ReservationState
from inventory_sync.services import close_reservations
from marketplace.ordering.codes import codes_match
from marketplace.ordering.delivery import release_slot
from marketplace.payments.services import request_refund

from .models import Fulfilment, FulfilmentMethod, FulfilmentStatus

S = FulfilmentStatus
MAX_CODE_ATTEMPTS = 10

# target state: (states it may come from, timestamp field it sets)
TRANSITIONS = {
    S.ACCEPTED: ({S.PLACED}, "accepted_at"),
    S.REJECTED: ({S.PLACED, S.ACCEPTED}, "rejected_at"),
    S.READY: ({S.ACCEPTED}, "ready_at"),
    S.COLLECTED: ({S.READY}, "completed_at"),
    S.HANDED_OVER: ({S.READY}, "handed_over_at"),
    S.DELIVERED: ({S.HANDED_OVER}, "completed_at"),
    S.CANCELLED: ({S.PLACED, S.ACCEPTED, S.READY}, "cancelled_at"),
}


class TransitionRefused(Exception):
    pass


def move(*, fulfilment_id: int, shop_id: int | None, to: str, **changes) -> Fulfilment:
    """One guarded step; refuses when the part is not (or no longer) in a state that allows it."""
    sources, stamp = TRANSITIONS[to]
    parts = Fulfilment.objects.filter(pk=fulfilment_id, status__in=sources)
    if shop_id is not None:
        parts = parts.filter(shop_id=shop_id)
    if parts.update(status=to, **{stamp: timezone.now()}, **changes) != 1:
        raise TransitionRefused(refusal_message(fulfilment_id, shop_id, to))
    return Fulfilment.objects.select_related("order", "shop__partner").get(pk=fulfilment_id)


def refusal_message(fulfilment_id: int, shop_id: int | None, to: str) -> str:
    part = Fulfilment.objects.filter(pk=fulfilment_id)
    if shop_id is not None:
        part = part.filter(shop_id=shop_id)
    current = part.values_list("status", flat=True).first()
    if current is None:
        return _("No such order part.")
    return _("This part is %(current)s; it cannot become %(target)s.") % {
        "current": S(current).label,
        "target": S(to).label,
    }


def reservations_of(part: Fulfilment) -> list[int]:
    return list(
        Reservation.objects.filter(
            order_line__order_id=part.order_id, order_line__partner_id=part.shop.partner_id
        ).values_list("id", flat=True)
    )


def accept_part(*, fulfilment_id: int, shop_id: int) -> Fulfilment:
    return move(fulfilment_id=fulfilment_id, shop_id=shop_id, to=S.ACCEPTED)


def reject_part(*, fulfilment_id: int, shop_id: int, reason: str) -> Fulfilment:
    """Releases the part's stock and refunds the consumer for this part only."""
    from marketplace.ordering.tasks import send_part_email

    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=shop_id, to=S.REJECTED, reason=reason)
        close_reservations(reservation_ids=reservations_of(part), state=ReservationState.RELEASED)
        release_slot_of(part)
        request_refund(
            payment=part.order.payment,
            amount=part.total_incl_vat,
            key=f"rejected-part-{part.pk}",
            fulfilment=part,
            reason=reason,
        )
        send_part_email.delay(part.pk, "rejected")
    return part


def release_slot_of(part: Fulfilment) -> None:
    if part.slot_id:
        release_slot(slot_id=part.slot_id)


def mark_ready(*, fulfilment_id: int, shop_id: int) -> Fulfilment:
    from marketplace.ordering.tasks import send_part_email

    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=shop_id, to=S.READY)
        if part.method == FulfilmentMethod.COLLECT:
            send_part_email.delay(part.pk, "ready")
    return part


def hand_over(*, fulfilment_id: int, shop_id: int, code: str) -> Fulfilment:
    """The goods leave the shop: to the consumer (collect) or the courier (delivery), and
    only on the part's pickup code. Consumes the reservations."""
    from marketplace.ordering.tasks import send_part_email

    part = Fulfilment.objects.filter(pk=fulfilment_id, shop_id=shop_id).first()
    if part is None:
        raise TransitionRefused(_("No such order part."))
    check_code(part, code, part.pickup_code)
    target = S.COLLECTED if part.method == FulfilmentMethod.COLLECT else S.HANDED_OVER
    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=shop_id, to=target)
        close_reservations(reservation_ids=reservations_of(part), state=ReservationState.CONSUMED)
        send_part_email.delay(part.pk, "collected" if target == S.COLLECTED else "handed_over")
    return part


def mark_delivered(*, fulfilment_id: int, code: str) -> Fulfilment:
    """The courier hands the parcel over at the door, on the consumer's delivery code."""
    from marketplace.ordering.tasks import send_part_email

    part = Fulfilment.objects.get(pk=fulfilment_id)
    check_code(part, code, part.delivery_code)
    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=None, to=S.DELIVERED)
        send_part_email.delay(part.pk, "delivered")
    return part


def check_code(part: Fulfilment, given: str, expected: str) -> None:
    if part.failed_code_attempts >= MAX_CODE_ATTEMPTS:
        raise TransitionRefused(_("Too many wrong codes; ask centre management to help."))
    if not codes_match(given, expected):
        Fulfilment.objects.filter(pk=part.pk).update(
            failed_code_attempts=F("failed_code_attempts") + 1
        )
        raise TransitionRefused(_("That code is not right for this order part."))
