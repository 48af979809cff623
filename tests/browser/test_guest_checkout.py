"""Issue 22.2: guest checkout through payment in a browser, the order page by the link in
the e-mail on another device, and an account made from the order there.

The browser types only what the pages and the e-mail show; the e-mail is read from Django's
outbox (the live server runs in this process, with the test settings' locmem backend).
"""

import re
from datetime import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.browser.conftest import new_context, shot
from tests.conftest import set_clock
from tests.factories import ShopFactory, make_offer, make_owner

pytestmark = pytest.mark.django_db(transaction=True)
Order = get_model("order", "Order")
AMSTERDAM = timezone.get_default_timezone()
GUEST = "gea.gast@example.nl"
PASSWORD = "kaas-en-boeken-2026"


def dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


@pytest.fixture
def town(monkeypatch):
    cache.clear()  # the throttle counts per e-mail: none from an earlier test
    today = timezone.localdate()
    ten = datetime.combine(today, datetime.min.time().replace(hour=10), tzinfo=AMSTERDAM)
    set_clock(monkeypatch, ten, ticking=True)
    books = ShopFactory(kind="books", partner__name="Boekhandel De Brink")
    make_owner(books)
    return {"novel": make_offer(books, price="19.95", on_hand=3, title="Het Deventer Koekboek")}


def add_from_search(page, live_server, query: str, title: str):
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox").first.fill(query)
    with page.expect_navigation():
        page.get_by_role("searchbox").first.press("Enter")
    with page.expect_navigation():
        page.get_by_role("link", name=title).first.click()
    with page.expect_navigation():
        page.locator("form[action*='/basket/add-offer/'] button").first.click()


def link_in_mail(number: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [GUEST] and number in m.subject]
    (link,) = set(re.findall(rf"https?://\S+/orders/{number}/\?t=\S+", message.body))
    return link


def test_a_guest_checks_out_pays_and_makes_an_account_from_the_e_mail(
    live_server, browser, page, town
):
    add_from_search(page, live_server, "koekboek", "Het Deventer Koekboek")
    page.goto(f"{live_server.url}/basket/")
    with page.expect_navigation():
        page.get_by_role("link", name=dutch("Check out as guest")).click()
    shot(page, "checkout")

    # A wrong phone first: the field says what is wrong and nothing is ordered.
    page.fill("input[name=email]", GUEST)
    page.fill("input[name=phone]", "12ab")
    with page.expect_navigation():
        page.get_by_role("button", name=dutch("Place order and pay")).click()
    expect(page.locator("#id_phone-error")).to_be_visible()
    assert not Order.objects.exists()
    page.fill("input[name=phone]", "06 12345678")
    with page.expect_navigation():
        page.get_by_role("button", name=dutch("Place order and pay")).click()
    shot(page, "test-payment")

    # The test gateway's first method (iDEAL) asks for a bank: the first one it lists.
    banks = page.locator("select[name=bank]")
    if banks.count():
        banks.select_option(index=1)
    with page.expect_navigation():
        page.locator("button[name=action][value=pay]").click()
    expect(page.locator(".guest-order")).to_be_visible()
    number = re.search(r"/orders/([^/]+)/$", page.url).group(1)
    shown_link = page.locator(".guest-link").input_value()
    assert f"/orders/{number}/?t=" in shown_link
    shot(page, "order-as-guest")

    # On another device: the link from the e-mail opens the order and offers an account.
    link = link_in_mail(number).replace("http://127.0.0.1:8000", live_server.url)
    context = new_context(browser, live_server)
    try:
        phone = context.new_page()
        phone.goto(link)
        expect(phone).to_have_url(re.compile(rf"/orders/{number}/$"))  # the token left the URL
        expect(phone.locator("main")).to_contain_text("Het Deventer Koekboek")
        form = phone.locator(".guest-account-form")
        expect(form.locator("input[type=email]")).to_have_value(GUEST)
        form.locator("input[name=password1]").fill(PASSWORD)
        form.locator("input[name=password2]").fill(PASSWORD)
        with phone.expect_navigation():
            form.get_by_role("button").click()
        expect(phone.locator(".alert-success")).to_be_visible()
        expect(phone.locator(".guest-order")).to_have_count(0)  # now the account's order
    finally:
        context.close()
    order = Order.objects.select_related("user").get(number=number)
    assert order.user is not None and order.user.email == GUEST
    assert order.user.check_password(PASSWORD)
