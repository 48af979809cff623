"""Eight consumers placing orders paid with one card at the same moment, on real
PostgreSQL: the card's guarded UPDATE lets exactly as many holds through as its balance
pays, the others' orders roll back whole (no order, no payment, stock free), and the books
balance."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from oscar.core.loading import get_model

from marketplace.giftcards import ledger
from marketplace.giftcards.models import EntryKind, OrderCardUse
from marketplace.ordering.gift_card_payment import CardSpend
from marketplace.ordering.services import CheckoutRefused, PartChoice, place_order
from marketplace.payments.models import Payment
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, with_strategy

from .online_helpers import card_with

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
BUYERS = 8


def buy(basket_id, user, choices, card_id, barrier, outcomes) -> None:
    try:
        basket = with_strategy(Basket.objects.get(pk=basket_id))
        barrier.wait()
        place_order(
            basket=basket,
            user=user,
            choices=choices,
            address=None,
            gift_card=CardSpend(card_id=card_id, amount=Decimal("20.00")),
        )
        outcomes.append("placed")
    except CheckoutRefused as refused:
        outcomes.append(("refused", refused.field))
    except Exception as error:  # a deadlock or anything else fails the test below
        outcomes.append(("error", repr(error)))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_eight_orders_spending_one_card_at_once_never_overspend_it(postgresql):
    first, second = ShopFactory(), ShopFactory()
    one = make_offer(first, price="15.00", on_hand=50)
    other = make_offer(second, price="15.00", on_hand=50)
    choices = {
        first.partner_id: PartChoice(method="collect"),
        second.partner_id: PartChoice(method="collect"),
    }
    card = card_with("50.00")  # two € 20 holds fit, a third does not
    users = [UserFactory() for _ in range(BUYERS)]
    baskets = [make_basket(user, (one, 1), (other, 1)).pk for user in users]
    outcomes: list = []
    barrier = threading.Barrier(BUYERS, timeout=60)
    threads = [
        threading.Thread(target=buy, args=(basket, user, choices, card.pk, barrier, outcomes))
        for basket, user in zip(baskets, users, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [o for o in outcomes if isinstance(o, tuple) and o[0] == "error"] == []
    assert outcomes.count("placed") == 2
    assert outcomes.count(("refused", "gift_card_amount")) == BUYERS - 2
    card.refresh_from_db()
    assert card.balance == Decimal("10.00")
    assert OrderCardUse.objects.count() == Order.objects.count() == 2
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [Decimal("10.00")] * 2
    assert card.entries.filter(kind=EntryKind.HOLD).count() == 2
    one.refresh_from_db()
    assert one.num_allocated == 2
    assert ledger.unbalanced_entries() == []
    assert sum(ledger.trial_balance().values()) == Decimal("0.00")
