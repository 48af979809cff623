"""The state machine of an order part (OrderPart): every status change goes through here.

TRANSITIONS says which states each state may be reached from; `move` (one part) and
`move_order_parts` (the parts of one order) are the only writes of a part's status, each a
guarded conditional UPDATE from the allowed states that also sets the step's timestamp. A
part in the wrong state, or another shop's part, is refused (TransitionRefused) with
nothing changed. The step functions below do the step's own logistics work (stock, slots,
route stops) and then publish its event (marketplace.events): e-mails, refunds, transfers
and reports are listeners in their own apps, so logistics imports none of them. A refused
step publishes nothing. (The demo city's history, marketplace.demo_city.history, builds
past parts with their final status directly: seed data, not steps.)
"""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory_sync.models import Reservation, ReservationState
from inventory_sync.services import close_reservations
from logistics.codes import codes_match
from logistics.slots import release_slot
from marketplace import events
from marketplace.outbox import enqueue

from . import route_progress
from .models import (
    MAX_PART_LITRES,
    OrderPart,
    PartMethod,
    PartStatus,
    StopKind,
    StopStatus,
)

S = PartStatus
MAX_CODE_ATTEMPTS = 10

# target state: (states it may come from, timestamp field it sets)
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    S.PLACED: ({S.PENDING_PAYMENT}, "placed_at"),
    S.ACCEPTED: ({S.PLACED}, "accepted_at"),
    S.REJECTED: ({S.PLACED, S.ACCEPTED}, "rejected_at"),
    S.READY: ({S.ACCEPTED}, "ready_at"),
    S.COLLECTED: ({S.READY, S.AT_HUB}, "completed_at"),
    S.AT_HUB: ({S.HANDED_OVER}, "at_hub_at"),
    S.HANDED_OVER: ({S.READY}, "handed_over_at"),
    S.DELIVERED: ({S.HANDED_OVER}, "completed_at"),
    # From at the hub: nobody came to collect it (logistics.uncollected).
    S.CANCELLED: ({S.PENDING_PAYMENT, S.PLACED, S.ACCEPTED, S.READY, S.AT_HUB}, "cancelled_at"),
}


class TransitionRefused(Exception):
    pass


def move(
    *, part_id: int, shop_id: int | None, to: str, only_from: set[str] | None = None, **changes
) -> OrderPart:
    """One guarded step; refuses when the part is not (or no longer) in a state that allows it.
    `only_from` narrows the allowed states for a step that starts from fewer of them."""
    if to not in TRANSITIONS:  # nothing leads back to awaiting payment
        raise TransitionRefused(refusal_message(part_id, shop_id, to))
    sources, stamp = TRANSITIONS[to]
    if only_from is not None:
        sources = sources & only_from
    parts = OrderPart.objects.filter(pk=part_id, status__in=sources)
    if shop_id is not None:
        parts = parts.filter(shop_id=shop_id)
    if parts.update(status=to, **{stamp: timezone.now()}, **changes) != 1:
        raise TransitionRefused(refusal_message(part_id, shop_id, to))
    return OrderPart.objects.select_related("order", "shop__partner").get(pk=part_id)


def move_order_parts(*, order_id: int, to: str, sources: set[str], **changes) -> list[OrderPart]:
    """The same guarded step for every part of one order that is in `sources` (a subset of
    what TRANSITIONS allows); returns the parts moved, possibly none. Locks them first."""
    allowed, stamp = TRANSITIONS[to]
    if not sources <= allowed:
        raise ValueError(f"{sorted(sources - allowed)} cannot become {to}")
    changes = {"status": to, stamp: timezone.now(), **changes}
    with transaction.atomic():
        parts = list(
            OrderPart.objects.select_for_update(of=("self",))
            .select_related("order", "shop__partner")
            .filter(order_id=order_id, status__in=sources)
            .order_by("pk")
        )
        OrderPart.objects.filter(pk__in=[p.pk for p in parts], status__in=sources).update(**changes)
    for part in parts:
        for field, value in changes.items():
            setattr(part, field, value)
    return parts


def place_paid_parts(*, order_id: int) -> list[OrderPart]:
    """The order's payment came: its parts awaiting payment are placed with their shops.
    None placed means the order was paid (a replay) or cancelled before."""
    with transaction.atomic():
        parts = move_order_parts(order_id=order_id, to=S.PLACED, sources={S.PENDING_PAYMENT})
        for part in parts:
            events.publish(events.PartPlaced(part=part))
    return parts


def cancel_unpaid_parts(*, order_id: int, reason: str) -> list[OrderPart]:
    """The order will not be paid: its parts awaiting payment are cancelled (the caller
    gives back their stock and slots)."""
    with transaction.atomic():
        parts = move_order_parts(
            order_id=order_id, to=S.CANCELLED, sources={S.PENDING_PAYMENT}, reason=reason
        )
        for part in parts:
            events.publish(events.PartCancelled(part=part))
    return parts


