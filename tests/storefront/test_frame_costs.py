"""What makes every page cheaper must not change what it shows: Oscar's offers still apply
when one exists, product views are still counted (after the commit), the shared menu
follows the user, and the pages work with the cache down (sessions included)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model
from oscar.test.factories import create_offer

from marketplace.storefront.offers import Applicator
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.support.cache_down import cache_down  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
ProductRecord = get_model("analytics", "ProductRecord")
UserProductView = get_model("analytics", "UserProductView")


def test_oscar_uses_the_storefront_applicator():
    from oscar.apps.basket import middleware

    assert middleware.Applicator is Applicator


def test_without_offers_the_basket_page_asks_for_none(town):
    client = client_for(UserFactory())
    client.post(f"/basket/add-offer/{town.gouda.pk}/", {"quantity": "1"})
    client.get("/basket/")  # the flag is cached now
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/basket/").status_code == 200
    sql = " ".join(q["sql"] for q in captured)
    assert "offer_conditionaloffer" not in sql and "voucher_voucher" not in sql


def test_an_offer_made_after_the_flag_was_cached_applies_at_once(town):
    user = UserFactory()
    client = client_for(user)
    client.post(f"/basket/add-offer/{town.gouda.pk}/", {"quantity": "2"})
    assert client.get("/basket/").status_code == 200  # caches "no offers"
    basket = Basket.objects.get(owner=user, status=Basket.OPEN)
    assert basket.lines.get().price_incl_tax == Decimal("12.50")

    create_offer(name="Twintig procent")  # 20% off everything
    response = client.get("/basket/")
    assert response.status_code == 200
    shown = response.context["basket"]
    assert shown.total_discount == Decimal("5.00")
    assert shown.total_incl_tax < Decimal("25.00")  # 2 × 12.50, less the discount
    checkout = client.get("/checkout/")
    assert checkout.status_code in (200, 302)


def test_a_product_view_is_counted_after_the_commit(town, django_capture_on_commit_callbacks):
    user = UserFactory()
    client = client_for(user)
    product = town.gouda.product
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(product.get_absolute_url()).status_code == 200
    assert ProductRecord.objects.get(product=product).num_views == 1
    assert UserProductView.objects.filter(user=user, product=product).count() == 1


def test_the_menu_is_shared_per_kind_of_user_only(town):
    staff = UserFactory(is_staff=True)
    consumer = UserFactory()
    for _ in range(2):  # the second time from the shared fragment
        assert "Shop applications" in client_for(staff).get("/").content.decode()
        body = client_for(consumer).get("/").content.decode()
        assert "Shop applications" not in body and "My orders" in body
        anonymous = client_for().get("/").content.decode()
        assert "Log in" in anonymous and ">Account</a>" not in anonymous


def test_signed_in_pages_work_with_the_cache_down(town, request):
    """The session (signed in before the outage), the offer flag and the work-area links
    carry on without the cache."""
    user = UserFactory()
    client = client_for(user)
    request.getfixturevalue("cache_down")
    for url in ("/", "/search/?q=kaas", town.gouda.product.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.wsgi_request.user == user
    added = client.post(f"/basket/add-offer/{town.gouda.pk}/", {"quantity": "1"})
    assert added.status_code == 302
    assert client.get("/basket/").status_code == 200
    client.logout()
    assert client.get("/").wsgi_request.user.is_anonymous
