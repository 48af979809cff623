"""The checkout page: the total to pay per choice, errors listed at the top with links to
their fields, the hub explained, and the last delivery address filled in."""

import pytest

from logistics.models import Hub
from tests.factories import ShopFactory
from tests.logistics.test_dispatch import make_hub
from tests.ordering.test_checkout_address import delivery_form, placed_parts, town  # noqa: F401
from tests.support.forms_html import read_form

pytestmark = pytest.mark.django_db


def test_the_total_to_pay_is_shown_and_counts_delivery_fees(town):  # noqa: F811
    page = town["browser"].get("/checkout/")
    totals = page.context["totals"]
    # 19.95 + 12.50; both shops below the free-delivery threshold.
    assert str(totals["products"]) == "32.45" and str(totals["total"]) == "32.45"
    html = page.content.decode()
    assert "Total to pay" in html and "€32.45" in html

    bound = town["browser"].post("/checkout/", delivery_form(town, house_number=""))
    assert str(bound.context["totals"]["delivery"]) == "9.90"
    assert "€42.35" in bound.content.decode()


def test_errors_are_listed_at_the_top_with_links_to_their_fields(town):  # noqa: F811
    page = town["browser"].post("/checkout/", delivery_form(town, recipient_name=""))
    html = page.content.decode()
    summary = html[html.index('id="checkout-errors"') :]
    assert html.index('id="checkout-errors"') < html.index('id="delivery-address"')
    assert '<a href="#id_recipient_name">Name</a>: Needed for delivery.' in summary


def test_the_hub_is_explained_where_it_is_chosen(town):  # noqa: F811
    make_hub()
    hub = Hub.objects.get()
    html = town["browser"].get("/checkout/").content.decode()
    assert "hub-explained" in html and hub.name in html and "No delivery fee." in html


def test_the_last_delivery_address_is_filled_in(town, settings):  # noqa: F811
    settings.ADDRESS_LOOKUP_URL = ""
    form = delivery_form(town, house_number="3", address_line="Walstraat", city="Deventer")
    town["browser"].post("/checkout/", form)
    assert len(placed_parts(town)) == 2
    from tests.factories import make_offer

    town["browser"].post(f"/basket/add-offer/{make_offer(ShopFactory()).pk}/", {"quantity": "1"})
    inputs = read_form(town["browser"].get("/checkout/").content.decode(), "postcode").inputs
    assert inputs["postcode"]["value"] == "7411 AB"
    assert inputs["house_number"]["value"] == "3"
    assert inputs["address_line"]["value"] == "Walstraat"
    assert inputs["recipient_name"]["value"] == "Anna de Vries"
