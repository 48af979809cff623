"""A `next` from the request is followed only when it stays on this site."""

import pytest

from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://127.0.0.1.evil.example/",
    ],
)
def test_add_offer_ignores_a_next_to_another_site(next_url):
    offer = make_offer(ShopFactory())
    added = client_for().post(f"/basket/add-offer/{offer.pk}/", {"quantity": 1, "next": next_url})
    assert added.status_code == 302
    assert added["Location"] == "/basket/"
    too_many = client_for().post(
        f"/basket/add-offer/{offer.pk}/", {"quantity": 99, "next": next_url}
    )
    assert too_many.status_code == 302
    assert too_many["Location"] == offer.product.get_absolute_url()


def test_add_offer_follows_a_next_on_this_site():
    offer = make_offer(ShopFactory())
    local = offer.product.get_absolute_url() + "?from=list"
    response = client_for().post(f"/basket/add-offer/{offer.pk}/", {"quantity": 1, "next": local})
    assert response.status_code == 302
    assert response["Location"] == local
    absolute = client_for().post(
        f"/basket/add-offer/{offer.pk}/", {"quantity": 1, "next": "http://127.0.0.1/basket/"}
    )
    assert absolute["Location"] == "http://127.0.0.1/basket/"


def test_the_language_switch_ignores_a_next_to_another_site():
    response = client_for().post("/i18n/setlang/", {"language": "nl", "next": "//evil.example"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
