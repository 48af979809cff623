"""Adding to the basket: a quantity outside 1-99 (typed or tampered) adds nothing and says so."""

import pytest

from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("quantity", ["0", "-2", "100", "abc", "1.5", ""])
def test_a_bad_quantity_adds_nothing_and_says_so(quantity):
    record = make_offer(ShopFactory(), on_hand=10)
    consumer = client_for(UserFactory())
    page = consumer.post(f"/basket/add-offer/{record.pk}/", {"quantity": quantity}, follow=True)
    html = page.content.decode()
    assert "Choose a quantity from 1 to 99." in html
    assert "is in your basket" not in html
    assert consumer.get("/basket/").context["basket"].num_items == 0


def test_a_good_quantity_is_added():
    record = make_offer(ShopFactory(), on_hand=10)
    consumer = client_for(UserFactory())
    consumer.post(f"/basket/add-offer/{record.pk}/", {"quantity": " 3 "})
    assert consumer.get("/basket/").context["basket"].num_items == 3
