"""What ordering does when a payment ends or an order part moves (subscribed in apps.py):
the order is confirmed or cancelled, and the consumer is e-mailed about each part."""

from logistics.models import PartMethod, PartStatus
from marketplace import events
from marketplace.outbox import enqueue

from .services import cancel_unpaid_order, record_payment_success
from .tasks import send_part_email


def payment_succeeded(event: events.PaymentSucceeded) -> None:
    record_payment_success(order_id=event.order_id, reference=event.reference)


def payment_ended_unpaid(event: events.PaymentEndedUnpaid) -> None:
    cancel_unpaid_order(order_id=event.order_id, expired=True)


def email_part(kind: str):
    def listener(event: events.PartEvent) -> None:
        enqueue(send_part_email, event.part.pk, kind)

    listener.__name__ = f"email_part_{kind}"
    return listener


def email_ready_for_collection(event: events.PartReady) -> None:
    # A delivered part's consumer hears from the courier's route instead.
    if event.part.method == PartMethod.COLLECT:
        enqueue(send_part_email, event.part.pk, "ready")


def email_goods_left_shop(event: events.GoodsLeftShop) -> None:
    collected = event.part.status == PartStatus.COLLECTED
    enqueue(send_part_email, event.part.pk, "collected" if collected else "handed_over")


email_rejected = email_part("rejected")
email_delivered = email_part("delivered")
email_at_hub = email_part("at_hub")
email_collected_at_hub = email_part("collected")
email_uncollected = email_part("uncollected")


def subscribe() -> None:
    events.subscribe(events.PaymentSucceeded, payment_succeeded)
    events.subscribe(events.PaymentEndedUnpaid, payment_ended_unpaid)
    events.subscribe(events.PartRejected, email_rejected)
    events.subscribe(events.PartReady, email_ready_for_collection)
    events.subscribe(events.GoodsLeftShop, email_goods_left_shop)
    events.subscribe(events.PartAtHub, email_at_hub)
    events.subscribe(events.PartDelivered, email_delivered)
    events.subscribe(events.PartCollectedAtHub, email_collected_at_hub)
    events.subscribe(events.PartUncollected, email_uncollected)
