"""Pre-printed cards (management makes a print run, a shop sells one at its counter by its
code and amount) and the refund of a card bought online through the gateway."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from marketplace.giftcards import codes, ledger, services
from marketplace.giftcards.models import (
    CardStatus,
    Entry,
    EntryKind,
    GiftCard,
    Purchase,
    PurchaseStatus,
)
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def print_run(count: str = "3"):
    staff = client_for(UserFactory(is_staff=True))
    response = staff.post("/management/giftcards/print/", {"count": count})
    assert response.status_code == 302
    return staff


def test_management_makes_a_print_run_and_gets_its_csv_for_the_printer(town):
    staff = print_run("3")
    [run] = staff.get("/management/giftcards/").context["print_runs"]
    assert (run["cards"], run["unsold"]) == (3, 3)

    sheet = staff.get(f"/management/giftcards/print/{run['batch']}.csv")

    rows = list(csv.DictReader(io.StringIO(sheet.content.decode())))
    assert len(rows) == 3
    cards = GiftCard.objects.filter(batch=run["batch"])
    assert {row["code"] for row in rows} == {codes.shown(card.code) for card in cards}
    assert all(row["qr"] == codes.qr_text(codes.normalise(row["code"])) for row in rows)
    assert all(
        codes.pin_matches(row["pin"], cards.get(code=codes.normalise(row["code"])).pin_hash)
        for row in rows
    )
    assert {(c.status, c.amount, c.balance) for c in cards} == {
        (CardStatus.PRINTED, Decimal("0.00"), Decimal("0.00"))
    }
    assert not Entry.objects.exists()
    assert client_for(town["owners"][0]).get(sheet.request["PATH_INFO"]).status_code == 403


@pytest.mark.parametrize("count", ["0", "1001", "abc", "-2"])
def test_a_bad_print_run_size_makes_nothing(town, count):
    print_run(count)
    assert not GiftCard.objects.exists()


def test_a_printed_card_cannot_be_spent_or_show_a_balance_until_a_shop_sells_it(town):
    print_run("1")
    card = GiftCard.objects.get()
    first, second = town["shops"][:2]
    with pytest.raises(services.Refused):
        services.redeem(card_id=card.pk, shop=first, amount=Decimal("1.00"), key="x")
    balance = client_for().post("/giftcard/balance/", {"code": codes.shown(card.code)})
    page = balance.content.decode()
    assert 'id="balance"' not in page
    assert "Printed, not yet sold" in page

    browser = client_for(town["owners"][1])
    found = browser.post("/shop/giftcards/", {"action": "look_up", "code": card.code})
    assert found.context["printed"] == card
    token = found.context["activate_form"].initial["token"]
    form = {"action": "activate", "card": codes.shown(card.code), "token": token}
    for bad in ["abc", "-5", "1e9", "4.99", "150.01"]:
        refused = browser.post("/shop/giftcards/", {**form, "amount": bad})
        assert refused.context["activate_form"].errors["amount"], bad
    card.refresh_from_db()
    assert (card.status, card.balance) == (CardStatus.PRINTED, Decimal("0.00"))

    sold = browser.post("/shop/giftcards/", {**form, "amount": "25"})
    assert sold.status_code == 302
    assert browser.post("/shop/giftcards/", {**form, "amount": "25"}).status_code == 302  # tap
    again = client_for(town["owners"][0]).post(
        "/shop/giftcards/", {**form, "token": "other", "amount": "30"}
    )
    card.refresh_from_db()
    assert (card.status, card.amount, card.balance, card.sold_by) == (
        CardStatus.ACTIVE,
        Decimal("25.00"),
        Decimal("25.00"),
        second,
    )
    assert "This card has been sold already." in str(again.context["activate_form"].errors)
    [sale] = Entry.objects.all()
    assert (sale.kind, sale.amount, sale.shop_id) == (
        EntryKind.COUNTER_SALE,
        Decimal("25.00"),
        second.pk,
    )
    services.redeem(card_id=card.pk, shop=first, amount=Decimal("5.00"), key="now")
    assert ledger.unbalanced_entries() == []


def bought_card(amount="40.00", *, days_ago=0) -> GiftCard:
    purchase = services.start_purchase(
        amount=Decimal(amount), email="koper@example.test", message="", buyer=None
    )
    services.record_purchase_paid(purchase_id=purchase.pk, reference="pi_bought")
    Purchase.objects.filter(pk=purchase.pk).update(
        paid_at=timezone.now() - timedelta(days=days_ago)
    )
    return GiftCard.objects.get(pk=purchase.card_id)


def test_management_refunds_a_bought_card_through_the_gateway_once(
    town, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        services, "gateway_refund", lambda **call: sent.append(call) or "re_offline_1"
    )
    card = bought_card("40.00")
    services.redeem(card_id=card.pk, shop=town["shops"][0], amount=Decimal("15.00"), key="r")
    staff = client_for(UserFactory(is_staff=True))

    with django_capture_on_commit_callbacks(execute=True):
        staff.post("/management/giftcards/refund/", {"code": codes.shown(card.code)})
    with django_capture_on_commit_callbacks(execute=True):
        staff.post("/management/giftcards/refund/", {"code": codes.shown(card.code)})

    card.refresh_from_db()
    purchase = Purchase.objects.get(card=card)
    assert (card.status, card.balance) == (CardStatus.REFUNDED, Decimal("0.00"))
    assert (purchase.status, purchase.refunded_amount, purchase.refund_reference) == (
        PurchaseStatus.REFUNDED,
        Decimal("25.00"),
        "re_offline_1",
    )
    assert sent == [
        {
            "reference": "pi_bought",
            "amount": Decimal("25.00"),
            "key": f"refund-purchase-{purchase.pk}",
        }
    ]
    assert Entry.objects.filter(kind=EntryKind.REFUND).count() == 1
    assert ledger.unbalanced_entries() == []


def test_a_card_bought_more_than_14_days_ago_is_not_refunded(town):
    card = bought_card("40.00", days_ago=15)
    with pytest.raises(services.Refused, match="more than 14 days"):
        services.refund_purchase(card_id=card.pk, user=None)
    card.refresh_from_db()
    assert (card.status, card.balance) == (CardStatus.ACTIVE, Decimal("40.00"))
    assert not Entry.objects.filter(kind=EntryKind.REFUND).exists()
