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
    Courier.objects.create(user=courier, vehicle="bike", capacity_parcels=6, capacity_litres=80)
    retired = UserFactory()
    Courier.objects.create(
        user=retired, vehicle="bike", capacity_parcels=6, capacity_litres=80, is_active=False
    )

    users = {"owner": owner, "courier": courier, "retired": retired, "consumer": UserFactory()}
    menus = {name: menu_of(user) for name, user in users.items()}

    assert "My shop" in menus["owner"] and "My route" not in menus["owner"]
    assert "My route" in menus["courier"] and "My shop" not in menus["courier"]
    for name in ("retired", "consumer"):
        assert "My shop" not in menus[name] and "My route" not in menus[name], name


def test_the_work_areas_cost_one_query():
    browser = client_for(make_owner(ShopFactory()))
    browser.get("/shops/")  # warm: the session, the basket

    with CaptureQueriesContext(connection) as queries:
        browser.get("/shops/")

    area_queries = [q["sql"] for q in queries if "logistics_courier" in q["sql"]]
    assert len(area_queries) == 1 and "partner_partner_users" in area_queries[0]
    assert not any("communication_notification" in q["sql"] for q in queries)
