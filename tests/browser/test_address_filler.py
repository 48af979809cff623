"""In a browser: typing postcode and house number at checkout fills street and town from the
address register (static/ordering/address_lookup.js), and the order lands on the house."""

from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from logistics.models import OrderPart
from marketplace.ordering.address_lookup import unknown_message
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_slot, make_zone
from tests.ordering.fake_pdok import FakePdok, running
from tests.ordering.test_address_lookup import WALSTRAAT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register(settings):
    with running(FakePdok(houses=list(WALSTRAAT))) as pdok:
        settings.ADDRESS_LOOKUP_URL = pdok.url
        yield pdok


def test_typing_the_number_fills_street_and_town_and_the_order_lands_on_the_house(
    register,
    person,  # noqa: F811
):
    shop, consumer = ShopFactory(), UserFactory()
    make_basket(consumer, (make_offer(shop, price="12.50"), 1))
    slot = make_slot(make_zone(pc4s=("7411",)))
    page = person(consumer, "/checkout/")

    page.check(f"input[name=method_{shop.partner_id}][value=delivery]")
    page.select_option(f"select[name=slot_{shop.partner_id}]", str(slot.pk))
    page.fill("#id_recipient_name", "Anna de Vries")
    page.fill("#id_postcode", "7411 AB")
    page.fill("#id_house_number", "9")
    with translation.override("nl"):  # the browser is Dutch
        unknown = unknown_message("7411 AB", "9", "", [])
    expect(page.locator("#address-lookup-status")).to_have_text(unknown)
    page.fill("#id_house_number", "5")
    page.fill("#id_house_number_addition", "b")
    expect(page.locator("#id_address_line")).to_have_value("Walstraat")
    expect(page.locator("#id_city")).to_have_value("Deventer")
    expect(page.locator("#address-lookup-status")).to_have_text("Walstraat 5B, Deventer")
    with page.expect_navigation():
        page.locator("#delivery-address ~ button[type=submit]").click()

    part = OrderPart.objects.get(order__user=consumer)
    assert (part.address_line, part.latitude, part.longitude) == (
        "Walstraat 5B",
        Decimal("52.251400"),
        Decimal("6.163600"),
    )
