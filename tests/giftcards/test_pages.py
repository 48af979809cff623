"""The gift card's pages: management's set-up, buying online through the offline gateway
(e-mail with PDF and QR code), the balance page, and the shop's counter. Hostile text in the
design and the buyer's message is escaped on pages and in e-mails and printed as written in
the PDF."""

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from pypdf import PdfReader

from marketplace.giftcards import codes, ledger, services
from marketplace.giftcards.models import (
    CardStatus,
    Entry,
    EntryKind,
    GiftCard,
    Purchase,
    PurchaseStatus,
    Scheme,
)
from tests.conftest import client_for
from tests.factories import UserFactory

from .conftest import scheme_with

pytestmark = pytest.mark.django_db
commits = None
HOSTILE = '<script>alert("x")</script><b>bold</b>'


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(autouse=True)
def after_commit(django_capture_on_commit_callbacks):
    """The card's e-mail is sent after the payment's commit (outbox): `buy` runs it."""
    global commits
    commits = django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()  # the throttles' counts of earlier tests


def pdf_of(message) -> bytes:
    [pdf] = [
        a.content for a in message.attachments if getattr(a, "mimetype", "") == "application/pdf"
    ]
    return pdf


def buy(user, amount="25.00", message="Veel plezier!", email="ontvanger@example.test"):
    browser = client_for(user)
    response = browser.post("/giftcard/", {"amount": amount, "email": email, "message": message})
    assert response.status_code == 302, response.content.decode()[:2000]
    with commits(execute=True):
        paid = browser.post(response.url, {"action": "pay"})
    assert paid.status_code == 302
    return browser, Purchase.objects.get(token=response.url.rstrip("/").rsplit("/", 1)[-1])


# --- management's set-up ---------------------------------------------------------------


def test_only_management_opens_the_set_up(town):
    assert client_for().get("/management/giftcards/setup/").status_code == 302
    assert client_for(town["owners"][0]).get("/management/giftcards/setup/").status_code == 403
    assert client_for(town["owners"][0]).get("/management/giftcards/").status_code == 403


