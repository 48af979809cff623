"""The "My orders" list leads to the marketplace's own order page, with each shop's part."""

import re

import pytest

from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer
from tests.payments.conftest import unpaid_order

pytestmark = pytest.mark.django_db


def test_an_order_in_my_orders_opens_the_marketplace_order_page():
    shop = ShopFactory()
    order = unpaid_order((make_offer(shop, title="Leesboek"), 1))
    consumer = client_for(order.user)
    listing = consumer.get("/accounts/orders/").content.decode()
    link = re.search(rf'href="([^"]*{order.number}[^"]*)"', listing).group(1)

    page = consumer.get(link, follow=True)
    assert page.redirect_chain[-1][0] == f"/orders/{order.number}/"
    html = page.content.decode()
    assert shop.partner.name in html and "Leesboek" in html
    assert page.templates[0].name == "ordering/order.html"

    # Someone else's order number leads nowhere.
    other = client_for(UserFactory()).get(link, follow=True)
    assert other.status_code == 404
