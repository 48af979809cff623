"""E-mails of the courier's stops: a failed stop (to the consumer and the shop), and
"your courier is next" (to the consumer).

Rendered with the order e-mails' templates (templates/ordering/emails/), so they look and
read the same: Dutch first, then English.
"""

from django.utils import timezone

from marketplace.mail import recipient_of, send_templated

from . import route_progress
from .models import OrderPart, PartStatus


def send(*, to: str, template: str, context: dict) -> None:
    send_templated(to=to, template=f"ordering/emails/{template}", context=context)


def shop_addresses(shop) -> list[str]:
    """The shop's own address, else its staff's: someone at the counter must hear of it."""
    if shop.email:
        return [shop.email]
    return sorted({user.email for user in shop.partner.users.all() if user.email})


def send_part_failed(part_id: int, reason: str) -> None:
    part = OrderPart.objects.select_related("order__user", "shop__partner", "slot").get(pk=part_id)
    context = {"order": part.order, "part": part, "reason": reason}
    send(to=recipient_of(part.order), template="part_failed", context=context)
    for address in shop_addresses(part.shop):
        send(to=address, template="shop_part_failed", context=context)


def send_courier_next(part_id: int) -> None:
    """Skipped when the part is no longer on its way (delivered or failed meanwhile)."""
    part = OrderPart.objects.select_related("order__user", "shop__partner", "slot").get(pk=part_id)
    if part.status != PartStatus.HANDED_OVER or part.delivery_failed_at is not None:
        return
    arrival = route_progress.expected_arrival(part.pk)
    context = {
        "order": part.order,
        "part": part,
        "arrival": timezone.localtime(arrival) if arrival else None,
    }
    send(to=recipient_of(part.order), template="part_courier_next", context=context)
