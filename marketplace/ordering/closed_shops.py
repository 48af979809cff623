"""A shop paused or closed while its consumer was paying (issue 15).

Checkout and the start of a payment refuse a shop that is not taking orders; but a consumer
may be on Stripe's Checkout page when management pauses the shop. When that payment is
confirmed, the paused shop's part is refused as a shop refuses its part: stock and slot
released, that part refunded, the consumer told by e-mail and on the order page. The other
shops' parts go ahead.
"""

from django.utils.translation import gettext as _

from logistics.models import OrderPart, PartStatus


def stopped_taking_orders_reason() -> str:
    return _("the shop stopped taking orders while you were paying")


def refuse_parts_of_closed_shops(*, order_id: int) -> list[OrderPart]:
    """Rejects (and refunds) each placed part whose shop no longer takes orders. Call right
    after the payment is confirmed. Safe to call again: a rejected part is not placed, and
    the refund's idempotency key is the part's."""
    from logistics.part_states import reject_part

    parts = OrderPart.objects.filter(order_id=order_id, status=PartStatus.PLACED).select_related(
        "shop"
    )
    return [
        reject_part(part_id=part.pk, shop_id=part.shop_id, reason=stopped_taking_orders_reason())
        for part in parts
        if not part.shop.takes_orders
    ]
