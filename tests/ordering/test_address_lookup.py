"""The address register lookup (marketplace/ordering/address_lookup.py) against a fake PDOK
Locatieserver on loopback, and the checkout page's JSON endpoint that fills street and town."""

import socket
import time
from decimal import Decimal

import pytest

from marketplace.ordering.address_lookup import AddressUnknown, RegisteredAddress, lookup_address
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.ordering.fake_pdok import FakePdok, house, running

pytestmark = pytest.mark.django_db

WALSTRAAT = [
    house("Walstraat", 3, "7411AB", "Deventer", "6.163456", "52.251234"),
    house("Walstraat", 5, "7411AB", "Deventer", "6.163500", "52.251300", letter="A"),
    house("Walstraat", 5, "7411AB", "Deventer", "6.163600", "52.251400", letter="B"),
    house("Walstraat", 7, "7411AB", "Deventer", "6.163700", "52.251500", extra="2"),
]


@pytest.fixture
def register(settings):
    with running(FakePdok(houses=list(WALSTRAAT))) as pdok:
        settings.ADDRESS_LOOKUP_URL = pdok.url
        settings.ADDRESS_LOOKUP_TIMEOUT_SECONDS = 1.0
        yield pdok


def closed_port_url() -> str:
    """A loopback URL nothing listens on: the register is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/free"


def test_an_exact_house_gives_its_street_town_and_point(register):
    found = lookup_address(postcode="7411 AB", house_number="3")

    assert found == RegisteredAddress(
        street="Walstraat",
        house_number="3",
        addition="",
        postcode="7411 AB",
        city="Deventer",
        latitude=Decimal("52.251234"),
        longitude=Decimal("6.163456"),
    )
    (query,) = register.requests
    assert sorted(query["fq"]) == ["huisnummer:3", "postcode:7411AB", "type:adres"]


@pytest.mark.parametrize(
    ("number", "typed", "addition", "latitude"),
    [("5", " -b", "B", "52.251400"), ("5", "A", "A", "52.251300"), ("7", "2", "2", "52.251500")],
)
def test_a_letter_or_addition_picks_that_house(register, number, typed, addition, latitude):
    found = lookup_address(postcode="7411 AB", house_number=number, addition=typed)

    assert (found.addition, found.latitude) == (addition, Decimal(latitude))


def test_a_house_the_register_does_not_have_is_refused(register):
    with pytest.raises(AddressUnknown) as unknown:
        lookup_address(postcode="7411 AB", house_number="9")

    assert str(unknown.value) == ("The address register has no house number 9 at postcode 7411 AB.")


def test_a_number_without_its_letter_names_the_houses_that_exist(register):
    with pytest.raises(AddressUnknown) as unknown:
        lookup_address(postcode="7411 AB", house_number="5")

    assert str(unknown.value) == (
        "The address register has no house number 5 at postcode 7411 AB; there are 5A, 5B. "
        "Check the letter or addition."
    )


def test_the_same_house_twice_asks_the_register_once(register):
    first = lookup_address(postcode="7411 AB", house_number="3")
    again = lookup_address(postcode="7411 AB", house_number="3")

    assert first == again and len(register.requests) == 1


def test_no_register_configured_asks_nothing(settings):
    settings.ADDRESS_LOOKUP_URL = ""

    assert lookup_address(postcode="7411 AB", house_number="3") is None


@pytest.mark.parametrize("mode", ["error", "garbage"])
def test_a_failing_register_is_no_answer(register, mode):
    register.mode = mode

    assert lookup_address(postcode="7411 AB", house_number="3") is None


def test_a_register_that_is_down_is_no_answer(settings):
    settings.ADDRESS_LOOKUP_URL = closed_port_url()

    assert lookup_address(postcode="7411 AB", house_number="3") is None


def test_a_slow_register_is_given_up_after_the_timeout(register, settings):
    register.mode, register.delay = "slow", 3.0
    settings.ADDRESS_LOOKUP_TIMEOUT_SECONDS = 0.3
    started = time.monotonic()

    assert lookup_address(postcode="7411 AB", house_number="3") is None
    assert time.monotonic() - started < 2.0


def test_a_house_without_a_point_is_not_trusted(register):
    register.houses = [{**WALSTRAAT[0], "centroide_ll": "POINT(nonsense)"}]

    assert lookup_address(postcode="7411 AB", house_number="3") is None


# --- The checkout page's filler ---------------------------------------------------------


def ask(browser, **query):
    return browser.get("/checkout/address/", query)


def test_the_filler_answers_street_and_town_but_no_coordinates(register):
    browser = client_for(UserFactory())

    answer = ask(browser, postcode="7411ab", house_number="5", addition="b")

    assert answer.status_code == 200
    assert answer.json() == {
        "found": True,
        "street": "Walstraat",
        "city": "Deventer",
        "addition": "B",
    }


def test_the_filler_says_when_the_house_does_not_exist(register):
    answer = ask(client_for(UserFactory()), postcode="7411 AB", house_number="9")

    assert answer.json() == {
        "found": False,
        "field": "house_number",
        "error": "The address register has no house number 9 at postcode 7411 AB.",
    }


def test_the_filler_refuses_a_bad_postcode_without_asking(register):
    answer = ask(client_for(UserFactory()), postcode="74", house_number="3")

    assert answer.status_code == 400 and answer.json()["field"] == "postcode"
    assert register.requests == []


def test_without_a_register_the_filler_leaves_typing_to_the_consumer(settings):
    settings.ADDRESS_LOOKUP_URL = ""

    assert ask(client_for(UserFactory()), postcode="7411 AB", house_number="3").json() == {
        "found": False
    }


def test_the_filler_is_for_signed_in_consumers_and_only_reads(register):
    assert ask(client_for(), postcode="7411 AB", house_number="3").status_code == 302
    browser = client_for(UserFactory())
    assert browser.post("/checkout/address/", {"postcode": "7411 AB"}).status_code == 405
    assert register.requests == []


def test_the_filler_is_throttled_per_consumer(register, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "address_lookup_user": "2/min"}
    # A cache of this test's own: counts of an earlier run (same user id) do not carry over.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    browser = client_for(UserFactory())

    answers = [ask(browser, postcode="7411 AB", house_number="3") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) >= 1
