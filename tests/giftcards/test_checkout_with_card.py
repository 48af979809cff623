"""The checkout page's gift card fields: hostile input gets an error naming the field and
changes nothing; what the card paid shows on the order page and in the order's e-mail."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from oscar.core.loading import get_model

from marketplace.giftcards import codes
from marketplace.giftcards.models import Entry, EntryKind, GiftCard
from marketplace.payments.models import Payment
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer

from .online_helpers import card_with

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()  # the throttles' counts of earlier tests


@pytest.fixture
def checkout():
    """A consumer's browser with books (€ 39.90) and cheese (€ 12.50) in the basket."""
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    novel = make_offer(books, price="19.95", on_hand=5, title="Roman")
    gouda = make_offer(cheese, price="12.50", on_hand=5, title="Oude Goudse")
    browser = client_for(UserFactory())
    browser.post(f"/basket/add-offer/{novel.pk}/", {"quantity": "2"})
    browser.post(f"/basket/add-offer/{gouda.pk}/", {"quantity": "1"})
    form = {f"method_{books.partner_id}": "collect", f"method_{cheese.partner_id}": "collect"}
    return browser, form


def errors_of(response, field: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def assert_nothing_changed(card: GiftCard, balance: str) -> None:
    card.refresh_from_db()
    assert card.balance == Decimal(balance)
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert not Entry.objects.exclude(kind=EntryKind.SALE).exists()


@pytest.mark.parametrize(
    ("typed", "field", "error"),
    [
        ({"gift_card_amount": "abc"}, "gift_card_amount", "Enter a number."),
        ({"gift_card_amount": "-5"}, "gift_card_amount", "greater than or equal to 0.01"),
        ({"gift_card_amount": "1e9"}, "gift_card_amount", "no more than 8 digits"),
        ({"gift_card_amount": "30.01"}, "gift_card_amount", "Only 30.00 euros are left"),
        ({"gift_card_amount": "60"}, "gift_card_amount", "The order comes to 52.40 euros"),
        ({"gift_card_code": "<i>ABCDEFGHJ</i>"}, "gift_card_code", "letters A–Z"),
        ({"gift_card_code": "ABCD"}, "gift_card_code", "16 letters and digits"),
        ({"gift_card_code": "AAAA-BBBB-CCCC-DDDD"}, "gift_card_code", "No gift card has"),
    ],
)
def test_bad_gift_card_input_names_the_field_and_changes_nothing(checkout, typed, field, error):
    browser, form = checkout
    card = card_with("30.00")
    fields = {"gift_card_code": codes.shown(card.code), **typed}

    response = browser.post("/checkout/", {**form, **fields})

    assert response.status_code == 200
    assert any(error in message for message in errors_of(response, field)), errors_of(
        response, field
    )
    assert "<i>ABCDEFGHJ</i>" not in response.content.decode()
    assert_nothing_changed(card, "30.00")


def test_a_card_with_a_pin_needs_the_right_pin(checkout):
    browser, form = checkout
    card = card_with("80.00", pin_above="50.00")
    code = codes.shown(card.code)

    missing = browser.post("/checkout/", {**form, "gift_card_code": code})
    wrong = browser.post("/checkout/", {**form, "gift_card_code": code, "gift_card_pin": "000000"})

    assert errors_of(missing, "gift_card_pin") == [
        "This card needs its PIN: it is on the card and in its e-mail."
    ]
    assert errors_of(wrong, "gift_card_pin") == [
        "This card needs its PIN, and the PIN given is not right."
    ]
    assert_nothing_changed(card, "80.00")


def test_an_amount_without_a_code_asks_for_the_code(checkout):
    browser, form = checkout
    response = browser.post("/checkout/", {**form, "gift_card_amount": "10"})
    assert errors_of(response, "gift_card_code") == ["Type the gift card's code to pay with it."]
    assert not Order.objects.exists()


def test_the_order_page_and_email_show_what_the_card_paid(
    checkout, django_capture_on_commit_callbacks
):
    browser, form = checkout
    card = card_with("30.00")
    fields = {"gift_card_code": codes.shown(card.code).lower(), "gift_card_amount": "20"}

    response = browser.post("/checkout/", {**form, **fields})

    order = Order.objects.get()
    assert response.status_code == 302
    assert Payment.objects.get(order=order).amount == Decimal("32.40")
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/checkout/test-payment/{order.number}/", {"action": "pay", "method": "card"})
    page = browser.get(f"/orders/{order.number}/").content.decode()
    last_four = card.code[-4:]
    assert f"Paid with city gift card …{last_four}: €20.00; the rest: €32.40." in page.replace(
        "\u00a0", ""
    )
    [placed] = [m for m in mail.outbox if order.number in m.subject]
    assert f"cadeaubon …{last_four}" in placed.body
    assert "de rest" in placed.body


def test_pins_are_counted_per_card_and_codes_per_address(checkout, settings):
    browser, form = checkout
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "giftcard_pin_card": "2/hour",
        "giftcard_code_address": "3/min",
    }
    card = card_with("80.00", pin_above="50.00")
    code = codes.shown(card.code)
    for _ in range(2):
        wrong = browser.post(
            "/checkout/", {**form, "gift_card_code": code, "gift_card_pin": "000000"}
        )
        assert "not right" in errors_of(wrong, "gift_card_pin")[0]
    pin_stopped = browser.post(
        "/checkout/", {**form, "gift_card_code": code, "gift_card_pin": "000000"}
    )
    code_stopped = browser.post("/checkout/", {**form, "gift_card_code": code})

    assert errors_of(pin_stopped, "gift_card_pin") == [
        "Too many PINs tried for this card; wait an hour and try again."
    ]
    assert errors_of(code_stopped, "gift_card_code") == [
        "Too many codes tried; wait a minute and try again."
    ]
    assert_nothing_changed(card, "80.00")
