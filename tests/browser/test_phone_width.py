"""On a phone and a laptop no page is wider than the screen: wide tables scroll inside the
page and no field pushes it wider (the storefront must work on a phone, and so must the
work pages); every menu item is in sight and every page has a way to log out."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import shot
from tests.factories import UserFactory
from tests.reports.conftest import small_town  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)
WIDER_THAN_SCREEN = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Menu items whose box is not wholly inside the window (cut off, or scrolled out of sight).
MENU_OUT_OF_SIGHT = """() => [...document.querySelectorAll('.site-nav-list a')]
  .filter(a => { const r = a.getBoundingClientRect();
                 return r.width === 0 || r.left < 0 || r.right > window.innerWidth; })
  .map(a => a.textContent.trim())"""
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
PAGES = {
    "consumer": [
        "/", "/shops/", "/search/?q=novel", "/basket/", "/accounts/orders/", "/catalogue/",
    ],
    "shop": [
        "/shop/", "/shop/orders/", "/shop/products/", "/shop/stock/", "/shop/stock/connection/",
        "/shop/profile/", "/shop/money/", "/shop/reports/",
    ],
    "management": [
        "/management/shops/?status=all", "/management/routes/", "/management/settlements/",
        "/management/payments/", "/management/reports/",
    ],
}  # fmt: skip


def test_no_page_is_wider_than_a_phone_or_a_laptop_in_either_language(
    person,
    live_server,
    small_town,  # noqa: F811
):
    people = {
        "consumer": small_town.orders[0].user,
        "shop": small_town.owner_a,
        "management": UserFactory(is_staff=True),
    }
    too_wide, out_of_sight, no_logout = {}, {}, []
    host = urlsplit(live_server.url).hostname
    for role, urls in PAGES.items():
        page = person(people[role])
        for language in ("nl", "en"):
            cookie = {"name": "django_language", "value": language, "domain": host, "path": "/"}
            page.context.add_cookies([cookie])
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                for number, url in enumerate(urls):
                    response = page.goto(live_server.url + url)
                    assert response.status == 200, url
                    if number < 2:  # each role's main pages, kept with the test artifacts
                        shot(page, f"{role}-{language}-{width}-{url}")
                    where = (language, width, url)
                    extra = page.evaluate(WIDER_THAN_SCREEN)
                    if extra > 0:
                        too_wide[where] = extra
                    hidden = page.evaluate(MENU_OUT_OF_SIGHT)
                    if hidden:
                        out_of_sight[where] = hidden
                    if not page.locator("a.site-logout").is_visible():
                        no_logout.append(where)
    assert too_wide == {}
    assert out_of_sight == {}
    assert no_logout == []
