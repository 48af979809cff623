"""From a product page to the basket: the add-to-basket forms the product page renders work."""

import pytest

from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_adding_from_the_product_page_fills_the_basket_grouped_by_shop(town):
    # Signed in: the add-offer view (marketplace.ordering) needs a saved basket.
    client = client_for(UserFactory())
    product_url = town.novel.product.get_absolute_url()
    response = client.post(
        f"/basket/add-offer/{town.novel_at_cheese.pk}/", {"quantity": "2", "next": product_url}
    )
    assert response.status_code == 302 and response["Location"] == product_url
    body = client.get("/basket/").content.decode()
    assert 'class="card mb-3 basket-shop"' in body
    assert "Kaashuis" in body and "€43.00" in body
    header = client.get("/").content.decode()
    assert '<span class="basket-count">2' in header