UNCOLLECTED_REASON = "not collected"


def cancel_uncollected(*, part_id: int) -> OrderPart:
    """Nobody collected the part in time (logistics.uncollected): cancelled from ready at the
    shop or waiting at the hub, and nothing else, so a part collected meanwhile is refused.
    At the shop its stock is released back on sale; the listeners of PartUncollected refund
    the consumer in full, tell them, and update the reports. (A hub part's stock left the
    shop with the courier: the shop's own count puts it back when the goods return.)"""
    with transaction.atomic():
        part = move(
            part_id=part_id,
            shop_id=None,
            to=S.CANCELLED,
            only_from={S.READY, S.AT_HUB},
            reason=UNCOLLECTED_REASON,
        )
        close_reservations(reservation_ids=reservations_of(part), state=ReservationState.RELEASED)
        release_slot_of(part)
        events.publish(events.PartUncollected(part=part))
    return part


def refusal_message(part_id: int, shop_id: int | None, to: str) -> str:
    part = OrderPart.objects.filter(pk=part_id)
    if shop_id is not None:
        part = part.filter(shop_id=shop_id)
    current = part.values_list("status", flat=True).first()
    if current is None:
        return _("No such order part.")
    return _("This part is %(current)s; it cannot become %(target)s.") % {
        "current": S(current).label,
        "target": S(to).label,
    }


def reservations_of(part: OrderPart) -> list[int]:
    return list(
        Reservation.objects.filter(
            order_line__order_id=part.order_id, order_line__partner_id=part.shop.partner_id
        ).values_list("id", flat=True)
    )


def accept_part(*, part_id: int, shop_id: int) -> OrderPart:
    with transaction.atomic():
        part = move(part_id=part_id, shop_id=shop_id, to=S.ACCEPTED)
        events.publish(events.PartAccepted(part=part))
    return part


def reject_part(*, part_id: int, shop_id: int, reason: str) -> OrderPart:
    """Releases the part's stock and slot; the listeners of PartRejected refund the consumer
    for this part only, tell them, and update the reports."""
    with transaction.atomic():
        part = move(part_id=part_id, shop_id=shop_id, to=S.REJECTED, reason=reason)
        close_reservations(reservation_ids=reservations_of(part), state=ReservationState.RELEASED)
        release_slot_of(part)
        events.publish(events.PartRejected(part=part, reason=reason))
    return part


# Oscar's order Line.status of a line its shop could not supply (the rest of the part goes on).
LINE_REFUSED = "refused"


def refuse_line(*, part_id: int, shop_id: int, line_id: int, reason: str) -> OrderPart:
    """The shop has one line not on the shelf: its stock is released and LineRefused lets
    the consumer get it elsewhere or refunded. Refusing the last line rejects the part."""
    with transaction.atomic():
        part = (
            OrderPart.objects.select_for_update(of=("self",))
            .select_related("order", "shop__partner")
            .filter(pk=part_id, shop_id=shop_id, status__in=TRANSITIONS[S.REJECTED][0])
            .first()
        )
        if part is None:
            raise TransitionRefused(refusal_message(part_id, shop_id, S.REJECTED))
        lines = part.lines().exclude(status=LINE_REFUSED)
        if not lines.filter(pk=line_id).exists():
            raise TransitionRefused(_("This line is not open in this part."))
        if lines.count() == 1:
            return reject_part(part_id=part_id, shop_id=shop_id, reason=reason)
        lines.filter(pk=line_id).update(status=LINE_REFUSED)
        close_reservations(
            reservation_ids=Reservation.objects.filter(order_line_id=line_id).values_list(
                "id", flat=True
            ),
            state=ReservationState.RELEASED,
        )
        events.publish(events.LineRefused(part=part, line_id=line_id, reason=reason))
    return part


def place_part(*, part_id: int) -> OrderPart:
    """One part added to a paid order (a refused line moved to this shop) is paid."""
    with transaction.atomic():
        part = move(part_id=part_id, shop_id=None, to=S.PLACED)
        events.publish(events.PartPlaced(part=part))
    return part


def cancel_unpaid_part(*, part_id: int, reason: str) -> OrderPart:
    """One part added to a paid order was not paid for: cancelled (the caller gives back
    its stock and slot)."""
    with transaction.atomic():
        part = move(part_id=part_id, shop_id=None, to=S.CANCELLED, reason=reason)
        events.publish(events.PartCancelled(part=part))
    return part


def release_slot_of(part: OrderPart) -> None:
    """Gives the part's delivery slot its place back, if it has one (the one place that does:
    rejection, an unpaid order, a rebooking, an uncollected part)."""
    if part.slot_id:
        release_slot(slot_id=part.slot_id)


