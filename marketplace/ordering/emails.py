"""E-mails to the consumer at each step of an order part. Dutch first, then English."""

from oscar.core.loading import get_model

from legal.emails import receipt_attachments
from logistics.models import Hub, OrderPart
from marketplace.giftcards.selectors import card_use_of_order, returned_to_card_of_part
from marketplace.mail import recipient_of, send_templated
from marketplace.qr import pickup_qr_png
from shops.hours import schedule_for

Order = get_model("order", "Order")

PART_EMAILS = {
    "ready",
    "handed_over",
    "at_hub",
    "collected",
    "delivered",
    "rejected",
    "uncollected",
}


def send(
    *, to: str, template: str, context: dict, qr_png: bytes | None = None, attachments=()
) -> None:
    send_templated(
        to=to,
        template=f"ordering/emails/{template}",
        context=context,
        qr_png=qr_png,
        attachments=attachments,
    )


def send_order_placed(order_id: int) -> None:
    order = Order.objects.select_related("user").get(pk=order_id)
    parts = order.parts.select_related("shop__partner", "slot")
    context = {
        "order": order,
        "parts": parts,
        "gift_card": card_use_of_order(order_id=order.pk),
    }
    send(to=recipient_of(order), template="order_placed", context=context)


def send_late_payment(order_id: int) -> None:
    """The payment arrived after the order was cancelled (expired, or cancelled in another
    tab): it is refunded in full."""
    order = Order.objects.select_related("user", "payment").get(pk=order_id)
    context = {"order": order, "amount": order.payment.amount}
    send(to=recipient_of(order), template="late_payment_refunded", context=context)


def send_part_update(part_id: int, kind: str) -> None:
    if kind not in PART_EMAILS:
        raise ValueError(f"unknown e-mail {kind!r}")
    part = OrderPart.objects.select_related("order__user", "shop__partner", "slot").get(pk=part_id)
    qr_png = None
    if kind in ("ready", "at_hub"):
        code = part.pickup_code if kind == "ready" else part.delivery_code
        qr_png = pickup_qr_png(order_number=part.order.number, part_id=part.pk, code=code)
    context = {
        "order": part.order,
        "part": part,
        "hours": schedule_for(part.shop).weekly,
        "hub": Hub.objects.order_by("pk").first(),
        # What a refund of the part put back onto the city gift card that paid it.
        "card_share": returned_to_card_of_part(part_id=part.pk),
    }
    # The VAT receipt goes with "ready", "at the hub" and "delivered" (legal.emails).
    attachments = receipt_attachments(part_id=part.pk, kind=kind)
    context["has_receipt"] = bool(attachments)
    send(
        to=recipient_of(part.order),
        template=f"part_{kind}",
        context=context,
        qr_png=qr_png,
        attachments=attachments,
    )
