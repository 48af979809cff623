"""The city gift card spent online (issue 21, point 1), on phones: a consumer buys a € 40 card
online and gets its code by e-mail; at checkout of an order with lines from two shops
(books € 30, cheese € 10) they type the code from the e-mail and pay € 20 with the card, the
rest at the payment page; the order page and the order's e-mail say what the card paid. The
cheese shop takes the remaining € 20 off at its counter. The week's statements show each
shop its share: books € 15 (three quarters of the card's € 20), cheese € 5 + € 20."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from marketplace.commission.settlements import period_of, settle_shop
from marketplace.giftcards.models import Scheme
from tests.browser.conftest import shot
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_owner

pytestmark = pytest.mark.django_db(transaction=True)


def dutch(message: str) -> str:
    with override("nl"):
        return gettext(message)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_card_pays_part_of_an_order_across_two_shops_and_the_rest_at_a_counter(
    person, live_server
):
    books = ShopFactory(kind="books", stripe_account_id="acct_books")
    cheese = ShopFactory(kind="cheese", stripe_account_id="acct_cheese")
    owners = make_owner(books), make_owner(cheese)
    scheme = Scheme.current()
    scheme.is_active = True
    scheme.save()
    scheme.shops.set([books, cheese])
    consumer = UserFactory()

    # The consumer buys a € 40 card and gets its code by e-mail.
    buyer = person(consumer, "/giftcard/")
    buyer.get_by_label(dutch("Amount in euros")).fill("40")
    with buyer.expect_navigation():
        buyer.get_by_role("button", name=dutch("Go to payment")).click()
    with buyer.expect_navigation():
        buyer.get_by_role("button", name=re.compile("40")).first.click()
    [card_mail] = mail.outbox
    code = re.search(r"Code: ((?:\w{4}-){3}\w{4})", card_mail.body).group(1)

    # A basket with a book and a cheese; at checkout, € 20 of the card.
    novel = make_offer(books, price="30.00", on_hand=3, title="De stille stad")
    gouda = make_offer(cheese, price="10.00", on_hand=3, title="Oude Goudse")
    make_basket(consumer, (novel, 1), (gouda, 1))
    buyer.goto(f"{live_server.url}/checkout/")
    for shop in (books, cheese):
        buyer.check(f"input[name=method_{shop.partner_id}][value=collect]")
    buyer.get_by_label(dutch("City gift card code")).fill(code)
    buyer.get_by_label(dutch("Amount to pay with the gift card")).fill("45")  # above € 40
    # The totals show at once what the card takes and what is left (at most the total).
    expect(buyer.locator('[data-total="gift-card"]')).to_have_text(re.compile(r"−\s*€\s*40,00"))
    expect(buyer.locator('[data-total="rest"]')).to_have_text(re.compile(r"€\s*0,00"))
    assert fits_the_phone(buyer)
    shot(buyer, "checkout-with-card")
    with buyer.expect_navigation():
        buyer.get_by_role("button", name=dutch("Place order and pay")).click()
    expect(buyer.locator("#id_gift_card_amount")).to_have_class(re.compile("is-invalid"))
    buyer.get_by_label(dutch("Amount to pay with the gift card")).fill("20")
    expect(buyer.locator('[data-total="rest"]')).to_have_text(re.compile(r"€\s*20,00"))
    with buyer.expect_navigation():
        buyer.get_by_role("button", name=dutch("Place order and pay")).click()

    # The payment page asks for the rest only.
    expect(buyer.locator("button[name=action][value=pay]")).to_contain_text("20,00")
    shot(buyer, "pay-the-rest")
    with buyer.expect_navigation():
        buyer.locator("button[name=action][value=pay]").click()
    expect(buyer).to_have_url(re.compile(r"/orders/[^/]+/$"))
    paid = buyer.locator("#gift-card-paid")
    expect(paid).to_contain_text(f"…{code[-4:]}")
    expect(paid).to_contain_text("20,00")
    expect(buyer.locator(".part-gift-card")).to_have_count(2)
    assert fits_the_phone(buyer)
    shot(buyer, "order-paid-partly-by-card")
    placed = next(m for m in mail.outbox if "Betaald met cadeaubon" in m.body)
    [line] = [line for line in placed.body.splitlines() if "Betaald met cadeaubon" in line]
    assert f"…{code[-4:]}" in line and re.search(r"20[,.]00", line), line

    # The balance page shows € 20 left and where the card was spent online.
    buyer.goto(f"{live_server.url}/giftcard/balance/")
    buyer.get_by_label(dutch("Gift card code")).fill(code)
    with buyer.expect_navigation():
        buyer.get_by_role("button", name=dutch("Show the balance")).click()
    expect(buyer.locator("#balance")).to_have_text("€ 20,00")
    expect(buyer.locator("#online-spends li")).to_have_count(2)

    # The cheese shop takes the rest off at its counter.
    counter = person(owners[1], "/shop/giftcards/")
    counter.get_by_label(dutch("Gift card code")).fill(code)
    with counter.expect_navigation():
        counter.get_by_role("button", name=dutch("Show the balance")).click()
    expect(counter.locator("#card-balance")).to_have_text("€ 20,00")
    counter.get_by_label(dutch("Amount to take off the card")).fill("20")
    with counter.expect_navigation():
        counter.get_by_role("button", name=dutch("Take off the card")).click()
    expect(counter.locator(".alertinner").first).to_contain_text("0,00")
    shot(counter, "cheese-takes-the-rest")

    # The week's settlement pays each shop its share of the card.
    start, end = period_of(timezone.localdate())
    for shop in (books, cheese):
        settle_shop(shop_id=shop.pk, start=start, end=end)
    shop_pages = person(owners[0], "/shop/money/"), counter
    for page, share in zip(shop_pages, ("15,00", "25,00"), strict=True):
        page.goto(f"{live_server.url}/shop/money/")
        with page.expect_navigation():
            page.locator(".settlement-row a").first.click()
        expect(page.locator("#gift-card-net")).to_contain_text(share)
        assert fits_the_phone(page)
        shot(page, f"statement-{share}")


def test_management_prints_cards_and_a_shop_sells_one_at_its_counter(person, live_server):
    """Management makes a print run and downloads the printer's CSV; a shop types the code
    of a printed card at its counter, enters € 25 and the card holds it; before that the
    balance page shows no balance for it."""
    shop = ShopFactory(kind="books")
    owner = make_owner(shop)
    scheme = Scheme.current()
    scheme.is_active = True
    scheme.save()
    scheme.shops.set([shop])

    staff = person(UserFactory(is_staff=True), "/management/giftcards/")
    staff.get_by_label(dutch("Number of cards to print")).fill("2")
    with staff.expect_navigation():
        staff.get_by_role("button", name=dutch("Make a print run")).click()
    with staff.expect_download() as download:
        staff.locator("#print-runs a").first.click()
    rows = download.value.path().read_text().splitlines()
    assert rows[0] == "code,qr,pin" and len(rows) == 3
    code = rows[1].split(",")[0]
    shot(staff, "print-run")

    visitor = person(UserFactory(), "/giftcard/balance/")
    visitor.get_by_label(dutch("Gift card code")).fill(code)
    with visitor.expect_navigation():
        visitor.get_by_role("button", name=dutch("Show the balance")).click()
    expect(visitor.locator("#balance")).to_have_count(0)

    counter = person(owner, "/shop/giftcards/")
    counter.get_by_label(dutch("Gift card code")).fill(code)
    with counter.expect_navigation():
        counter.get_by_role("button", name=dutch("Show the balance")).click()
    expect(counter.locator("#card-printed")).to_be_visible()
    counter.get_by_label(dutch("Amount of the card")).fill("25")
    assert fits_the_phone(counter)
    shot(counter, "sell-printed-card")
    with counter.expect_navigation():
        counter.get_by_role("button", name=dutch("Sell this card")).click()
    expect(counter.locator(".alertinner").first).to_contain_text("25,00")

    visitor.get_by_label(dutch("Gift card code")).fill(code)
    with visitor.expect_navigation():
        visitor.get_by_role("button", name=dutch("Show the balance")).click()
    expect(visitor.locator("#balance")).to_have_text("€ 25,00")
