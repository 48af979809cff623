"""A card with money on it, and an order across two shops that a card pays part of."""

from decimal import Decimal

from marketplace.giftcards import ledger, services
from marketplace.giftcards.models import EntryKind, GiftCard, Scheme
from marketplace.ordering.gift_card_payment import CardSpend
from marketplace.ordering.services import PartChoice, place_order
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer


def card_with(amount: str, *, pin_above: str = "500.00") -> GiftCard:
    """A card bought online and paid (its SALE booked), as record_purchase_paid leaves it."""
    scheme = Scheme.current()
    scheme.pin_above = Decimal(pin_above)
    scheme.save()
    made = services.make_card(amount=Decimal(amount), scheme=scheme)
    services.activate(made.card, scheme=scheme)
    ledger.post(
        kind=EntryKind.SALE, amount=Decimal(amount), key=f"sale-test-{made.card.pk}", card=made.card
    )
    made.card.refresh_from_db()
    return made.card


def two_shop_basket():
    """Books € 39.90 (2 × 19.95) and cheese € 12.50, both collected: € 52.40."""
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    novel = make_offer(books, price="19.95", on_hand=5, title="Roman")
    gouda = make_offer(cheese, price="12.50", on_hand=5, title="Oude Goudse")
    consumer = UserFactory()
    basket = make_basket(consumer, (novel, 2), (gouda, 1))
    return books, cheese, consumer, basket


def place_with_card(card, amount: str | None, *, shops=None):
    books, cheese, consumer, basket = shops or two_shop_basket()
    order = place_order(
        basket=basket,
        user=consumer,
        choices={
            books.partner_id: PartChoice(method="collect"),
            cheese.partner_id: PartChoice(method="collect"),
        },
        address=None,
        gift_card=CardSpend(card_id=card.pk, amount=Decimal(amount) if amount else None),
    )
    return order, books, cheese
