"""Favourite shops: the heart on the shop page and in the shop list, "my town", removing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.community.models import FavouriteShop
from shops.models import ShopStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_heart_adds_a_shop_once_and_my_town_lists_it():
    shop = ShopFactory()
    consumer = UserFactory()
    browser = client_for(consumer)
    page = browser.get(shop.get_absolute_url())
    assert 'favourite-button" aria-pressed="false"' in page.content.decode()

    for _ in range(2):  # a double click
        response = browser.post(
            f"/my-town/favourites/{shop.pk}/",
            {"action": "add", "next": shop.get_absolute_url()},
        )
        assert response.status_code == 302 and response["Location"] == shop.get_absolute_url()

    assert list(FavouriteShop.objects.values_list("user_id", "shop_id")) == [(consumer.pk, shop.pk)]
    assert (
        'favourite-button" aria-pressed="true"'
        in browser.get(shop.get_absolute_url()).content.decode()
    )
    my_town = browser.get("/my-town/").content.decode()
    assert f'href="{shop.get_absolute_url()}"' in my_town


def test_removing_from_my_town_and_an_outside_next_is_not_followed():
    shop = ShopFactory()
    consumer = UserFactory()
    FavouriteShop.objects.create(user=consumer, shop=shop)
    response = client_for(consumer).post(
        f"/my-town/favourites/{shop.pk}/", {"action": "remove", "next": "https://evil.test/"}
    )
    assert response["Location"] == "/my-town/"
    assert not FavouriteShop.objects.exists()


def test_a_closed_shop_cannot_be_added_and_anonymous_visitors_are_sent_to_log_in():
    closed = ShopFactory(status=ShopStatus.CLOSED)
    assert client_for(UserFactory()).post(f"/my-town/favourites/{closed.pk}/").status_code == 404
    anonymous = client_for().post(f"/my-town/favourites/{ShopFactory().pk}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not FavouriteShop.objects.exists()


def test_the_shop_list_reads_favourites_once_for_all_hearts():
    shops = [ShopFactory() for _ in range(4)]
    consumer = UserFactory()
    FavouriteShop.objects.create(user=consumer, shop=shops[1])
    browser = client_for(consumer)
    browser.get("/shops/")  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        html = browser.get("/shops/").content.decode()
    assert html.count('favourite-button" aria-pressed="true"') == 1
    assert html.count('favourite-button" aria-pressed="false"') == 3
    favourite_reads = [q for q in queries if "community_favouriteshop" in q["sql"]]
    assert len(favourite_reads) == 1


def test_anonymous_visitors_see_a_login_link_and_no_favourite_query():
    shop = ShopFactory()
    with CaptureQueriesContext(connection) as queries:
        html = client_for().get(shop.get_absolute_url()).content.decode()
    assert f"/accounts/login/?next={shop.get_absolute_url()}" in html.replace("%2F", "/")
    assert not [q for q in queries if "community_favouriteshop" in q["sql"]]