def test_management_sets_amounts_design_and_shops(town):
    staff = UserFactory(is_staff=True)
    first, second, outside = town["shops"]
    response = client_for(staff).post(
        "/management/giftcards/setup/",
        {
            "is_active": "on",
            "title": "Deventer cadeau",
            "text": "Voor de binnenstad",
            "colour": "#aa3300",
            "min_amount": "10.00",
            "max_amount": "200.00",
            "pin_above": "75.00",
            "validity_months": "36",
            "shops": [first.pk, outside.pk],
        },
    )
    assert response.status_code == 302
    scheme = Scheme.current()
    assert (scheme.title, scheme.colour, scheme.max_amount) == (
        "Deventer cadeau",
        "#aa3300",
        Decimal("200.00"),
    )
    assert set(scheme.shops.all()) == {first, outside}


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"min_amount": "300.00"}, "max_amount", "must not be below the lowest"),
        ({"colour": "red;x:1"}, "colour", "#rrggbb"),
        ({"validity_months": "0"}, "validity_months", "greater than or equal to 1"),
    ],
)
def test_a_bad_set_up_says_what_is_wrong_and_changes_nothing(town, change, field, message):
    staff = UserFactory(is_staff=True)
    before = Scheme.current()
    data = {
        "is_active": "on",
        "title": "Nieuw",
        "colour": "#000000",
        "min_amount": "5.00",
        "max_amount": "150.00",
        "pin_above": "50.00",
        "validity_months": "24",
        **change,
    }
    response = client_for(staff).post("/management/giftcards/setup/", data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    after = Scheme.current()
    assert (after.title, after.colour, after.min_amount) == (
        before.title,
        before.colour,
        before.min_amount,
    )


# --- buying online ---------------------------------------------------------------------


def test_a_consumer_buys_a_card_and_gets_it_by_e_mail_with_pdf_and_qr(town):
    consumer = UserFactory()
    browser, purchase = buy(consumer)
    card = GiftCard.objects.get(pk=purchase.card_id)
    assert purchase.status == PurchaseStatus.PAID
    assert (card.status, card.balance, card.needs_pin) == (
        CardStatus.ACTIVE,
        Decimal("25.00"),
        False,
    )
    assert card.expires_at > card.activated_at
    assert Entry.objects.filter(card=card, kind=EntryKind.SALE, amount=Decimal("25.00")).exists()
    [message] = mail.outbox
    assert message.to == ["ontvanger@example.test"]
    assert codes.shown(card.code) in message.body
    assert codes.shown(card.code) in pdf_text(pdf_of(message))
    assert any("cid:pickup-qr" in html for html, _type in message.alternatives)
    page = browser.get(f"/giftcard/bought/{purchase.token}/").content.decode()
    assert codes.shown(card.code) in page
    pdf = browser.get(f"/giftcard/bought/{purchase.token}/card.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    # Another consumer's browser finds neither the card nor its PDF.
    other = client_for(UserFactory())
    assert other.get(f"/giftcard/bought/{purchase.token}/").status_code == 404
    assert other.get(f"/giftcard/bought/{purchase.token}/card.pdf").status_code == 404


def test_a_card_above_the_pin_limit_gets_a_pin_in_its_e_mail_and_pdf(town):
    _browser, purchase = buy(UserFactory(), amount="80.00")
    card = GiftCard.objects.get(pk=purchase.card_id)
    assert card.needs_pin
    [message] = mail.outbox
    pin = re.search(r"PIN: (\d{6})", message.body).group(1)
    assert codes.pin_matches(pin, card.pin_hash)
    assert pin in pdf_text(pdf_of(message))
    assert pin not in card.pin_sealed


@pytest.mark.parametrize("amount", ["4.99", "150.01", "abc", "-5", "10.001"])
def test_an_amount_outside_the_limits_is_refused_and_nothing_is_made(town, amount):
    response = client_for(UserFactory()).post(
        "/giftcard/", {"amount": amount, "email": "a@example.test", "message": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not GiftCard.objects.exists() and not Purchase.objects.exists()


def test_cancelling_the_payment_makes_no_card_and_paying_twice_sells_once(town):
    browser = client_for(UserFactory())
    response = browser.post("/giftcard/", {"amount": "20", "email": "a@example.test"})
    browser.post(response.url, {"action": "cancel"})
    assert GiftCard.objects.get().status == CardStatus.CANCELLED
    assert browser.post(response.url, {"action": "pay"}).status_code == 302
    assert not Entry.objects.exists()
    assert mail.outbox == []
    # A paid purchase paid "again" (a second tab) is one sale.
    _browser, purchase = buy(UserFactory())
    services.record_purchase_paid(purchase_id=purchase.pk, reference="again")
    assert Entry.objects.filter(kind=EntryKind.SALE).count() == 1


def test_hostile_design_and_message_are_escaped_on_pages_and_in_e_mail_and_printed_in_pdf(
    town,
):
    scheme_with(*town["shops"][:2], title="<i>Stad</i>", text=HOSTILE)
    browser, purchase = buy(UserFactory(), message=HOSTILE)
    for path in ("/giftcard/", f"/giftcard/bought/{purchase.token}/"):
        page = browser.get(path).content.decode()
        assert "<script>alert" not in page and "<b>bold</b>" not in page
        assert "&lt;script&gt;" in page
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>alert" not in html and "<i>Stad</i>" not in html
    assert "&lt;script&gt;" in html
    text = pdf_text(pdf_of(message))
    assert 'alert("x")' in text and "<i>Stad</i>" in text
    overview = client_for(UserFactory(is_staff=True)).get("/management/giftcards/")
    assert "<script>alert" not in overview.content.decode()


def test_a_card_is_not_for_sale_when_management_has_not_switched_it_on(town):
    scheme_with(*town["shops"][:2], is_active=False)
    response = client_for(UserFactory()).post(
        "/giftcard/", {"amount": "20", "email": "a@example.test"}
    )
    assert response.status_code == 200
    assert "not on sale" in str(response.context["form"].errors)


# --- the balance page --------------------------------------------------------------------


def test_anyone_with_the_code_sees_the_balance(town):
    card = services.sell_at_counter(
        shop=town["shops"][0], amount=Decimal("30.00"), user=None, key="b1"
    ).card
    services.redeem(card_id=card.pk, shop=town["shops"][1], amount=Decimal("12.50"), key="b2")
    typed = codes.shown(card.code).lower().replace("-", " ")
    page = client_for().post("/giftcard/balance/", {"code": typed})
    assert page.status_code == 200
    assert "€ 17.50" in page.content.decode()
    wrong = client_for().post("/giftcard/balance/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "No gift card has this code" in str(wrong.context["form"].errors)
    short = client_for().post("/giftcard/balance/", {"code": "ABC"})
    assert "16 letters and digits" in str(short.context["form"].errors)


def test_the_balance_page_counts_tries_per_address(town, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "giftcard_code_address": "3/min"}
    browser = client_for()
    for _ in range(3):
        response = browser.post("/giftcard/balance/", {"code": "AAAA-BBBB-CCCC-DDDD"})
        assert "No gift card" in str(response.context["form"].errors)
    response = browser.post("/giftcard/balance/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "Too many codes tried" in str(response.context["form"].errors)


# --- the shop's counter ------------------------------------------------------------------


def counter(owner):
    return client_for(owner)


def test_a_shop_looks_up_a_card_and_takes_an_amount_off_once(town):
    owner = town["owners"][1]
    card = services.sell_at_counter(
        shop=town["shops"][0], amount=Decimal("40.00"), user=None, key="s1"
    ).card
    browser = counter(owner)
    found = browser.post("/shop/giftcards/", {"action": "look_up", "code": card.code})
    assert found.context["card"] == card
    assert "€ 40.00" in found.content.decode()
    token = found.context["redeem_form"].initial["token"]
    form = {"action": "redeem", "card": codes.shown(card.code), "token": token, "amount": "15"}
    assert browser.post("/shop/giftcards/", form).status_code == 302
    assert browser.post("/shop/giftcards/", form).status_code == 302  # a double tap
    card.refresh_from_db()
    assert card.balance == Decimal("25.00")
    assert Entry.objects.filter(kind=EntryKind.REDEMPTION, shop=town["shops"][1]).count() == 1
    too_much = browser.post("/shop/giftcards/", {**form, "token": "other", "amount": "25.01"})
    assert "Only 25.00 euros are left" in str(too_much.context["redeem_form"].errors)
    card.refresh_from_db()
    assert card.balance == Decimal("25.00")


def test_a_card_above_the_limit_needs_its_pin_at_the_counter(town):
    made = services.sell_at_counter(
        shop=town["shops"][0], amount=Decimal("100.00"), user=None, key="p1"
    )
    browser = counter(town["owners"][0])
    no_pin = browser.post("/shop/giftcards/", {"action": "look_up", "code": made.card.code})
    assert "needs its PIN" in str(no_pin.context["code_form"].errors)
    wrong = str((int(made.pin) + 1) % 1_000_000).zfill(6)
    bad = browser.post(
        "/shop/giftcards/", {"action": "look_up", "code": made.card.code, "pin": wrong}
    )
    assert "PIN given is not right" in str(bad.context["code_form"].errors)
    form = {
        "action": "redeem",
        "card": made.card.code,
        "token": "t",
        "pin": wrong,
        "amount": "10",
    }
    refused = browser.post("/shop/giftcards/", form)  # a forged form without the right PIN
    assert refused.status_code == 200
    assert not Entry.objects.filter(kind=EntryKind.REDEMPTION).exists()
    assert browser.post("/shop/giftcards/", {**form, "pin": made.pin}).status_code == 302
    made.card.refresh_from_db()
    assert made.card.balance == Decimal("90.00")


def test_a_shop_that_does_not_take_part_cannot_use_or_sell_cards(town):
    card = services.sell_at_counter(
        shop=town["shops"][0], amount=Decimal("20.00"), user=None, key="n1"
    ).card
    browser = counter(town["owners"][2])
    assert "does not take part" in browser.get("/shop/giftcards/").content.decode()
    form = {"action": "redeem", "card": card.code, "token": "x", "amount": "5"}
    browser.post("/shop/giftcards/", form)
    browser.post("/shop/giftcards/", {"action": "sell", "token": "y", "amount": "20"})
    card.refresh_from_db()
    assert card.balance == Decimal("20.00")
    assert GiftCard.objects.count() == 1
    with pytest.raises(services.Refused):
        services.redeem(card_id=card.pk, shop=town["shops"][2], amount=Decimal("1"), key="z")


def test_a_shop_sells_a_card_at_its_counter_and_prints_only_its_own(town):
    browser = counter(town["owners"][0])
    sold = browser.post("/shop/giftcards/", {"action": "sell", "token": "k1", "amount": "60"})
    card = sold.context["sold"]
    assert sold.context["sold_pin"] and card.needs_pin and card.sold_by == town["shops"][0]
    again = browser.post("/shop/giftcards/", {"action": "sell", "token": "k1", "amount": "60"})
    assert again.context["sold"] == card  # a double tap sells one card
    pdf = browser.get(f"/shop/giftcards/{card.pk}/card.pdf")
    assert codes.shown(card.code) in pdf_text(pdf.content)
    assert counter(town["owners"][1]).get(f"/shop/giftcards/{card.pk}/card.pdf").status_code == 404
    entry = Entry.objects.get(kind=EntryKind.COUNTER_SALE)
    assert -ledger.balance_of(ledger.shop_account(town["shops"][0].pk)) == -entry.amount


def test_the_counter_counts_codes_tried_per_shop(town, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "giftcard_code_shop": "2/min"}
    browser = counter(town["owners"][0])
    for _ in range(2):
        browser.post("/shop/giftcards/", {"action": "look_up", "code": "AAAA-BBBB-CCCC-DDDD"})
    response = browser.post(
        "/shop/giftcards/", {"action": "look_up", "code": "AAAA-BBBB-CCCC-DDDD"}
    )
    assert "Too many codes tried" in str(response.context["code_form"].errors)


# --- management's books --------------------------------------------------------------


def test_management_sees_the_liability_and_refunds_a_card(town):
    first, second = town["shops"][:2]
    card = services.sell_at_counter(shop=first, amount=Decimal("30.00"), user=None, key="m1").card
    services.redeem(card_id=card.pk, shop=second, amount=Decimal("10.00"), key="m2")
    staff = client_for(UserFactory(is_staff=True))
    page = staff.get("/management/giftcards/")
    assert page.context["figures"]["owed_to_holders"] == Decimal("20.00")
    assert page.context["figures"]["owed_to_shops"] == Decimal("-20.00")  # first owes 30
    staff.post("/management/giftcards/refund/", {"code": codes.shown(card.code)})
    card.refresh_from_db()
    assert (card.status, card.balance) == (CardStatus.REFUNDED, Decimal("0.00"))
    assert staff.get("/management/giftcards/").context["figures"]["owed_to_holders"] == 0
    assert ledger.unbalanced_entries() == []


def test_the_centre_reports_show_the_cards_liability(town):
    services.sell_at_counter(shop=town["shops"][0], amount=Decimal("30.00"), user=None, key="r")
    page = client_for(UserFactory(is_staff=True)).get("/management/reports/")
    assert page.context["gift_cards"]["owed_to_holders"] == Decimal("30.00")
    assert 'id="gift-card-liability">€ 30.00' in page.content.decode()
