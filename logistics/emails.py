"""E-mails of the courier's stops: a failed stop (to the consumer and the shop), and
"your courier is next" (to the consumer); and the reminder of a part nobody collected.

Rendered with the order e-mails' templates (templates/ordering/emails/), so they look and
read the same: Dutch first, then English.
"""

from datetime import timedelta

from django.utils import timezone

from marketplace.mail import recipient_of, send_templated
from marketplace.qr import pickup_qr_png
from shops.hours import schedule_for

from . import route_progress
from .models import Hub, OrderPart, PartStatus
from .uncollected import cancel_moment


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


def send_collect_reminder(part_id: int) -> None:
    """The part still waits for its consumer a day after it was ready: its code, where, the
    opening hours until the day it is cancelled. Skipped when it no longer waits."""
    part = OrderPart.objects.select_related("order__user", "shop__partner").get(pk=part_id)
    at_hub = part.status == PartStatus.AT_HUB
    if not at_hub and part.status != PartStatus.READY:
        return
    code = part.delivery_code if at_hub else part.pickup_code
    cancel_at = cancel_moment(part)
    last_day = cancel_at.date() if cancel_at else None
    context = {
        "order": part.order,
        "part": part,
        "at_hub": at_hub,
        "hub": Hub.objects.order_by("pk").first() if at_hub else None,
        "code": code,
        "cancel_at": cancel_at,
        "hours": [] if at_hub else opening_days(part.shop, last_day),
    }
    send_templated(
        to=recipient_of(part.order),
        template="ordering/emails/part_collect_reminder",
        context=context,
        qr_png=pickup_qr_png(order_number=part.order.number, part_id=part.pk, code=code),
    )


def opening_days(shop, last_day, most: int = 8) -> list[tuple]:
    """(day, periods) from today to `last_day` (at most `most` days); no periods: closed."""
    schedule = schedule_for(shop)
    today = timezone.localdate()
    days = []
    for offset in range(most):
        day = today + timedelta(days=offset)
        if last_day is not None and day > last_day:
            break
        days.append((day, schedule.periods_on(day)))
    return days


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
