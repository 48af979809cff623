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
from marketplace.outbox import enqueue
from marketplace.payments.payouts import refund_part_payment, schedule_part_transfer

from . import route_progress
from .models import (
    MAX_PARCEL_LITRES,
    Fulfilment,
    FulfilmentMethod,
    FulfilmentStatus,
    StopKind,
    StopStatus,
)

S = FulfilmentStatus
MAX_CODE_ATTEMPTS = 10

# target state: (states it may come from, timestamp field it sets)
TRANSITIONS = {
    S.ACCEPTED: ({S.PLACED}, "accepted_at"),
    S.REJECTED: ({S.PLACED, S.ACCEPTED}, "rejected_at"),
    S.READY: ({S.ACCEPTED}, "ready_at"),
    S.COLLECTED: ({S.READY, S.AT_HUB}, "completed_at"),
    S.AT_HUB: ({S.HANDED_OVER}, "at_hub_at"),
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
    from marketplace.reports.tasks import refresh_order_sales

    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=shop_id, to=S.REJECTED, reason=reason)
        close_reservations(reservation_ids=reservations_of(part), state=ReservationState.RELEASED)
        release_slot_of(part)
        # The consumer gets the part back in full; the part's fees are reversed with it.
        refund_part_payment(
            fulfilment=part,
            amount=part.total_incl_vat,
            key=f"rejected-part-{part.pk}",
            reason=reason,
        )
        enqueue(send_part_email, part.pk, "rejected")
        enqueue(refresh_order_sales, part.order_id)  # the reports' rollup of its day, on commit
    return part


def release_slot_of(part: Fulfilment) -> None:
    if part.slot_id:
        release_slot(slot_id=part.slot_id)


def mark_ready(
    *,
    fulfilment_id: int,
    shop_id: int,
    parcel_litres: int | None = None,
    bulky: bool | None = None,
) -> Fulfilment:
    """The goods are packed. The shop may say the parcel's size (litres, bulky); what it
    leaves out (None) keeps the part's current value."""
    from marketplace.ordering.tasks import send_part_email

    size = {"parcel_litres": parcel_litres, "bulky": bulky}
    changes = {field: value for field, value in size.items() if value is not None}
    if parcel_litres is not None and not 1 <= parcel_litres <= MAX_PARCEL_LITRES:
        raise TransitionRefused(
            _("The parcel's volume must be between 1 and %(max)s litres.")
            % {"max": MAX_PARCEL_LITRES}
        )
    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=shop_id, to=S.READY, **changes)
        if part.method == FulfilmentMethod.COLLECT:
            enqueue(send_part_email, part.pk, "ready")
    return part


def hand_over(*, fulfilment_id: int, shop_id: int, code: str) -> Fulfilment:
    """The goods leave the shop on the part's pickup code: a collect part with the consumer
    (who shows the code); a delivery part with a courier, when a courier picks it up with no
    route (the shop's page shows couriers on a route their hand-over code, logistics.handover).
    Consumes the reservations."""
    part = Fulfilment.objects.filter(pk=fulfilment_id, shop_id=shop_id).first()
    if part is None:
        raise TransitionRefused(_("No such order part."))
    target = S.COLLECTED if part.method == FulfilmentMethod.COLLECT else S.HANDED_OVER
    stop = route_progress.pending_pickup(fulfilment_id=part.pk) if target == S.HANDED_OVER else None
    check_code(part, code, part.pickup_code)
    return release_goods(part, shop_id=shop_id, target=target, stop=stop)


def release_goods(part: Fulfilment, *, shop_id: int | None, target: str, stop=None) -> Fulfilment:
    """The goods leave the shop: the step, the consumed stock, the closed pickup stop and
    the e-mail as one. The caller has checked the code."""
    from marketplace.ordering.tasks import send_part_email

    with transaction.atomic():
        part = move(fulfilment_id=part.pk, shop_id=shop_id, to=target)
        close_reservations(reservation_ids=reservations_of(part), state=ReservationState.CONSUMED)
        # The shop's share is due once the goods left the shop; sent after the commit.
        schedule_part_transfer(fulfilment=part)
        if stop is not None and not route_progress.close_stops([stop.pk], status=StopStatus.DONE):
            raise TransitionRefused(_("This stop was closed meanwhile; reload the route."))
        enqueue(send_part_email, part.pk, "collected" if target == S.COLLECTED else "handed_over")
    return part


