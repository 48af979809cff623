"""The storefront shows the seeded shops' products, with a bounded number of queries."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from oscar.core.loading import get_model

from marketplace.storefront.shop_facts import forget_latest
from shops.models import Shop, ShopStatus

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]


@pytest.fixture(autouse=True)
def empty_cache():
    """Shop facts and list counts are cached for a minute; each test starts without them."""
    from django.core.cache import cache

    from marketplace.storefront.shop_facts import forget_latest

    cache.clear()
    forget_latest()


MAX_QUERIES = 12


def test_home_and_catalogue_show_the_seeded_products(client):
    home = client.get("/")
    assert home.status_code == 200
    assert "Stadsmarkt Deventer" in home.content.decode()
    assert 'href="/catalogue/"' in home.content.decode()
    response = client.get("/catalogue/")
    assert response.context["paginator"].count == 2_000
    assert len(response.context["products"]) == 20


def test_catalogue_pages_take_the_same_number_of_queries(client, django_assert_max_num_queries):
    client.get("/catalogue/")  # fills the per-minute caches (shop facts, count), as visitors do
    with django_assert_max_num_queries(MAX_QUERIES) as first:
        assert client.get("/catalogue/").status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES) as later:
        assert client.get("/catalogue/?page=40").status_code == 200
    assert len(first.captured_queries) == len(later.captured_queries)


def test_category_page_lists_only_that_category(client, django_assert_max_num_queries):
    client.get("/")  # warm per-minute caches
    books = Category.objects.get(depth=1, name="Boeken")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(books.get_absolute_url())
    assert response.status_code == 200
    listed = response.context["products"]
    assert len(listed) == 20
    assert all(product.upc.startswith("978") for product in listed), "books carry ISBNs"
    in_tree = Product.objects.filter(categories__path__startswith=books.path).count()
    assert response.context["paginator"].count == in_tree


def test_product_page_shows_price_incl_vat(client, django_assert_max_num_queries):
    client.get("/")  # warm per-minute caches
    product = Product.objects.filter(upc__startswith="978").order_by("id").first()
    record = product.stockrecords.order_by("id").first()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert product.title in response.content.decode()
    price = f"{record.price:.2f}".replace(".", ",")
    assert price in response.content.decode(), "Dutch price format, VAT included"


def test_shop_page_lists_its_products_and_hours(client, django_assert_max_num_queries):
    shop = Shop.objects.order_by("id").first()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(shop.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    body = response.content.decode()
    assert shop.partner.name in body
    offers = response.context["offers"]
    assert offers and all(offer.partner_id == shop.partner_id for offer in offers)
    saturday = shop.opening_hours.get(weekday=5)
    assert "zaterdag" in body
    assert f"{saturday.opens:%H:%M}–{saturday.closes:%H:%M}" in body


def test_shop_directory_lists_active_shops_only(client):
    paused = Shop.objects.order_by("id").last()
    Shop.objects.filter(pk=paused.pk).update(status=ShopStatus.PAUSED)
    response = client.get("/shops/")
    assert response.status_code == 200
    assert len(response.context["shops"]) == 39
    assert client.get(paused.get_absolute_url()).status_code == 404


def test_a_paused_shops_products_leave_the_catalogue(client):
    shop = Shop.objects.order_by("id").first()
    only_here = Product.objects.filter(stockrecords__partner=shop.partner).exclude(
        stockrecords__partner__in=Shop.objects.exclude(pk=shop.pk).values("partner")
    )
    Shop.objects.filter(pk=shop.pk).update(status=ShopStatus.PAUSED)
    response = client.get("/catalogue/")
    assert response.context["paginator"].count == 2_000 - only_here.count()


def test_pages_speak_dutch_by_default_and_english_on_request(client):
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    dutch = client.get("/shops/").content.decode()
    assert "De winkels van Deventer" in dutch
    assert 'lang="nl"' in dutch
    client.post("/i18n/setlang/", {"language": "en", "next": "/shops/"})
    english = client.get("/shops/").content.decode()
    assert "The shops of Deventer" in english


class LoadedResources(HTMLParser):
    """The addresses a browser would load for a page: scripts, styles, images, frames."""

    LOADS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}

    def __init__(self):
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link" and dict(attrs).get("rel") in {"alternate", "canonical"}:
            return  # names this page's own addresses (hreflang, canonical): loads nothing
        address = dict(attrs).get(self.LOADS.get(tag, ""))
        if address:
            self.addresses.append(address)


def test_pages_load_nothing_from_other_sites(client):
    for url in ["/catalogue/", "/shops/", "/basket/"]:
        body = client.get(url).content.decode()
        parser = LoadedResources()
        parser.feed(body)
        assert parser.addresses, url
        foreign = [a for a in parser.addresses if urlsplit(a).netloc or urlsplit(a).scheme]
        assert foreign == [], url
        # A bare substring check for "cdn" failed at random on CSRF tokens; URLs are what count.
        assert "googleapis" not in body and "//cdn" not in body.lower(), url


def test_the_menu_links_each_role_to_its_work_area(client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    expectations = {
        "winkelier1@stadsmarkt.test": ("/shop/", "/courier/"),
        "koerier@stadsmarkt.test": ("/courier/", '/shop/"'),
        "beheer@stadsmarkt.test": ("/management/routes/", "/courier/"),
    }
    for email, (present, absent) in expectations.items():
        client.force_login(users.get(email=email))
        body = client.get("/shops/").content.decode()
        assert f'href="{present}"' in body, email
        assert f'href="{absent}' not in body, email


def test_demo_photos_show_within_the_query_budget_on_a_cold_cache(
    client, django_assert_max_num_queries
):
    """Every demo product and shop has a photo; with the cache empty (no card, no shop
    facts) the pages stay within the budget: thumbnails come with the photos' own query."""
    from django.core.files.storage import default_storage

    from tests.ops.test_media import images_in

    shop = Shop.objects.order_by("id").first()
    product = Product.objects.filter(stockrecords__partner=shop.partner).order_by("id").first()
    pages = {
        "/catalogue/": {"class": "product-card-photo"},
        product.get_absolute_url(): {"class": "product-photo"},
        shop.get_absolute_url(): {"alt": f"Winkelpand van {shop.partner.name}"},
    }
    for url, wanted in pages.items():
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        found = images_in(response, **wanted)
        assert found, url
        for image in found:
            assert image["width"] and image["height"] and ", " in image["srcset"], url
            assert default_storage.exists(image["src"].removeprefix("/media/")), url
        cache.clear()
        forget_latest()
    cards = images_in(client.get("/catalogue/"), **{"class": "product-card-photo"})
    assert len(cards) == 20
