"""Gift card money on the shops' weekly settlements, and expiry by the beat task.

Last week (clock fixed): shop A sold a € 60 card at its counter; € 25 of it was spent at A
and € 30 at B; a € 20 card of B's was spent at B for € 5. A's statement: spent 25, sold 60,
owed by A 35 (nothing sent); B's: spent 35, sold 20, € 15 sent to B's payout account."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from marketplace.commission.models import Settlement
from marketplace.commission.settlements import settle_shops
from marketplace.commission.statements import statement_csv, statement_pdf
from marketplace.giftcards import ledger, services
from marketplace.giftcards.models import (
    AccountKind,
    CardStatus,
    Entry,
    EntryKind,
    GiftCard,
    ShopStatement,
)
from marketplace.giftcards.tasks import expire_gift_cards
from tests.conftest import client_for, set_clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)  # a Wednesday; last week is 16–22 November
LAST_WEEK = datetime(2026, 11, 18, 15, 0)


@pytest.fixture
def last_week(town, monkeypatch):
    set_clock(monkeypatch, timezone.make_aware(LAST_WEEK))
    first, second = town["shops"][:2]
    second.stripe_account_id = "acct_b"
    second.save(update_fields=["stripe_account_id"])
    big = services.sell_at_counter(shop=first, amount=Decimal("60.00"), user=None, key="a").card
    small = services.sell_at_counter(shop=second, amount=Decimal("20.00"), user=None, key="b").card
    services.redeem(card_id=big.pk, shop=first, amount=Decimal("25.00"), key="1")
    services.redeem(card_id=big.pk, shop=second, amount=Decimal("30.00"), key="2")
    services.redeem(card_id=small.pk, shop=second, amount=Decimal("5.00"), key="3")
    set_clock(monkeypatch, timezone.make_aware(datetime(2026, 11, 25, 7, 0)))
    return town


def test_each_shop_gets_its_gift_card_line_and_its_share_once(
    last_week, django_capture_on_commit_callbacks
):
    first, second = last_week["shops"][:2]
    with django_capture_on_commit_callbacks(execute=True):
        settled = settle_shops(today=TODAY)
    assert {s.shop_id for s in settled} == {first.pk, second.pk}
    a = ShopStatement.objects.get(shop=first)
    b = ShopStatement.objects.get(shop=second)
    assert (a.redeemed, a.sold, a.net, a.transfer_reference) == (
        Decimal("25.00"),
        Decimal("60.00"),
        Decimal("-35.00"),
        "",
    )
    assert (b.redeemed, b.sold, b.net) == (Decimal("35.00"), Decimal("20.00"), Decimal("15.00"))
    assert b.transfer_reference.startswith("offline-giftcards-statement-")
    assert Entry.objects.get(kind=EntryKind.PAYOUT).amount == Decimal("15.00")
    assert -ledger.balance_of(ledger.shop_account(second.pk)) == Decimal("0.00")
    assert ledger.unbalanced_entries() == []
    # A second run states nothing again and pays nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        settle_shops(today=TODAY)
    assert ShopStatement.objects.count() == 2
    assert Entry.objects.filter(kind=EntryKind.PAYOUT).count() == 1
    settlement = Settlement.objects.get(shop=second)
    assert (settlement.gross, settlement.net) == (Decimal("0.00"), Decimal("0.00"))
    csv = statement_csv(settlement)
    assert "City gift cards spent at your shop,,35.00" in csv
    assert "City gift cards: paid to you,,15.00" in csv
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(statement_pdf(settlement))).pages)
    assert "City gift cards: paid to you" in text and "15.00" in text
    page = client_for(last_week["owners"][1]).get(f"/shop/money/{settlement.pk}/")
    assert "€15.00" in page.content.decode().replace("\xa0", "")
    staff = client_for(UserFactory(is_staff=True)).get("/management/settlements/")
    assert "gift-card-net" in staff.content.decode()


def test_a_redemption_made_this_week_waits_for_next_weeks_settlement(
    last_week, monkeypatch, django_capture_on_commit_callbacks
):
    first = last_week["shops"][0]
    card = GiftCard.objects.get(sold_by=first)
    services.redeem(card_id=card.pk, shop=first, amount=Decimal("1.00"), key="now")
    with django_capture_on_commit_callbacks(execute=True):
        settle_shops(today=TODAY)
    assert ShopStatement.objects.get(shop=first).redeemed == Decimal("25.00")
    assert Entry.objects.filter(statement__isnull=True, kind=EntryKind.REDEMPTION).count() == 1


def test_the_beat_expires_cards_past_their_last_day_to_the_centres_income(last_week, monkeypatch):
    card = GiftCard.objects.get(sold_by=last_week["shops"][1])
    assert card.last_day == date(2028, 11, 18)  # 24 months of validity
    set_clock(monkeypatch, card.expires_at - timedelta(seconds=1))
    assert expire_gift_cards() == 0
    set_clock(monkeypatch, card.expires_at + timedelta(seconds=1))
    assert expire_gift_cards() == 2
    card.refresh_from_db()
    assert (card.status, card.balance) == (CardStatus.EXPIRED, Decimal("0.00"))
    assert -ledger.trial_balance()[AccountKind.BREAKAGE] == Decimal("15.00") + Decimal("5.00")
    with pytest.raises(services.Refused, match="expired"):
        services.redeem(
            card_id=card.pk, shop=last_week["shops"][1], amount=Decimal("1.00"), key="late"
        )
    assert ledger.unbalanced_entries() == []
