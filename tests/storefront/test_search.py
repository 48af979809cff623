"""Search over all shops: text, every filter, bad values, what each result says, the record."""

from datetime import datetime, time
from decimal import Decimal

import pytest
from django.db import connection

from marketplace.models import SearchRecord
from shops.models import OpeningHours, ShopStatus
from tests.factories import make_offer
from tests.storefront.conftest import AMSTERDAM

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [listing.product.title for listing in response.context["listings"]]


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def test_a_word_finds_products_of_every_shop_with_their_shops(client, town):
    response = search(client, q="roman")  # in the novel's description
    assert titles(response) == ["De avond is ongemak"]
    (listing,) = response.context["listings"]
    assert [(o.shop.name, o.price) for o in listing.offers] == [
        ("Boekhandel Brink", Decimal("19.95")),
        ("Kaashuis", Decimal("21.50")),
    ]
    body = response.content.decode()
    assert "Sold by 2 shops:" in body
    assert 'href="/shops/boekhandel-brink/"' in body and 'href="/shops/kaashuis/"' in body
    assert "Pick up today from 13:15 at Boekhandel Brink" in body
    assert "from €19.95" in body


def test_every_word_must_match_and_case_does_not_matter(client, town):
    assert titles(search(client, q="OUDE kaas")) == ["Oude Goudse kaas"]
    assert titles(search(client, q="oude fiets")) == []


def test_an_ean_finds_its_product(client, town):
    town.gouda.product.upc = "8712345678906"
    town.gouda.product.save()
    assert titles(search(client, q="8712345678906")) == ["Oude Goudse kaas"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"shop": "kaashuis"}, ["De avond is ongemak", "Oude Goudse kaas"]),
        ({"kind": "bicycles"}, ["Fietsbel chroom"]),
        ({"category": "food"}, ["Oude Goudse kaas"]),
        ({"min_price": "12,50", "max_price": "19.95"}, ["De avond is ongemak", "Oude Goudse kaas"]),
        ({"max_price": "12"}, ["Fietsbel chroom"]),
        ({"in_stock": "1"}, ["De avond is ongemak", "Oude Goudse kaas"]),
        ({"shop": "kaashuis", "min_price": "20"}, ["De avond is ongemak"]),
        ({"kind": "books", "min_price": "20"}, []),  # the bookshop sells it for 19.95
    ],
)
def test_filters(client, town, params, expected):
    if params.get("category") == "food":
        params = {**params, "category": str(town.food.pk)}
    response = search(client, sort="title", **params)
    assert titles(response) == expected
    assert not response.context["form"].errors


def test_open_now_and_pick_up_today_follow_the_shops_hours(client, town, at):
    OpeningHours.objects.filter(shop=town.books).update(opens=time(14), closes=time(18))
    at(datetime(2026, 11, 26, 12, 45, tzinfo=AMSTERDAM))
    assert titles(search(client, open_now="1", sort="title")) == [
        "De avond is ongemak",  # at the cheese shop, which is open
        "Fietsbel chroom",
        "Oude Goudse kaas",
    ]
    response = search(client, pickup_today="1", q="roman")
    (listing,) = response.context["listings"]
    assert [(o.shop.name, o.pickup_today_from) for o in listing.offers] == [
        ("Boekhandel Brink", time(14)),  # opens at 14:00
        ("Kaashuis", time(13, 15)),  # open, 30 minutes to prepare
    ]
    assert "Pick up today from 13:15 at Kaashuis" in response.content.decode()
    at(datetime(2026, 11, 26, 17, 40, tzinfo=AMSTERDAM))  # too late to prepare anything
    assert titles(search(client, pickup_today="1")) == []
    assert titles(search(client, open_now="1", sort="title")) == [
        "De avond is ongemak",
        "Fietsbel chroom",
        "Oude Goudse kaas",
    ]


def test_pick_up_today_needs_stock(client, town):
    assert "Fietsbel chroom" not in titles(search(client, pickup_today="1"))
    body = search(client, q="fietsbel").content.decode()
    assert "Out of stock" in body and "Pick up today from" not in body


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"min_price": "abc"}, "min_price", "Enter a number."),
        ({"max_price": "-5"}, "max_price", "greater than or equal to 0"),
        ({"min_price": "10", "max_price": "5"}, "max_price", "below the lowest price"),
        ({"shop": "casino"}, "shop", "Select a valid choice"),
        ({"kind": "casino"}, "kind", "Select a valid choice"),
        ({"category": "999999"}, "category", "Select a valid choice"),
        ({"category": "boeken"}, "category", "Select a valid choice"),
        ({"sort": "random()"}, "sort", "Select a valid choice"),
    ],
)
def test_a_bad_filter_is_named_and_ignored(client, town, params, field, message):
    response = search(client, q="kaas", **params)
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    body = response.content.decode()
    assert "Some filters could not be used" in body
    assert titles(response) == ["Oude Goudse kaas"], "the search ran on the rest"


def test_a_paused_shops_offers_are_not_found(client, town):
    type(town.cheese).objects.filter(pk=town.cheese.pk).update(status=ShopStatus.PAUSED)
    assert titles(search(client, q="kaas")) == []
    (listing,) = search(client, q="roman").context["listings"]
    assert [offer.shop.name for offer in listing.offers] == ["Boekhandel Brink"]


def test_sorting_by_price(client, town):
    assert titles(search(client, sort="price")) == [
        "Fietsbel chroom",
        "Oude Goudse kaas",
        "De avond is ongemak",
    ]
    assert titles(search(client, sort="-price"))[0] == "De avond is ongemak"


def test_every_search_is_recorded_and_misses_count_zero(client, town):
    search(client, q="  Oude   KAAS ", in_stock="1")
    search(client, q="lego")
    search(client, q="kaas", min_price="abc")
    search(client, q="kaas", page="2")  # paging is not a new search
    client.get("/search/")  # the empty page, no search yet
    records = list(SearchRecord.objects.order_by("id").values())
    assert [
        (r["query"], r["normalised_query"], r["result_count"], r["filters"]) for r in records
    ] == [
        ("Oude KAAS", "oude kaas", 1, {"in_stock": True}),
        ("lego", "lego", 0, {}),
        ("kaas", "kaas", 1, {}),
    ]


def test_a_high_page_number_shows_the_last_page(client, town):
    for number in range(25):
        make_offer(town.books, title=f"Boek {number:02d}")
    response = search(client, q="boek", page="99")
    assert response.context["page_obj"].number == 2
    assert len(titles(response)) == 5
    assert search(client, q="boek", page="nul").context["page_obj"].number == 1


def test_search_speaks_dutch_with_dutch_prices(client, town):
    body = client.get("/search/", {"q": "kaas"}, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "€\xa012,50" in body
    assert 'lang="nl"' in body


def test_full_text_is_used_on_postgresql_only(client, town):
    from marketplace.storefront.search import uses_full_text

    assert uses_full_text() == (connection.vendor == "postgresql")
