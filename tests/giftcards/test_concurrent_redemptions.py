"""Many counters spending one card at the same moment, on real PostgreSQL: the balance never
goes below zero, exactly as many redemptions succeed as the card can pay, every success has
its balanced ledger entry, and the same key sent by many threads at once spends once."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from marketplace.giftcards import ledger, services
from marketplace.giftcards.models import Entry, EntryKind, GiftCard

THREADS = 16


def spend(card_id, shop, amount, key, barrier, outcomes):
    try:
        barrier.wait()
        entry = services.redeem(card_id=card_id, shop=shop, amount=amount, key=key)
        outcomes.append(("spent", entry.pk))
    except services.Refused as refused:
        outcomes.append(("refused", str(refused)))
    except Exception as error:  # a deadlock or anything else fails the test below
        outcomes.append(("error", repr(error)))
    finally:
        connections.close_all()


def run_at_once(targets) -> list:
    outcomes: list = []
    barrier = threading.Barrier(len(targets), timeout=60)
    threads = [threading.Thread(target=spend, args=(*args, barrier, outcomes)) for args in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def new_card(shop, amount="50.00"):
    return services.sell_at_counter(
        shop=shop, amount=Decimal(amount), user=None, key=f"c-{GiftCard.objects.count()}"
    ).card


@pytest.mark.django_db(transaction=True)
def test_sixteen_counters_spending_one_card_at_once_never_overspend(postgresql, town):
    first, second = town["shops"][:2]
    for repetition in range(5):
        card = new_card(first)  # € 50: five of the sixteen € 10 redemptions fit
        targets = [
            (card.pk, (first, second)[n % 2], Decimal("10.00"), f"r{repetition}-{n}")
            for n in range(THREADS)
        ]
        outcomes = run_at_once(targets)
        assert [o for o in outcomes if o[0] == "error"] == []
        assert sum(1 for o in outcomes if o[0] == "spent") == 5, repetition
        assert sum(1 for o in outcomes if o[0] == "refused") == THREADS - 5
        card.refresh_from_db()
        assert card.balance == Decimal("0.00")
        spent = Entry.objects.filter(card=card, kind=EntryKind.REDEMPTION)
        assert spent.count() == 5
        assert -ledger.balance_of(ledger.card_account(card)) == Decimal("0.00")
    assert ledger.unbalanced_entries() == []
    assert sum(ledger.trial_balance().values()) == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_one_redemption_sent_by_many_threads_spends_once(postgresql, town):
    shop = town["shops"][0]
    card = new_card(shop)
    outcomes = run_at_once(
        [(card.pk, shop, Decimal("7.50"), "the-same-tap") for _ in range(THREADS)]
    )
    assert [o for o in outcomes if o[0] != "spent"] == []
    assert len({entry for _, entry in outcomes}) == 1
    card.refresh_from_db()
    assert card.balance == Decimal("42.50")
    assert ledger.unbalanced_entries() == []
