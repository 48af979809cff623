"""Checkout with an exact delivery address: postcode and house number place the delivery on
the house (from a fake PDOK register on loopback), or on the postcode area's centre marked
approximate when the register cannot say; the drop-off permissions go on each delivery part."""

import html
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.models import Reservation
from logistics.dispatch_inputs import shipment_for
from logistics.models import DeliverySlot, OrderPart, Route, RouteStop
from logistics.travel_times import Location
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer, make_slot, make_zone
from tests.logistics.test_dispatch import delivery_part, make_courier, tomorrow
from tests.ordering.fake_pdok import FakePdok, running
from tests.ordering.test_address_lookup import WALSTRAAT, closed_port_url

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
AREA_CENTRE = (Decimal("52.255100"), Decimal("6.159900"))  # make_zone's 7411


@pytest.fixture
def register(settings):
    with running(FakePdok(houses=list(WALSTRAAT))) as pdok:
        settings.ADDRESS_LOOKUP_URL = pdok.url
        settings.ADDRESS_LOOKUP_TIMEOUT_SECONDS = 1.0
        yield pdok


@pytest.fixture
def town():
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    consumer = UserFactory()
    browser = client_for(consumer)
    offers = (make_offer(books, price="19.95"), make_offer(cheese, price="12.50"))
    for offer in offers:
        browser.post(f"/basket/add-offer/{offer.pk}/", {"quantity": "1"})
    return {
        "shops": (books, cheese),
        "slot": make_slot(make_zone(pc4s=("7411",))),
        "consumer": consumer,
        "browser": browser,
    }


def delivery_form(town, **address) -> dict:
    form = {
        "recipient_name": "Anna de Vries",
        "postcode": "7411 AB",
        "house_number": "",
        "house_number_addition": "",
        "address_line": "",
        "city": "",
        "phone": "0570 123456",
    }
    for shop in town["shops"]:
        form[f"method_{shop.partner_id}"] = "delivery"
        form[f"slot_{shop.partner_id}"] = str(town["slot"].pk)
    return {**form, **address}


def placed_parts(town) -> list[OrderPart]:
    order = Order.objects.get(user=town["consumer"])
    return list(OrderPart.objects.filter(order=order).order_by("shop_id"))


def test_postcode_and_number_put_every_delivery_part_on_the_house(register, town):
    # Without JavaScript: street and city left empty, the server fills them on submit; the
    # coordinates a browser might send are ignored.
    response = town["browser"].post(
        "/checkout/",
        delivery_form(
            town,
            postcode="7411ab",
            house_number="5",
            house_number_addition="b",
            allow_neighbour="on",
            safe_place="Achter de poort",
            latitude="1",
            longitude="1",
        ),
    )

    assert response.status_code == 302
    parts = placed_parts(town)
    assert len(parts) == 2
    for part in parts:
        assert (part.address_line, part.house_number, part.house_number_addition) == (
            "Walstraat 5B",
            "5",
            "B",
        )
        assert (part.postcode, part.city) == ("7411 AB", "Deventer")
        assert (part.latitude, part.longitude) == (Decimal("52.251400"), Decimal("6.163600"))
        assert part.location_approximate is False
        assert (part.allow_neighbour, part.safe_place) == (True, "Achter de poort")


def test_the_registers_street_and_town_win_over_what_was_typed(register, town):
    town["browser"].post(
        "/checkout/",
        delivery_form(town, house_number="3", address_line="Walstrat", city="Deventr"),
    )

    part = placed_parts(town)[0]
    assert (part.address_line, part.city) == ("Walstraat 3", "Deventer")
    assert (part.allow_neighbour, part.safe_place) == (False, "")


