"""Accessibility of the storefront on a phone, checked by axe-core in Debian's Chromium.

axe-core 4.10.2 (MPL-2.0) is vendored from its npm tarball in tests/browser/vendor/axe-core/
and injected into each page: home, search, product, shop and basket. Any serious or critical
violation (missing labels or alt texts, contrast below 4.5:1, unnamed buttons, ...) fails
the test with the rule and the elements. Keyboard focus must be visible. Screenshots of each
page are kept as artefacts (tests/browser/conftest.py `shot`).
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.storefront import shop_facts
from shops.models import ShopKind
from tests.browser.conftest import shot
from tests.conftest import set_clock
from tests.factories import ShopFactory, UserFactory, make_offer
from tests.storefront.conftest import THURSDAY_LUNCH, also_sold_by, in_category

pytestmark = pytest.mark.django_db(transaction=True)
Category = get_model("catalogue", "Category")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PASSWORD = "secret-pass-1"  # tests.factories.UserFactory's


@pytest.fixture
def town(monkeypatch):
    set_clock(monkeypatch, THURSDAY_LUNCH)
    cache.clear()
    shop_facts.forget_latest()
    books = ShopFactory(partner__name="Boekhandel Brink", slug="boekhandel-brink")
    cheese = ShopFactory(partner__name="Kaashuis", slug="kaashuis", kind=ShopKind.CHEESE)
    novel = make_offer(books, price="19.95", title="De avond is ongemak")
    also_sold_by(novel, cheese, price="21.50", on_hand=3)
    gouda = make_offer(cheese, price="12.50", title="Oude Goudse kaas")
    make_offer(cheese, price="7.25", title="Schaaf voor kaas", on_hand=0)
    in_category(gouda, Category.add_root(name="Kaas", slug="kaas"))
    in_category(novel, Category.add_root(name="Boeken", slug="boeken"))
    yield {"books": books, "novel": novel, "consumer": UserFactory()}
    cache.clear()


def violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page, one line per element."""
    # Evaluated, not added as a <script>: the Content-Security-Policy blocks inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{item['id']} ({item['impact']}): {node['target']} {node['failureSummary'][:160]}"
        for item in result["violations"]
        if item["impact"] in BLOCKING
        for node in item["nodes"]
    ]


def check(page, name: str) -> None:
    shot(page, name)
    assert violations(page) == [], name


def test_storefront_pages_pass_axe_on_a_phone(page, live_server, town):
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("Deventer")
    check(page, "home")

    page.locator("#site-search-q").fill("kaas")
    page.locator("#site-search-q").press("Enter")
    expect(page.locator(".product-card")).to_have_count(2)
    page.locator("summary").click()  # the filters, opened
    check(page, "search")

    page.goto(f"{live_server.url}/search/?q=kaas&min_price=abc")
    expect(page.locator("[role=alert]").first).to_be_visible()
    check(page, "search-with-a-bad-filter")

    page.goto(f"{live_server.url}{town['novel'].product.get_absolute_url()}")
    expect(page.locator(".offer")).to_have_count(2)
    check(page, "product")

    page.goto(f"{live_server.url}{town['books'].get_absolute_url()}")
    check(page, "shop")

    # Signed in: adding to the basket (marketplace.ordering) needs a saved basket.
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_login-username").fill(town["consumer"].email)
    page.locator("#id_login-password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("button[name=login_submit]").click()
    page.goto(f"{live_server.url}{town['novel'].product.get_absolute_url()}")
    with page.expect_navigation():
        page.locator(".offer form button").first.click()
    page.goto(f"{live_server.url}/basket/")
    expect(page.locator(".basket-shop")).to_have_count(1)
    check(page, "basket")


def test_keyboard_focus_is_visible_and_skips_to_the_content(page, live_server, town):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link comes into view"
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused[1] == "solid" and focused[2] == "3px", focused
    shot(page, "keyboard-focus")