def mark_delivered(*, fulfilment_id: int, code: str) -> Fulfilment:
    """The courier hands the parcel over at the door, on the consumer's delivery code."""
    from marketplace.ordering.tasks import send_part_email

    part = Fulfilment.objects.get(pk=fulfilment_id)
    check_code(part, code, part.delivery_code)
    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=None, to=S.DELIVERED)
        delivery_stops = route_progress.pending_stops(fulfilment_id=part.pk).filter(
            kind=StopKind.DELIVERY
        )
        route_progress.close_stops(
            delivery_stops.values_list("pk", flat=True), status=StopStatus.DONE
        )
        enqueue(send_part_email, part.pk, "delivered")
    return part


def check_code(part: Fulfilment, given: str, expected: str) -> None:
    check_code_for(
        Fulfilment.objects.filter(pk=part.pk),
        given,
        expected,
        wrong=_("That code is not right for this order part."),
    )


def check_code_for(parts, given: str, expected: str, *, wrong: str) -> None:
    """A wrong code counts against every part in `parts` (one, or a whole hand-over), so
    guessing stops at the same limit either way."""
    if parts.filter(failed_code_attempts__gte=MAX_CODE_ATTEMPTS).exists():
        raise TransitionRefused(_("Too many wrong codes; ask centre management to help."))
    if not codes_match(given, expected):
        parts.update(failed_code_attempts=F("failed_code_attempts") + 1)
        raise TransitionRefused(wrong)


def mark_failed(*, fulfilment_id: int, courier_id: int, reason: str) -> Fulfilment:
    """The courier cannot pick up or deliver: the part's pending stops on their route fail.

    The part keeps its state (ready at the shop, or handed over and still with the courier),
    so nothing is refunded here; the consumer and the shop are told. `delivery_failed_at`
    keeps the part off every route until the consumer or centre management rebooks it
    (logistics.rebooking). Refused, with nothing changed, when no stop of it is open.
    """
    from .tasks import send_failure_emails

    reason = reason.strip()[:300]
    if not reason:
        raise TransitionRefused(_("Say why the stop failed."))
    with transaction.atomic():
        stops = route_progress.pending_stops(fulfilment_id=fulfilment_id, courier_id=courier_id)
        stop_ids = list(stops.select_for_update().values_list("pk", flat=True))
        if not stop_ids:
            raise TransitionRefused(_("This part has no open stop on your route."))
        route_progress.close_stops(stop_ids, status=StopStatus.FAILED, reason=reason)
        Fulfilment.objects.filter(pk=fulfilment_id).update(delivery_failed_at=timezone.now())
        enqueue(send_failure_emails, fulfilment_id, reason)
    return Fulfilment.objects.select_related("order", "shop__partner").get(pk=fulfilment_id)


def drop_at_hub(*, fulfilment_id: int, courier_id: int) -> Fulfilment:
    """The courier brings a hub part to the hub; the consumer collects it there with their
    code, together with the parts of other shops."""
    from marketplace.ordering.tasks import send_part_email

    with transaction.atomic():
        stops = route_progress.pending_stops(fulfilment_id=fulfilment_id, courier_id=courier_id)
        stop_ids = list(stops.filter(kind=StopKind.DELIVERY).values_list("pk", flat=True))
        if not stop_ids:
            raise TransitionRefused(_("This part has no open stop on your route."))
        part = move(fulfilment_id=fulfilment_id, shop_id=None, to=S.AT_HUB)
        route_progress.close_stops(stop_ids, status=StopStatus.DONE)
        enqueue(send_part_email, part.pk, "at_hub")
    return part


def collect_at_hub(*, fulfilment_id: int, code: str) -> Fulfilment:
    """Hub staff hand a waiting part to the consumer, only on the consumer's code."""
    from marketplace.ordering.tasks import send_part_email

    part = Fulfilment.objects.filter(pk=fulfilment_id, status=S.AT_HUB).first()
    if part is None:
        raise TransitionRefused(_("No such order part."))
    check_code(part, code, part.delivery_code)
    with transaction.atomic():
        part = move(fulfilment_id=fulfilment_id, shop_id=None, to=S.COLLECTED)
        enqueue(send_part_email, part.pk, "collected")
    return part
