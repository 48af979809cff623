"""After signing in, each person lands where their work is; management's home leads to
everything management does, and Oscar's dashboard leads back to it."""

import re

import pytest
from django.urls import reverse

from marketplace.management_home import SECTIONS
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_owner
from tests.logistics.test_dispatch import make_courier

pytestmark = pytest.mark.django_db
PASSWORD = "secret-pass-1"  # tests.factories.UserFactory's


def sign_in(user, next_url=""):
    form = {"login-username": user.email, "login-password": PASSWORD, "login_submit": "1"}
    # The page carries `next` in a hidden field, as the browser posts it.
    return client_for().post("/accounts/login/", {**form, "login-redirect_url": next_url})


def test_each_role_lands_on_its_own_work():
    from django.utils import timezone

    owner = make_owner(ShopFactory())
    courier = make_courier(timezone.localdate(), starts=8, ends=18).user
    assert sign_in(UserFactory(is_staff=True))["Location"] == "/management/"
    assert sign_in(owner)["Location"] == "/shop/"
    assert sign_in(courier)["Location"] == "/courier/"
    assert sign_in(UserFactory())["Location"] == "/"  # consumers shop
    # An explicit next still wins.
    assert sign_in(owner, "/basket/")["Location"] == "/basket/"


def test_management_home_links_every_management_page_and_only_for_staff():
    page = client_for(UserFactory(is_staff=True)).get("/management/")
    html = page.content.decode()
    for name, *_ in SECTIONS:
        assert f'href="{reverse(name)}"' in html
    assert client_for(UserFactory()).get("/management/").status_code == 403


def test_oscars_dashboard_leads_back_to_management():
    html = client_for(UserFactory(is_staff=True)).get("/dashboard/").content.decode()
    assert re.search(r'href="/management/"', html)
    assert 'href="/management/routes/"' in html
