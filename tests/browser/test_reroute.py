"""Issue 22.6 in a real browser: a shop has one line not on the shelf after all and says so
in its area; the consumer sees on the order page where else that product is now, with its
price and pickup time, moves it there in one click and pays the difference on the (offline)
payment page; the other shop then sees the new part in its own area.

Each person clicks only what their page shows at that moment.
"""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner
from tests.reroute.helpers import also_sold_by, paid_order

pytestmark = pytest.mark.django_db(transaction=True)
PRICE = re.compile(r"12[,.]50")
DIFFERENCE = re.compile(r"2[,.]50")
TIME = re.compile(r"\d{2}:\d{2}")


def dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def test_a_refused_line_is_moved_to_another_shop_in_one_click(live_server, person):
    books, other = (
        ShopFactory(partner__name="Boekhandel Brink"),
        ShopFactory(partner__name="Leeshoek"),
    )
    novel = make_offer(books, price="10.00", title="De Avonden")
    bookmark = make_offer(books, price="2.00", title="Boekenlegger")
    also_sold_by(other, novel, price="12.50", on_hand=1)
    consumer = UserFactory()
    order, part = paid_order(books, (novel, 1), (bookmark, 1), consumer=consumer)

    # The bookshop finds the novel is not on the shelf after all.
    shop = person(make_owner(books), f"/shop/orders/{part.pk}/")
    row = shop.locator("tr", has_text="De Avonden")
    with shop.expect_navigation():
        row.get_by_role("button", name=dutch("Not on the shelf")).click()
    expect(shop.locator("tr", has_text="De Avonden")).to_contain_text(dutch("Not on the shelf"))
    shot(shop, "shop-refused-line")

    # The consumer's order page offers it from the other shop, with price and pickup time.
    shopper = person(consumer, "/accounts/")
    shopper.goto(f"{live_server.url}/orders/{order.number}/")
    offer = shopper.locator(".reroute-offer", has_text="Leeshoek")
    expect(offer).to_contain_text(PRICE)
    expect(offer).to_contain_text(TIME)
    shot(shopper, "offer")
    with shopper.expect_navigation():
        offer.get_by_role("button").click()

    # Dearer by 2.50: the test payment page asks only for the difference.
    expect(shopper.locator("main")).to_contain_text(DIFFERENCE)
    shot(shopper, "pay-difference")
    with shopper.expect_navigation():
        shopper.locator("button[name=action][value=pay]").click()
    expect(shopper.locator(".refused-line")).to_contain_text("Leeshoek")
    expect(shopper.locator("main")).to_contain_text("Leeshoek")
    shot(shopper, "moved")

    # The other shop sees the new part of this order in its own area, with the novel.
    seller = person(make_owner(other), "/shop/orders/")
    with seller.expect_navigation():
        seller.get_by_role("link", name=re.compile(re.escape(order.number))).first.click()
    expect(seller.locator("main")).to_contain_text("De Avonden")
    shot(seller, "new-part")


def test_a_refused_line_joins_the_part_of_a_shop_already_in_the_order(live_server, person):
    from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
    from tests.factories import make_basket

    books, other = (
        ShopFactory(partner__name="Boekhandel Brink"),
        ShopFactory(partner__name="Leeshoek"),
    )
    novel = make_offer(books, price="10.00", title="De Avonden")
    bookmark = make_offer(books, price="2.00", title="Boekenlegger")
    city_map = make_offer(other, price="6.00", title="Stadskaart")
    also_sold_by(other, novel, price="9.00", on_hand=1)
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (novel, 1), (bookmark, 1), (city_map, 1)),
        user=consumer,
        choices={s.partner_id: PartChoice(method="collect") for s in (books, other)},
        address=None,
    )
    confirm_order_paid(order_id=order.pk)
    part = order.parts.get(shop=books)

    shop = person(make_owner(books), f"/shop/orders/{part.pk}/")
    with shop.expect_navigation():
        shop.locator("tr", has_text="De Avonden").get_by_role(
            "button", name=dutch("Not on the shelf")
        ).click()

    # Leeshoek already has a part of this order: offered, added to that part.
    shopper = person(consumer, "/accounts/")
    shopper.goto(f"{live_server.url}/orders/{order.number}/")
    offer = shopper.locator(".reroute-offer", has_text="Leeshoek")
    expect(offer).to_contain_text(re.compile(r"9[,.]00"))
    expect(offer).to_contain_text(dutch("added to your part from this shop, no extra delivery fee"))
    shot(shopper, "offer-joins-part")
    with shopper.expect_navigation():
        offer.get_by_role("button").click()
    expect(shopper.locator(".refused-line")).to_contain_text("Leeshoek")
    shot(shopper, "joined")

    # Leeshoek's one part of this order now has the novel too, marked as added.
    seller = person(make_owner(other), "/shop/orders/")
    with seller.expect_navigation():
        seller.get_by_role("link", name=re.compile(re.escape(order.number))).first.click()
    row = seller.locator("tr", has_text="De Avonden")
    expect(row).to_contain_text(dutch("Added later"))
    expect(seller.locator("main")).to_contain_text("Stadskaart")
    expect(seller.locator("tfoot")).to_contain_text(re.compile(r"15[,.]00"))
    shot(seller, "line-added")
