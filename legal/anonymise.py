"""Removing a person from orders that must stay for the tax retention period.

An order's figures, lines and shops stay (the shops' bookkeeping and the commission ledger
need them); the consumer's name, e-mail, phone, address, drop-off notes and proof of
delivery go. Every order anonymised is recorded, so the retention task does each only once.
"""

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from logistics.models import DeliveryProof, OrderPart

from .models import AnonymisedOrder

Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")

# What stands where a name or street was; the rest of an address is emptied.
REMOVED = "—"
ADDRESS_CLEARED = {
    "title": "",
    "first_name": "",
    "last_name": REMOVED,
    "line1": REMOVED,
    "line2": "",
    "line3": "",
    "line4": "",
    "state": "",
    "postcode": "",
    "search_text": "",
}
PART_CLEARED = {
    "recipient_name": "",
    "address_line": "",
    "house_number": "",
    "house_number_addition": "",
    "postcode": "",
    "city": "",
    "phone": "",
    "safe_place": "",
    "latitude": None,
    "longitude": None,
}


def anonymise_orders(*, order_ids: list[int]) -> int:
    """Removes the consumer from these orders and their parts; returns how many were not
    anonymised before. Safe to call again."""
    if not order_ids:
        return 0
    with transaction.atomic():
        orders = Order.objects.filter(pk__in=order_ids)
        ShippingAddress.objects.filter(order__in=orders).update(
            **ADDRESS_CLEARED, phone_number="", notes=""
        )
        BillingAddress.objects.filter(order__in=orders).update(**ADDRESS_CLEARED)
        orders.update(user=None, guest_email="")
        OrderPart.objects.filter(order__in=orders).update(**PART_CLEARED)
        for proof in DeliveryProof.objects.filter(part__order__in=orders):
            if proof.photo:
                proof.photo.delete(save=False)
            proof.received_by, proof.note = "", ""
            proof.save(update_fields=["photo", "received_by", "note"])
        already = set(
            AnonymisedOrder.objects.filter(order_id__in=order_ids).values_list(
                "order_id", flat=True
            )
        )
        now = timezone.now()
        AnonymisedOrder.objects.bulk_create(
            [
                AnonymisedOrder(order_id=pk, anonymised_at=now)
                for pk in order_ids
                if pk not in already
            ]
        )
    return len(set(order_ids) - already)
