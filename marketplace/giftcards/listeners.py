"""What giftcards does when the gateway reports on a card bought online (subscribed in
apps.py); both are safe to run again for a replayed webhook."""

from marketplace import events

from .services import cancel_purchase, record_purchase_paid


def gift_card_paid(event: events.GiftCardPaid) -> None:
    record_purchase_paid(purchase_id=event.purchase_id, reference=event.reference)


def gift_card_ended(event: events.GiftCardEnded) -> None:
    cancel_purchase(purchase_id=event.purchase_id)


def subscribe() -> None:
    events.subscribe(events.GiftCardPaid, gift_card_paid)
    events.subscribe(events.GiftCardEnded, gift_card_ended)
