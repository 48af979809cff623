"""The menu links a signed-in user to the areas they work in, read in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import Courier
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_owner

pytestmark = pytest.mark.django_db


def menu_of(user) -> str:
    page = client_for(user).get("/shops/")
    assert page.status_code == 200
    return page.content.decode()


def test_each_user_sees_the_links_to_their_own_work_areas():
    owner = make_owner(ShopFactory())
    courier = UserFactory()
    Courier.objects.create(user=courier, vehicle="bike", capacity_parts=6, capacity_litres=80)
    retired = UserFactory()
    Courier.objects.create(
        user=retired, vehicle="bike", capacity_parts=6, capacity_litres=80, is_active=False
    )

    users = {"owner": owner, "courier": courier, "retired": retired, "consumer": UserFactory()}
    menus = {name: menu_of(user) for name, user in users.items()}

    assert "My shop" in menus["owner"] and "My route" not in menus["owner"]
    assert "My route" in menus["courier"] and "My shop" not in menus["courier"]
    for name in ("retired", "consumer"):
        assert "My shop" not in menus[name] and "My route" not in menus[name], name


def test_the_work_areas_cost_one_query_then_come_from_the_cache():
    browser = client_for(make_owner(ShopFactory()))
    with CaptureQueriesContext(connection) as first:
        browser.get("/shops/")
    with CaptureQueriesContext(connection) as queries:
        browser.get("/shops/")

    def area_queries(captured):
        return [q["sql"] for q in captured if "logistics_courier" in q["sql"]]

    assert len(area_queries(first)) == 1 and "partner_partner_users" in area_queries(first)[0]
    assert area_queries(queries) == []
    assert not any("communication_notification" in q["sql"] for q in queries)


def test_the_cached_links_follow_a_new_shop_user_and_courier():
    user = UserFactory()
    assert "My shop" not in menu_of(user) and "My route" not in menu_of(user)  # cached now
    shop = ShopFactory()
    shop.partner.users.add(user)
    assert "My shop" in menu_of(user)
    courier = Courier.objects.create(
        user=user, vehicle="bike", capacity_parts=6, capacity_litres=80
    )
    assert "My route" in menu_of(user)
    courier.is_active = False
    courier.save()
    shop.partner.users.remove(user)
    menu = menu_of(user)
    assert "My shop" not in menu and "My route" not in menu
