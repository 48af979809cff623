"""Property: any sequence of online sales, counter sales, redemptions (too large ones too),
refunds and expiries keeps the books balanced: every entry's postings add up to zero, the
accounts together to zero, each card's account equals its balance, no balance is below zero
or above its amount, and what is owed to each shop is what was spent there less what it sold.
A model in Python follows every step and must agree with the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.giftcards import ledger, services
from marketplace.giftcards.models import AccountKind, CardStatus, GiftCard

from .conftest import scheme_with

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")

cents = st.integers(min_value=1, max_value=20_000)
card_amounts = st.integers(min_value=500, max_value=15_000)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("sell online"), card_amounts, st.integers(0, 1)),
        st.tuples(st.just("sell at counter"), card_amounts, st.integers(0, 1)),
        st.tuples(st.just("redeem"), cents, st.integers(0, 9), st.integers(0, 1)),
        st.tuples(st.just("redeem all"), st.integers(0, 9), st.integers(0, 1)),
        st.tuples(st.just("refund"), st.integers(0, 9)),
        st.tuples(st.just("expire"), st.integers(0, 9)),
    ),
    max_size=25,
)


def euros(amount_cents: int) -> Decimal:
    return (Decimal(amount_cents) / 100).quantize(Decimal("0.01"))


class Books:
    """What the ledger must say, kept by hand."""

    def __init__(self, shops):
        self.shops = shops
        self.cards: list[int] = []
        self.balance: dict[int, Decimal] = {}
        self.owed_to_shop = {shop.pk: ZERO for shop in shops}
        self.keys = 0

    def key(self) -> str:
        self.keys += 1
        return f"property-{self.keys}"

    def card(self, index: int) -> int | None:
        return self.cards[index % len(self.cards)] if self.cards else None

    def run(self, step, user) -> None:
        kind = step[0]
        if kind == "sell online":
            purchase = services.start_purchase(
                amount=euros(step[1]), email="koper@example.test", message="", buyer=user
            )
            assert services.record_purchase_paid(purchase_id=purchase.pk, reference="t")
            self.add(purchase.card_id, euros(step[1]))
        elif kind == "sell at counter":
            shop = self.shops[step[2]]
            made = services.sell_at_counter(
                shop=shop, amount=euros(step[1]), user=None, key=self.key()
            )
            self.add(made.card.pk, euros(step[1]))
            self.owed_to_shop[shop.pk] -= euros(step[1])
        elif kind in ("redeem", "redeem all") and (card_id := self.card(step[-2])):
            shop = self.shops[step[-1]]
            amount = self.balance[card_id] if kind == "redeem all" else euros(step[1])
            if amount <= 0 or amount > self.balance[card_id]:
                with pytest.raises(services.Refused):
                    services.redeem(card_id=card_id, shop=shop, amount=amount, key=self.key())
                return
            services.redeem(card_id=card_id, shop=shop, amount=amount, key=self.key())
            self.balance[card_id] -= amount
            self.owed_to_shop[shop.pk] += amount
        elif kind == "refund" and (card_id := self.card(step[1])):
            services.refund_card(card_id=card_id, user=None)
            self.balance[card_id] = ZERO
        elif kind == "expire" and (card_id := self.card(step[1])):
            past = timezone.now() - timedelta(seconds=1)
            GiftCard.objects.filter(pk=card_id, status=CardStatus.ACTIVE).update(expires_at=past)
            services.expire_cards()
            self.balance[card_id] = ZERO

    def add(self, card_id: int, amount: Decimal) -> None:
        self.cards.append(card_id)
        self.balance[card_id] = amount

    def check(self) -> None:
        assert ledger.unbalanced_entries() == []
        totals = ledger.trial_balance()
        assert sum(totals.values(), ZERO) == ZERO
        for card in GiftCard.objects.filter(pk__in=self.cards):
            assert ZERO <= card.balance <= card.amount
            assert card.balance == self.balance[card.pk]
            assert -ledger.balance_of(ledger.card_account(card)) == card.balance
        assert -totals[AccountKind.CARD] == sum(self.balance.values(), ZERO)
        for shop in self.shops:
            assert -ledger.balance_of(ledger.shop_account(shop.pk)) == self.owed_to_shop[shop.pk]


@pytest.fixture
def world(town):
    return town["shops"][:2], town["owners"][2]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_the_books_balance_after_any_sequence_of_steps(world, sequence):
    shops, user = world
    with transaction.atomic():
        scheme_with(*shops)
        books = Books(shops)
        for step in sequence:
            books.run(step, user)
            books.check()
        transaction.set_rollback(True)  # each example starts from empty books
