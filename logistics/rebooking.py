"""A failed delivery booked again: a new delivery slot, or collection at the hub.

A part whose courier stop failed (part_states.mark_failed) carries `delivery_failed_at` and
is left out of planning (dispatch_inputs.day_parts) until it is rebooked here, by its
consumer or by centre management. Rebooking clears `delivery_failed_at` and
`next_notified_at` (a new attempt gets its own "your courier is next" e-mail), and the next
planning run of the new day puts the part on a route again.

A part already handed over stays with the courier carrying it (the domain rule for
re-planning): it can only be rebooked into a slot of the same day, which the planner gives
to that courier, or to the hub, where that courier drops it. A part still at the shop may go
to any open slot of its zone, or to the hub.

The delivery fee is left as it was: logistics does not move money.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import (
    DeliverySlot,
    Hub,
    OrderPart,
    PartMethod,
    PartStatus,
    PostcodeArea,
    RouteStop,
    StopStatus,
)
from .part_states import release_slot_of
from .slots import DeliveryRefused, book_slot, open_slots

S = PartStatus
# A part in these states has not reached its consumer and is not cancelled.
REBOOKABLE_STATES = (S.ACCEPTED, S.READY, S.HANDED_OVER)
HUB_CHOICE = "hub"


class RebookingRefused(Exception):
    """A rebooking that cannot be honoured; nothing was changed. The message is for people."""


def failed_parts() -> QuerySet[OrderPart]:
    """Parts waiting for a new slot after a failed stop, oldest failure first."""
    return (
        OrderPart.objects.filter(delivery_failed_at__isnull=False, status__in=REBOOKABLE_STATES)
        .select_related("order", "shop__partner", "slot")
        .order_by("delivery_failed_at", "pk")
    )


def is_waiting(part: OrderPart) -> bool:
    return part.delivery_failed_at is not None and part.status in REBOOKABLE_STATES


def failure_reason(part: OrderPart) -> str:
    """What the courier wrote on the part's last failed stop."""
    stop = (
        RouteStop.objects.filter(part=part, status=StopStatus.FAILED)
        .order_by("-done_at", "-pk")
        .first()
    )
    return stop.failure_reason if stop else ""


def slots_for(part: OrderPart, *, now: datetime | None = None) -> QuerySet[DeliverySlot]:
    """Open slots (cut-off and capacity, as at checkout) in the zone of the part's address;
    only the same day's for a part already with a courier."""
    now = now or timezone.now()
    if not has_address(part):
        return DeliverySlot.objects.none()
    slots = open_slots(now).select_related("zone")
    zone_id = zone_of(part)
    if zone_id is not None:
        slots = slots.filter(zone_id=zone_id)
    if part.status == S.HANDED_OVER:
        slots = slots.filter(date=timezone.localdate(now))
    return slots


def has_address(part: OrderPart) -> bool:
    """A hub part was ordered without a delivery address: it cannot move to a door."""
    return bool(part.postcode) or part.latitude is not None


def zone_of(part: OrderPart) -> int | None:
    if part.slot_id and (slot := part.slot) is not None:
        return slot.zone_id
    digits = "".join(ch for ch in part.postcode if ch.isdigit())[:4]
    area = PostcodeArea.objects.filter(pc4=digits).first() if len(digits) == 4 else None
    return area.zone_id if area else None


def hub_possible() -> bool:
    return Hub.objects.exists()


def slot_label(slot: DeliverySlot) -> str:
    return f"{date_format(slot.date, 'l j F')} {slot.starts:%H:%M}–{slot.ends:%H:%M}"


def parse_choice(raw: str) -> tuple[int | None, bool]:
    """The form's choice: a slot id or "hub". Anything else is refused with a message."""
    raw = (raw or "").strip()
    if raw == HUB_CHOICE:
        return None, True
    if raw.isdigit():
        return int(raw), False
    raise RebookingRefused(_("Choose a new delivery slot or the hub."))


