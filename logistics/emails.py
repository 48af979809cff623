"""E-mails about a failed courier stop: one to the consumer, one to the shop.

Rendered with the order e-mails' sender and templates (templates/ordering/emails/), so they
look and read the same: Dutch first, then English.
"""

from marketplace.ordering.emails import recipient_of, send

from .models import Fulfilment


def shop_addresses(shop) -> list[str]:
    """The shop's own address, else its staff's: someone at the counter must hear of it."""
    if shop.email:
        return [shop.email]
    return sorted({user.email for user in shop.partner.users.all() if user.email})


def send_part_failed(fulfilment_id: int, reason: str) -> None:
    part = Fulfilment.objects.select_related("order__user", "shop__partner", "slot").get(
        pk=fulfilment_id
    )
    context = {"order": part.order, "part": part, "reason": reason}
    send(to=recipient_of(part.order), template="part_failed", context=context)
    for address in shop_addresses(part.shop):
        send(to=address, template="shop_part_failed", context=context)
