"""What makes the storefront's pages cheaper must not change what they show: cached product
cards follow price and stock at once, the header's basket count is the basket's, the fast
select writes Django's markup, the category breadcrumbs come from the cached tree."""

import re
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.apps.basket.middleware import BasketMiddleware
from oscar.core.loading import get_model

from marketplace.storefront import cards
from marketplace.storefront.forms import FastSelect
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.support.cache_down import cache_down  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")


def body_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def card_of(body: str, title: str) -> str:
    """The card (<article>) of the product titled `title`."""
    for card in re.findall(r'<article class="product-card".*?</article>', body, re.S):
        if title in card:
            return card
    raise AssertionError(f"no card for {title}")


@pytest.mark.parametrize("url", ["/", "/search/?q=kaas", "category"])
def test_a_new_price_and_stock_show_at_once_despite_the_card_cache(client, town, url):
    url = town.food.get_absolute_url() if url == "category" else url
    before = card_of(body_of(client, url), "Oude Goudse kaas")
    assert "€12.50" in before and "Pick up today" in before
    assert card_of(body_of(client, url), "Oude Goudse kaas") == before  # from the cache
    # A feed writes with update(): no signal, no version to bump; the card changes anyway.
    StockRecord.objects.filter(pk=town.gouda.pk).update(price=Decimal("11.00"))
    cheaper = card_of(body_of(client, url), "Oude Goudse kaas")
    assert "€11.00" in cheaper and "€12.50" not in cheaper
    StockRecord.objects.filter(pk=town.gouda.pk).update(num_in_stock=0)
    if url == "/":
        assert "Oude Goudse kaas" not in body_of(client, url)  # no longer for pickup today
    else:
        gone = card_of(body_of(client, url), "Oude Goudse kaas")
        assert "Out of stock" in gone and "Pick up today" not in gone


def test_cards_come_from_the_cache_the_second_time(client, town, monkeypatch):
    card_of(body_of(client, "/search/?q=avond"), "De avond is ongemak")
    rendered = []
    real = cards.get_template

    def counting(name):
        template = real(name)

        class Counted:
            template = getattr(real(name), "template", None)

            def render(self, context):
                rendered.append(context["listing"].product.title)
                return template.render(context)

        return Counted()

    monkeypatch.setattr(cards, "get_template", counting)
    card_of(body_of(client, "/search/?q=avond"), "De avond is ongemak")
    assert rendered == []
    StockRecord.objects.filter(pk=town.novel.pk).update(num_in_stock=4)
    card_of(body_of(client, "/search/?q=avond"), "De avond is ongemak")
    assert rendered == ["De avond is ongemak"]  # its availability changed: a new card


def test_pages_render_their_cards_without_the_cache(client, town, request):
    request.getfixturevalue("cache_down")  # after the town's cache.clear()
    body = body_of(client, "/search/?q=kaas")
    assert "€12.50" in card_of(body, "Oude Goudse kaas")


def test_the_header_counts_a_signed_in_basket_in_one_query(town):
    client = client_for(UserFactory())
    client.post(f"/basket/add-offer/{town.novel.pk}/", {"quantity": "2"})
    client.post(f"/basket/add-offer/{town.gouda.pk}/", {"quantity": "1"})
    with CaptureQueriesContext(connection) as captured:
        body = body_of(client, "/")
    assert '<span class="basket-count">3' in body
    basket_queries = [q["sql"] for q in captured if "basket_" in q["sql"]]
    assert len(basket_queries) == 1, basket_queries  # not the basket, its lines and offers
    checkout = body_of(client, "/checkout/")  # the basket is loaded there: its own count
    assert '<span class="basket-count">3' in checkout


def test_the_header_counts_an_anonymous_basket_and_none_without_one(town):
    client = Client()
    assert "basket-count" not in body_of(client, "/")
    basket = Basket.objects.create()
    Line.objects.create(
        basket=basket,
        line_reference="gouda",
        product=town.gouda.product,
        stockrecord=town.gouda,
        quantity=2,
        price_currency="EUR",
        price_excl_tax=Decimal("11.47"),
        price_incl_tax=Decimal("12.50"),
    )
    client.cookies[settings.OSCAR_BASKET_COOKIE_OPEN] = BasketMiddleware(
        lambda request: None
    ).get_basket_hash(basket.pk)
    assert '<span class="basket-count">2' in body_of(client, "/")


@pytest.mark.parametrize("value", ["", "2", "9"])
def test_the_fast_select_writes_djangos_markup(value):
    choices = [("", "All <shops>"), (1, "Kaas & co"), (2, 'De "Brink"'), ("g", [(9, "x")])]
    attrs = {"class": "custom-select", "required": True, "disabled": False}
    plain = forms.Select(choices=choices, attrs=attrs).render("shop", value, {"id": "id_shop"})
    fast = FastSelect(choices=choices, attrs=attrs).render("shop", value, {"id": "id_shop"})
    assert re.sub(r"\s+", "", fast) == re.sub(r"\s+", "", plain)


def test_category_breadcrumbs_and_redirect_come_from_the_cached_tree(client, town):
    cheese = town.food.add_child(name="Kaas", slug="kaas")
    body = body_of(client, cheese.get_absolute_url())
    assert f'<a href="{town.food.get_absolute_url()}">Eten</a>' in body
    wrong = cheese.get_absolute_url().replace("kaas", "oud")
    response = client.get(wrong)
    assert response.status_code == 301 and response["Location"] == cheese.get_absolute_url()
