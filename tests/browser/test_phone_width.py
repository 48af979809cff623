"""On a phone no page is wider than the screen: wide tables scroll inside the page and no
field pushes it wider (the storefront must work on a phone, and so must the work pages)."""

import pytest

from tests.factories import UserFactory
from tests.reports.conftest import small_town  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)
WIDER_THAN_SCREEN = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PAGES = {
    "consumer": ["/", "/shops/", "/search/?q=novel", "/basket/", "/accounts/orders/"],
    "shop": [
        "/shop/", "/shop/orders/", "/shop/products/", "/shop/stock/", "/shop/stock/connection/",
        "/shop/profile/", "/shop/money/", "/shop/reports/",
    ],
    "management": [
        "/management/shops/?status=all", "/management/routes/", "/management/settlements/",
        "/management/payments/", "/management/reports/",
    ],
}  # fmt: skip


def test_no_page_is_wider_than_a_phone(person, live_server, small_town):  # noqa: F811
    people = {
        "consumer": small_town.orders[0].user,
        "shop": small_town.owner_a,
        "management": UserFactory(is_staff=True),
    }
    too_wide = {}
    for role, urls in PAGES.items():
        page = person(people[role])
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            extra = page.evaluate(WIDER_THAN_SCREEN)
            if extra > 0:
                too_wide[url] = extra
    assert too_wide == {}
