"""Delivery slots: open ones, taking a place (capacity and cut-off), giving it back."""

from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import DeliverySlot


class DeliveryRefused(Exception):
    """A delivery choice that cannot be honoured; the message is for the consumer."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


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