def test_an_unknown_house_is_a_field_error_and_nothing_is_created(register, town):
    response = town["browser"].post("/checkout/", delivery_form(town, house_number="9"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "house_number": ["The address register has no house number 9 at postcode 7411 AB."]
    }
    assert 'id="id_house_number-error"' in response.content.decode()
    assert not Order.objects.exists() and not OrderPart.objects.exists()
    assert not Reservation.objects.exists()
    assert DeliverySlot.objects.get(pk=town["slot"].pk).booked == 0


@pytest.mark.parametrize("trouble", ["down", "slow"])
def test_without_an_answer_the_postcode_centre_is_used_and_marked_approximate(
    register, settings, town, trouble
):
    if trouble == "down":
        settings.ADDRESS_LOOKUP_URL = closed_port_url()
    else:
        register.mode, register.delay = "slow", 2.0
        settings.ADDRESS_LOOKUP_TIMEOUT_SECONDS = 0.3

    response = town["browser"].post(
        "/checkout/",
        delivery_form(
            town,
            house_number="3",
            house_number_addition="a",
            address_line="Walstraat",
            city="Deventer",
        ),
    )

    assert response.status_code == 302
    for part in placed_parts(town):
        assert (part.latitude, part.longitude) == AREA_CENTRE
        assert part.location_approximate is True
        assert (part.address_line, part.house_number, part.house_number_addition) == (
            "Walstraat 3A",
            "3",
            "A",
        )


def test_without_an_answer_street_and_city_must_be_typed(settings, town):
    settings.ADDRESS_LOOKUP_URL = closed_port_url()

    response = town["browser"].post("/checkout/", delivery_form(town, house_number="3"))

    errors = response.context["form"].errors
    assert (errors["address_line"], errors["city"]) == (
        ["Needed for delivery."],
        ["Needed for delivery."],
    )
    assert not Order.objects.exists()


def test_the_offline_demo_checks_out_with_a_street_line_and_no_register(settings, town):
    """No ADDRESS_LOOKUP_URL (the demo): the number typed in the street line still counts."""
    settings.ADDRESS_LOOKUP_URL = ""

    response = town["browser"].post(
        "/checkout/", delivery_form(town, address_line="Walstraat 3", city="Deventer")
    )

    assert response.status_code == 302
    part = placed_parts(town)[0]
    assert (part.address_line, part.house_number, part.location_approximate) == (
        "Walstraat 3",
        "3",
        True,
    )
    assert (part.latitude, part.longitude) == AREA_CENTRE


def test_a_delivery_needs_a_house_number(settings, town):
    settings.ADDRESS_LOOKUP_URL = ""

    response = town["browser"].post(
        "/checkout/", delivery_form(town, address_line="Walstraat", city="Deventer")
    )

    assert response.context["form"].errors == {"house_number": ["Needed for delivery."]}


def test_a_safe_place_longer_than_200_characters_is_refused(settings, town):
    settings.ADDRESS_LOOKUP_URL = ""

    response = town["browser"].post(
        "/checkout/",
        delivery_form(
            town, house_number="3", address_line="Walstraat", city="Deventer", safe_place="x" * 201
        ),
    )

    assert list(response.context["form"].errors) == ["safe_place"]
    assert not Order.objects.exists()


def test_a_hostile_safe_place_comes_back_escaped_on_the_checkout_page(settings, town):
    settings.ADDRESS_LOOKUP_URL = ""
    form = delivery_form(town, house_number="3", address_line="Walstraat", safe_place=HOSTILE)

    page = town["browser"].post("/checkout/", form).content.decode()  # no city: shown again

    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert f'value="{html.escape(HOSTILE)}"' in page


def test_the_courier_sees_the_drop_off_permissions_escaped():
    shop = ShopFactory()
    part = delivery_part(shop, make_slot(make_zone(), day=tomorrow()))
    OrderPart.objects.filter(pk=part.pk).update(allow_neighbour=True, safe_place=HOSTILE)
    courier = make_courier(timezone.localdate(), starts=8, ends=18)
    route = Route.objects.create(
        courier=courier, date=timezone.localdate(), planned_at=timezone.now()
    )
    RouteStop.objects.create(
        route=route, sequence=1, kind="delivery", part=part, eta=timezone.now()
    )

    page = client_for(courier.user).get("/courier/").content.decode()

    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert html.escape(HOSTILE) in page
    assert "May go to a neighbour" in page


def test_routes_and_the_couriers_navigation_use_the_house(register, town):
    town["browser"].post(
        "/checkout/", delivery_form(town, house_number="7", house_number_addition="2")
    )
    part = placed_parts(town)[0]
    house = Location(52.2515, 6.1637)

    shipment = shipment_for(part, day=part.slot.date, ready=timezone.now(), carrier=None)
    courier = make_courier(timezone.localdate(), starts=8, ends=18)
    route = Route.objects.create(
        courier=courier, date=timezone.localdate(), planned_at=timezone.now()
    )
    RouteStop.objects.create(
        route=route, sequence=1, kind="delivery", part=part, eta=timezone.now()
    )
    page = client_for(courier.user).get("/courier/").content.decode()

    assert shipment.delivery == house
    assert "Walstraat 7-2, 7411 AB Deventer" in page
    assert 'href="geo:52.251500,6.163700?q=52.251500,6.163700(' in page
    assert "postcode&#x27;s centre" not in page
