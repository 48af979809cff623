"""Home, catalogue, category, product and shop pages: content, language, formats, queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory_sync.models import PosConnection
from tests.factories import make_offer
from tests.storefront.conftest import THURSDAY_LUNCH, also_sold_by, in_category

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response, response.content.decode()


def test_home_shows_shops_categories_and_pick_up_today(client, town):
    response, body = page(client, "/")
    assert "Shop in the centre of Deventer" in body
    assert "3 shops, one basket" in body
    for shop in (town.books, town.cheese, town.bikes):
        assert f'href="{shop.get_absolute_url()}"' in body
    assert "Cheese (1)" in body and 'href="/shops/?kind=cheese"' in body
    assert f'href="{town.food.get_absolute_url()}">Eten</a>' in body
    pickup = [listing.product.title for listing in response.context["pickup_listings"]]
    assert sorted(pickup) == ["De avond is ongemak", "Oude Goudse kaas"]  # the bell: no stock
    for link in ("/basket/", "/accounts/orders/", "/search/?pickup_today=1", "/shops/"):
        assert f'href="{link}"' in body, link


def test_product_page_lists_every_shop_with_price_stock_and_pickup(client, town):
    _, body = page(client, town.novel.product.get_absolute_url())
    assert "Sold by 2 shops" in body
    assert body.index("Boekhandel Brink") < body.index("Kaashuis"), "cheapest first"
    assert "€19.95" in body and "€21.50" in body
    assert "10 in stock" in body and "3 in stock" in body
    assert body.count("Pick up today from 13:15") == 2
    assert f'action="/basket/add-offer/{town.novel.pk}/"' in body
    assert f'action="/basket/add-offer/{town.novel_at_cheese.pk}/"' in body


def test_a_stale_feed_shows_availability_to_be_confirmed(client, town, at):
    connection_row = PosConnection.objects.create(shop=town.cheese)  # on the fixed clock
    _, fresh = page(client, town.novel.product.get_absolute_url())
    assert "3 in stock" in fresh, "a feed connected a moment ago is trusted"
    PosConnection.objects.filter(pk=connection_row.pk).update(
        created_at=THURSDAY_LUNCH - timedelta(days=3)
    )
    at(THURSDAY_LUNCH)  # the shop facts of this minute again, without the cached ones
    _, body = page(client, town.novel.product.get_absolute_url())
    assert "Availability to be confirmed" in body
    assert "3 in stock" not in body
    assert body.count("Pick up today from") == 1, "only the bookshop can promise today"


def test_dutch_prices_dates_and_texts(client, town):
    _, body = page(client, town.gouda.product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert "€\xa012,50" in body
    assert 'lang="nl"' in body
    _, english = page(client, town.gouda.product.get_absolute_url())
    assert "€12.50" in english and 'lang="en"' in english


def test_language_switch_is_a_labelled_form_on_every_page(client, town):
    _, body = page(client, "/")
    assert 'action="/i18n/setlang/"' in body
    assert 'name="language" value="nl"' in body and 'name="language" value="en"' in body
    assert 'aria-pressed="true"' in body
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    _, dutch = page(client, "/")
    assert 'lang="nl"' in dutch


def test_category_page_lists_its_tree_only(client, town):
    response, body = page(client, town.food.get_absolute_url())
    assert [listing.product.title for listing in response.context["listings"]] == [
        "Oude Goudse kaas"
    ]
    assert response.context["paginator"].count == 1


def test_brand_comes_from_settings(client, town, settings):
    settings.STOREFRONT_BRAND = {
        "name": "Stadsmarkt Zutphen",
        "town": "Zutphen",
        "primary_colour": "#003366",
        "secondary_colour": "#ffcc00",
        "logo": "marketplace/logo.svg",
    }
    _, body = page(client, "/")
    assert "Stadsmarkt Zutphen" in body and "Shop in the centre of Zutphen" in body
    assert "--brand-primary: #003366" in body and "--brand-on-primary: #ffffff" in body
    assert "--brand-on-secondary: #1a1a1a" in body


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/catalogue/",
        "category",
        "/search/?q=boek",
        "/search/?q=boek&pickup_today=1",
        "product",
    ],
)
def test_query_count_does_not_grow_with_the_number_of_products(client, town, url):
    def resolve():
        if url == "category":
            return town.reading.get_absolute_url()
        if url == "product":
            return town.novel.product.get_absolute_url()
        return url

    client.get(resolve())  # warms the per-minute caches, as any earlier visitor does
    few = queries_for(client, resolve())
    for number in range(30):
        record = make_offer(town.books, title=f"Boek {number:02d}")
        also_sold_by(record, town.cheese, price="9.99", on_hand=2)
        in_category(record, town.reading)
    client.get(resolve())
    many = queries_for(client, resolve())
    assert few == many <= MAX_QUERIES, (few, many)


def test_shop_page_query_count_does_not_grow(client, town):
    url = town.books.get_absolute_url()
    client.get(url)  # warms the caches (the shop's approved reviews), as any earlier visitor does
    few = queries_for(client, url)
    for number in range(30):
        make_offer(town.books, title=f"Boek {number:02d}")
    assert queries_for(client, url) == few <= MAX_QUERIES
