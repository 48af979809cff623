"""Delivery rules: the zone by postcode, slots with capacity and cut-off, the fee."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from logistics.models import DeliverySettings, DeliverySlot, PostcodeArea

POSTCODE = re.compile(r"^\s*(\d{4})\s?([A-Za-z]{2})\s*$")


class DeliveryRefused(Exception):
    """A delivery choice that cannot be honoured; the message is for the consumer."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DeliveryAddress:
    recipient_name: str
    address_line: str
    postcode: str
    city: str
    phone: str
    latitude: Decimal
    longitude: Decimal


def normalise_postcode(raw: str) -> str:
    match = POSTCODE.match(raw or "")
    if not match:
        raise DeliveryRefused(
            _("“%(postcode)s” is not a Dutch postcode (like 7411 AB).") % {"postcode": raw},
            field="postcode",
        )
    return f"{match.group(1)} {match.group(2).upper()}"


def locate_in_zone(postcode: str) -> PostcodeArea:
    """The postcode area (with coordinates) of an address inside an active delivery zone."""
    normalised = normalise_postcode(postcode)
    area = (
        PostcodeArea.objects.filter(pc4=normalised[:4], zone__is_active=True)
        .select_related("zone")
        .first()
    )
    if area is None:
        covered = zone_postcode_summary()
        raise DeliveryRefused(
            _(
                "We deliver in %(covered)s only; %(postcode)s is outside the delivery zone. "
                "Choose collect at the shop instead."
            )
            % {"covered": covered, "postcode": normalised},
            field="postcode",
        )
    return area


def zone_postcode_summary() -> str:
    codes = list(PostcodeArea.objects.filter(zone__is_active=True).values_list("pc4", flat=True))
    if not codes:
        return _("no postcodes yet")
    return f"{min(codes)}–{max(codes)}" if len(codes) > 2 else ", ".join(codes)


def open_slots(now=None):
    """Slots still open for ordering and not full."""
    now = now or timezone.now()
    return DeliverySlot.objects.filter(
        cutoff__gt=now, booked__lt=F("capacity"), zone__is_active=True
    ).order_by("date", "starts")


def book_slot(*, slot_id: int, now=None) -> DeliverySlot:
    """Takes one place in a slot with a guarded UPDATE; inside the order transaction."""
    now = now or timezone.now()
    updated = DeliverySlot.objects.filter(
        Q(pk=slot_id, cutoff__gt=now, booked__lt=F("capacity"))
    ).update(booked=F("booked") + 1)
    slot = DeliverySlot.objects.get(pk=slot_id)
    if updated != 1:
        label = f"{date_format(slot.date, 'l j F')} {slot.starts:%H:%M}–{slot.ends:%H:%M}"
        if slot.cutoff <= now:
            message = _("Ordering for the %(slot)s slot has closed; choose a later slot.")
        else:
            message = _("The %(slot)s slot is full; choose another slot.")
        raise DeliveryRefused(message % {"slot": label}, field="slot")
    return slot


def release_slot(*, slot_id: int) -> None:
    DeliverySlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def delivery_fee(*, subtotal: Decimal, rules: DeliverySettings) -> Decimal:
    """The fee for delivering one shop's part: free from the threshold on."""
    if rules.free_from is not None and subtotal >= rules.free_from:
        return Decimal("0.00")
    return Decimal(rules.fee_incl_vat).quantize(Decimal("0.01"))
