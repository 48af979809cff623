"""My town in real browsers (issue 21, point 4): a consumer who collected an order adds the
shop to "my town" with the heart and reviews it; centre management approves the review and
it shows on the shop page; the consumer asks for news by e-mail, the shop posts news, and
the e-mail arrives once. Only what the pages show is typed or clicked."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from marketplace.community.models import FavouriteShop
from tests.browser.conftest import shot
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner
from tests.returns.conftest import received_part

pytestmark = pytest.mark.django_db(transaction=True)


def dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_favourite_review_approval_and_news_by_e_mail(person, live_server):
    shop = ShopFactory(email="winkel@stadsmarkt.test")
    consumer = UserFactory(email="anna@stadsmarkt.test", username="anna@stadsmarkt.test")
    soap = make_offer(shop, price="6.50", on_hand=4, title="Lavendelzeep")
    received_part(shop, (soap, 1), consumer=consumer)
    owner = make_owner(shop)
    shop_path = shop.get_absolute_url()

    anna = person(consumer, shop_path)
    anna.locator(".favourite-button").click()
    expect(anna.locator('.favourite-button[aria-pressed="true"]')).to_be_visible()
    assert FavouriteShop.objects.filter(user=consumer, shop=shop).count() == 1
    shot(anna, "shop-in-my-town")

    anna.locator(".write-review").click()
    anna.locator("label", has_text="4 ★").click()
    anna.get_by_label(dutch("Your review")).fill("Vriendelijk & snel <b>geholpen</b>")
    with anna.expect_navigation():
        anna.get_by_role("button", name=dutch("Send review")).click()
    expect(anna.locator(".review-status")).to_have_text(dutch("Waiting for approval"))
    assert fits_the_phone(anna)
    shot(anna, "review-waiting")
    anna.goto(f"{live_server.url}{shop_path}")
    expect(anna.locator(".review-text")).to_have_count(0)

    staff = person(UserFactory(is_staff=True), "/management/")
    with staff.expect_navigation():
        staff.get_by_role("link", name=re.compile(dutch("Reviews"))).click()
    expect(staff.locator(".moderate-text")).to_have_text("Vriendelijk & snel <b>geholpen</b>")
    shot(staff, "moderation")
    with staff.expect_navigation():
        staff.get_by_role("button", name=dutch("Approve")).click()
    expect(staff.locator(".no-reviews")).to_be_visible()

    anna.goto(f"{live_server.url}{shop_path}")
    expect(anna.locator(".review-text")).to_have_text("Vriendelijk & snel <b>geholpen</b>")
    expect(anna.locator(".rating-average")).to_have_text("4,0")  # a Dutch page
    assert fits_the_phone(anna)
    shot(anna, "review-shown")

    anna.goto(f"{live_server.url}/my-town/")
    anna.get_by_label(dutch("E-mail me news from my favourite shops")).check()
    with anna.expect_navigation():
        anna.locator(".news-preference button").click()
    expect(anna.get_by_label(dutch("E-mail me news from my favourite shops"))).to_be_checked()

    mail.outbox.clear()
    shopkeeper = person(owner, "/shop/")
    with shopkeeper.expect_navigation():
        shopkeeper.get_by_role("link", name=dutch("News for regulars")).click()
    with shopkeeper.expect_navigation():
        shopkeeper.get_by_role("link", name=dutch("New news post")).click()
    shopkeeper.get_by_label(dutch("Title")).fill("Koopavond donderdag")
    shopkeeper.get_by_label(dutch("Text")).fill("Tot 21 uur open, koffie staat klaar.")
    shot(shopkeeper, "news-form")
    with shopkeeper.expect_navigation():
        shopkeeper.get_by_role("button", name=dutch("Post and e-mail")).click()
    expect(shopkeeper.locator(".shop-news-row")).to_have_count(1)
    assert fits_the_phone(shopkeeper)

    [message] = mail.outbox
    assert message.to == ["anna@stadsmarkt.test"]
    assert message.subject == f"{shop.partner.name}: Koopavond donderdag"
    assert "Tot 21 uur open, koffie staat klaar." in message.body
    assert "/my-town/news/unsubscribe/" in message.body

    anna.goto(f"{live_server.url}/my-town/")
    expect(anna.locator(".news-title")).to_have_text("Koopavond donderdag")
    shot(anna, "news-on-my-town")
