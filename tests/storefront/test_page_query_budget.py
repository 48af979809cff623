"""The load benchmark's session (home, search, category, product, add to basket, basket,
checkout) for a signed-in consumer, with the per-minute caches warm as under load: each
page within the queries it takes now, so none creeps back. And what made them cheaper
shows the same: the breadcrumb's category, the search counts, the fast select's reuse,
the basket page without a transaction around a GET."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from oscar.core.loading import get_model

from marketplace.storefront import forms as storefront_forms
from marketplace.storefront.forms import FastSelect
from marketplace.storefront.shop_facts import active_shops_fingerprint
from shops.models import Shop, ShopStatus
from tests.conftest import client_for
from tests.factories import UserFactory

from .conftest import THURSDAY_LUNCH, in_category

pytestmark = pytest.mark.django_db
Category = get_model("catalogue", "Category")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Queries per page of the session (signed in, caches warm). In a test the basket is made
# at the first add (an INSERT in a savepoint) and the delivery settings at the first basket
# page; the load benchmark's repeated visits take 6 for the add, 8 for the basket page.
BUDGET = {
    "home": 5,
    "search": 6,
    "category": 6,
    "product": 6,
    "add_to_basket": 9,
    "basket": 12,
    "checkout": 12,
}


def session(client, town, django_assert_max_num_queries) -> dict:
    """One visit as the benchmark makes it; returns each page's body."""
    product_url = town.gouda.product.get_absolute_url()
    pages = {
        "home": ("get", "/"),
        "search": ("get", "/search/?q=kaas"),
        "category": ("get", town.food.get_absolute_url()),
        "product": ("get", product_url),
    }
    bodies = {}
    for name, (_method, url) in pages.items():
        with django_assert_max_num_queries(BUDGET[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        bodies[name] = response.content.decode()
    token = CSRF_TOKEN.search(bodies["product"]).group(1)
    with django_assert_max_num_queries(BUDGET["add_to_basket"]):
        added = client.post(
            f"/basket/add-offer/{town.gouda.pk}/",
            {"csrfmiddlewaretoken": token, "quantity": "1"},
        )
    assert added.status_code == 302 and added["Location"].endswith("/basket/")
    for name, url in (("basket", "/basket/"), ("checkout", "/checkout/")):
        with django_assert_max_num_queries(BUDGET[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        bodies[name] = response.content.decode()
    return bodies


def test_the_benchmark_session_stays_within_its_query_budget(town, django_assert_max_num_queries):
    client = client_for(UserFactory(), enforce_csrf_checks=True)
    client.get("/")  # the per-minute caches, as under load
    client.get("/search/?q=kaas")
    client.get(town.food.get_absolute_url())
    bodies = session(client, town, django_assert_max_num_queries)
    assert "Oude Goudse kaas" in bodies["basket"] and "Oude Goudse kaas" in bodies["checkout"]
    assert '<span class="basket-count">1' in bodies["checkout"]


def test_the_breadcrumb_shows_the_first_browsable_category_from_the_tree(client, town):
    hidden = Category.add_root(name="Aaa verborgen", slug="aaa-verborgen", is_public=False)
    in_category(town.gouda, hidden)  # first in tree order, but not browsable
    body = client.get(town.gouda.product.get_absolute_url()).content.decode()
    first = town.gouda.product.get_categories().first()  # Oscar's own answer
    assert first == town.food
    assert f'<li class="breadcrumb-item"><a href="{first.get_absolute_url()}">Eten</a></li>' in body
    assert "verborgen" not in body


def test_a_category_newer_than_the_cached_tree_is_read_for_the_breadcrumb(client, town):
    client.get("/")  # caches the tree
    newer = Category.add_root(name="Fietsen", slug="fietsen")
    in_category(town.bell, newer)
    body = client.get(town.bell.product.get_absolute_url()).content.decode()
    assert f'<a href="{newer.get_absolute_url()}">Fietsen</a>' in body


def test_a_product_without_category_has_no_category_breadcrumb(client, town):
    body = client.get(town.bell.product.get_absolute_url()).content.decode()
    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', body, re.S).group(1)
    assert crumbs.count('class="breadcrumb-item') == 2  # all products, the product


def test_search_counts_are_kept_per_filter_and_category(client, town):
    def count(url):
        return client.get(url).context["paginator"].count

    assert count("/search/?q=avond") == 1
    # Same words, within the minute: each filter and category has a count of its own.
    assert count("/search/?q=avond&shop=fietsenmaker") == 0
    assert count("/search/?q=avond&shop=boekhandel-brink") == 1
    assert count(f"/search/?q=avond&category={town.food.pk}") == 0
    assert count(f"/search/?q=avond&category={town.reading.pk}") == 1
    assert count(town.food.get_absolute_url()) == 1
    assert count(town.reading.get_absolute_url()) == 1
    assert count("/catalogue/") == 3


def test_the_active_shops_fingerprint_follows_a_pause_and_an_edit(town, at):
    first = active_shops_fingerprint()
    assert first == active_shops_fingerprint()
    Shop.objects.filter(pk=town.bikes.pk).update(status=ShopStatus.PAUSED)
    paused = active_shops_fingerprint()
    assert paused != first and paused.startswith("2-")
    at(THURSDAY_LUNCH + timedelta(minutes=1))
    town.books.save()  # updated_at moves
    assert active_shops_fingerprint() not in (first, paused)


def test_the_fast_select_reuses_markup_only_for_the_same_select():
    def plain(choices, value):
        return forms.Select(choices=choices, attrs={"class": "c"}).render("shop", value)

    def fast(choices, value):
        return FastSelect(choices=choices, attrs={"class": "c"}).render("shop", value)

    def same(a, b):
        return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)

    storefront_forms._rendered_selects.clear()
    choices = [("", "All"), ("a", "Kaashuis"), ("b", "Brink")]
    assert same(fast(choices, "a"), plain(choices, "a"))
    assert same(fast(choices, "a"), plain(choices, "a"))  # reused
    assert same(fast(choices, "b"), plain(choices, "b"))  # another value selected
    renamed = [("", "All"), ("a", "Kaashuis & Co"), ("b", "Brink")]
    assert same(fast(renamed, "a"), plain(renamed, "a"))  # a shop renamed
    assert len(storefront_forms._rendered_selects) == 3


def test_the_fast_select_follows_the_language():
    choices = storefront_forms.SORTS
    storefront_forms._rendered_selects.clear()
    with translation.override("en"):
        english = FastSelect(choices=choices).render("sort", "price")
    with translation.override("nl"):
        dutch = FastSelect(choices=choices).render("sort", "price")
        plain_dutch = forms.Select(choices=choices).render("sort", "price")
    assert "Price, low to high" in english
    assert re.sub(r"\s+", "", dutch) == re.sub(r"\s+", "", plain_dutch)
    assert dutch != english


def test_the_basket_page_shows_without_a_transaction_and_saves_in_one(town):
    client = client_for(UserFactory())
    client.post(f"/basket/add-offer/{town.gouda.pk}/", {"quantity": "1"})
    with CaptureQueriesContext(connection) as shown:
        page = client.get("/basket/")
    assert page.status_code == 200
    # The test runs in a transaction: ATOMIC_REQUESTS would open a savepoint before the view
    # reads anything (the page's own first basket page makes the delivery settings in one).
    assert not shown.captured_queries[0]["sql"].startswith("SAVEPOINT")
    formset = page.context["formset"]
    data = {
        f"{formset.prefix}-TOTAL_FORMS": "1",
        f"{formset.prefix}-INITIAL_FORMS": "1",
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        f"{formset.prefix}-0-id": str(formset.forms[0].instance.pk),
        f"{formset.prefix}-0-quantity": "2",
    }
    with CaptureQueriesContext(connection) as saved:
        response = client.post("/basket/", data)
    assert response.status_code == 302
    assert saved.captured_queries[0]["sql"].startswith("SAVEPOINT")
    line = formset.forms[0].instance
    line.refresh_from_db()
    assert line.quantity == 2
