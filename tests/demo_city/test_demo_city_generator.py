"""The generator alone: deterministic, valid, no database."""

from dataclasses import astuple
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from marketplace.demo_city.generator import SIZES, generate_city
from marketplace.gtin import ean13_check_digit, is_valid_ean13, make_ean13

CENTRE = (52.2551, 6.1599)
TODAY = date(2026, 11, 23)


def city_fingerprint(city) -> tuple:
    return (
        [astuple(shop) for shop in city.shops],
        [astuple(product) for product in city.products],
        [astuple(person) for person in city.customers],
        [astuple(courier) for courier in city.couriers],
        [astuple(order) for order in city.orders()],
    )


def test_same_seed_gives_the_same_city():
    first = generate_city(SIZES["demo"], seed=3, today=TODAY, centre=CENTRE)
    second = generate_city(SIZES["demo"], seed=3, today=TODAY, centre=CENTRE)
    assert city_fingerprint(first) == city_fingerprint(second)


def test_another_seed_gives_another_city():
    first = generate_city(SIZES["demo"], seed=3, today=TODAY, centre=CENTRE)
    second = generate_city(SIZES["demo"], seed=4, today=TODAY, centre=CENTRE)
    assert [s.name for s in first.shops] != [s.name for s in second.shops]


def test_natural_keys_are_unique_and_lines_exact():
    city = generate_city(SIZES["demo"], seed=1, today=TODAY, centre=CENTRE)
    skus = [offer.sku for product in city.products for offer in product.offers]
    assert len(skus) == len(set(skus))
    assert len({s.chamber_of_commerce_number for s in city.shops}) == 40
    orders = list(city.orders())
    assert sum(len(order.lines) for order in orders) == 5_000
    assert len({order.number for order in orders}) == len(orders)
    for order in orders:
        keys = [(line.product_index, line.offer_index) for line in order.lines]
        assert len(keys) == len(set(keys)), "one line per product and shop in an order"


def test_known_ean13_check_digits():
    assert make_ean13("871234567890") == "8712345678906"
    assert ean13_check_digit("978030640615") == "7"  # ISBN 978-0-306-40615-7
    assert is_valid_ean13("4006381333931")  # a real EAN from GS1's examples
    assert not is_valid_ean13("4006381333932")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_single_digit_change_breaks_the_check(body):
    code = make_ean13(body)
    assert is_valid_ean13(code)
    wrong = str((int(code[5]) + 1) % 10)
    assert not is_valid_ean13(code[:5] + wrong + code[6:])


def test_different_products_never_share_a_name():
    from datetime import date

    from marketplace.demo_city.generator import SIZES, generate_city

    city = generate_city(SIZES["demo"], seed=3, today=date(2026, 12, 7), centre=(52.2551, 6.1599))
    titles = [product.title for product in city.products]
    assert len(titles) == len(set(titles))
    assert any(", model " in title for title in titles)  # the demo size does repeat names