def mark_ready(
    *,
    part_id: int,
    shop_id: int,
    volume_litres: int | None = None,
    bulky: bool | None = None,
) -> OrderPart:
    """The goods are packed. The shop may say the part's size (litres, bulky); what it
    leaves out (None) keeps the part's current value."""
    size = {"volume_litres": volume_litres, "bulky": bulky}
    changes: dict[str, Any] = {field: value for field, value in size.items() if value is not None}
    if volume_litres is not None and not 1 <= volume_litres <= MAX_PART_LITRES:
        raise TransitionRefused(
            _("The part's volume must be between 1 and %(max)s litres.") % {"max": MAX_PART_LITRES}
        )
    with transaction.atomic():
        part = move(part_id=part_id, shop_id=shop_id, to=S.READY, **changes)
        events.publish(events.PartReady(part=part))
    return part


def hand_over(*, part_id: int, shop_id: int, code: str) -> OrderPart:
    """The goods leave the shop on the part's pickup code: a collect part with the consumer
    (who shows the code); a delivery part with a courier, when a courier picks it up with no
    route (the shop's page shows couriers on a route their hand-over code, logistics.handover).
    Consumes the reservations."""
    part = OrderPart.objects.filter(pk=part_id, shop_id=shop_id).first()
    if part is None:
        raise TransitionRefused(_("No such order part."))
    target = S.COLLECTED if part.method == PartMethod.COLLECT else S.HANDED_OVER
    stop = route_progress.pending_pickup(part_id=part.pk) if target == S.HANDED_OVER else None
    check_code(part, code, part.pickup_code)
    return release_goods(part, shop_id=shop_id, target=target, stop=stop)


def release_goods(part: OrderPart, *, shop_id: int | None, target: str, stop=None) -> OrderPart:
    """The goods leave the shop: the step, the consumed stock, the closed pickup stop and
    GoodsLeftShop (the shop's transfer, the e-mail) as one. The caller has checked the code."""
    with transaction.atomic():
        part = move(part_id=part.pk, shop_id=shop_id, to=target)
        close_reservations(reservation_ids=reservations_of(part), state=ReservationState.CONSUMED)
        if stop is not None and not route_progress.close_stops([stop.pk], status=StopStatus.DONE):
            raise TransitionRefused(_("This stop was closed meanwhile; reload the route."))
        events.publish(events.GoodsLeftShop(part=part))
    return part


def mark_delivered(*, part_id: int, code: str) -> OrderPart:
    """The courier hands the part over at the door, on the consumer's delivery code."""
    part = OrderPart.objects.get(pk=part_id)
    check_code(part, code, part.delivery_code)
    with transaction.atomic():
        part = move(part_id=part_id, shop_id=None, to=S.DELIVERED)
        delivery_stops = route_progress.pending_stops(part_id=part.pk).filter(
            kind=StopKind.DELIVERY
        )
        route_progress.close_stops(
            delivery_stops.values_list("pk", flat=True), status=StopStatus.DONE
        )
        events.publish(events.PartDelivered(part=part))
    return part


def check_code(part: OrderPart, given: str, expected: str) -> None:
    check_code_for(
        OrderPart.objects.filter(pk=part.pk),
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


def mark_failed(*, part_id: int, courier_id: int, reason: str) -> OrderPart:
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
        stops = route_progress.pending_stops(part_id=part_id, courier_id=courier_id)
        stop_ids = list(stops.select_for_update().values_list("pk", flat=True))
        if not stop_ids:
            raise TransitionRefused(_("This part has no open stop on your route."))
        route_progress.close_stops(stop_ids, status=StopStatus.FAILED, reason=reason)
        OrderPart.objects.filter(pk=part_id).update(delivery_failed_at=timezone.now())
        enqueue(send_failure_emails, part_id, reason)
    return OrderPart.objects.select_related("order", "shop__partner").get(pk=part_id)


def drop_at_hub(*, part_id: int, courier_id: int) -> OrderPart:
    """The courier brings a hub part to the hub; the consumer collects it there with their
    code, together with the parts of other shops."""
    with transaction.atomic():
        stops = route_progress.pending_stops(part_id=part_id, courier_id=courier_id)
        stop_ids = list(stops.filter(kind=StopKind.DELIVERY).values_list("pk", flat=True))
        if not stop_ids:
            raise TransitionRefused(_("This part has no open stop on your route."))
        part = move(part_id=part_id, shop_id=None, to=S.AT_HUB)
        route_progress.close_stops(stop_ids, status=StopStatus.DONE)
        events.publish(events.PartAtHub(part=part))
    return part


def collect_at_hub(*, part_id: int, code: str) -> OrderPart:
    """Hub staff hand a waiting part to the consumer, only on the consumer's code."""
    part = OrderPart.objects.filter(pk=part_id, status=S.AT_HUB).first()
    if part is None:
        raise TransitionRefused(_("No such order part."))
    check_code(part, code, part.delivery_code)
    with transaction.atomic():
        part = move(part_id=part_id, shop_id=None, to=S.COLLECTED)
        events.publish(events.PartCollectedAtHub(part=part))
    return part