def rebook_part(
    *,
    part_id: int,
    slot_id: int | None = None,
    to_hub: bool = False,
    consumer=None,
    now: datetime | None = None,
) -> OrderPart:
    """Books a failed part into `slot_id` or the hub; `consumer`, when given, must own it.

    Locks the part's row (select_for_update), then books the new slot with book_slot's
    guarded UPDATE and releases the old one, in one transaction: a refusal leaves the old
    booking as it was. Safe to call again: repeating a rebooking that already went through
    returns the part unchanged rather than booking a second place.
    """
    now = now or timezone.now()
    if to_hub == (slot_id is not None):
        raise RebookingRefused(_("Choose a new delivery slot or the hub."))
    with transaction.atomic():
        parts = OrderPart.objects.select_for_update(of=("self",)).filter(pk=part_id)
        if consumer is not None:
            parts = parts.filter(order__user=consumer)
        part = parts.select_related("slot").first()
        if part is None:
            raise OrderPart.DoesNotExist
        if already_done(part, slot_id=slot_id, to_hub=to_hub):
            return part
        if not is_waiting(part):
            raise RebookingRefused(_("This part has no failed delivery to rebook."))
        # to_hub exactly when no slot was given (checked above)
        changes = hub_changes() if slot_id is None else slot_changes(part, slot_id, now)
        if part.slot_id != changes["slot_id"]:
            release_slot_of(part)  # its old slot, if it had one
        updated = OrderPart.objects.filter(
            pk=part.pk, delivery_failed_at=part.delivery_failed_at, status__in=REBOOKABLE_STATES
        ).update(delivery_failed_at=None, next_notified_at=None, pinned_courier=None, **changes)
        if updated != 1:  # cannot happen under the row lock; refuse rather than half-apply
            raise RebookingRefused(_("This part changed meanwhile; reload the page."))
    return OrderPart.objects.select_related("order", "shop__partner", "slot").get(pk=part.pk)


def already_done(part: OrderPart, *, slot_id: int | None, to_hub: bool) -> bool:
    if part.delivery_failed_at is not None:
        return False
    if to_hub:
        return part.method == PartMethod.HUB
    return part.method == PartMethod.DELIVERY and part.slot_id == slot_id


def hub_changes() -> dict:
    if not hub_possible():
        raise RebookingRefused(_("There is no hub to collect from."))
    return {"method": PartMethod.HUB, "slot_id": None}


def slot_changes(part: OrderPart, slot_id: int, now: datetime) -> dict:
    """Checks the slot against the part, then takes a place in it (unless it is the part's
    own slot, still open: its place is already taken)."""
    slot = DeliverySlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise RebookingRefused(_("That delivery slot does not exist."))
    zone_id = zone_of(part)
    if zone_id is not None and slot.zone_id != zone_id:
        raise RebookingRefused(_("That slot is not in the delivery zone of this address."))
    if part.status == S.HANDED_OVER and slot.date != timezone.localdate(now):
        raise RebookingRefused(
            _(
                "The part is with the courier today: choose a slot of today, "
                "or collect it at the hub."
            )
        )
    if not has_address(part):
        raise RebookingRefused(_("This part has no delivery address; choose the hub."))
    own_open = slot.pk == part.slot_id and slot.cutoff > now
    if not own_open:
        try:
            book_slot(slot_id=slot.pk, now=now)
        except DeliveryRefused as refused:
            raise RebookingRefused(str(refused)) from refused
    return {"method": PartMethod.DELIVERY, "slot_id": slot.pk}


def choices_for(part: OrderPart, *, now: datetime | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs for a rebooking form: the open slots, then the hub if any."""
    choices = [(str(slot.pk), slot_label(slot)) for slot in slots_for(part, now=now)]
    if hub_possible():
        choices.append((HUB_CHOICE, _("Collect at the hub")))
    return choices
