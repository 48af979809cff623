"""Issue 15: a description saved through Oscar's dashboard or Django's admin is cleaned too
(marketplace/description_cleaning.py), not only through the shop area's own form."""

import pytest
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from tests.factories import ShopFactory, UserFactory, make_offer
from tests.security.test_hostile_text import HOSTILE, assert_inert
from tests.support.forms_html import form_data

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")


def product_in_a_category():
    """Oscar's dashboard form refuses a stand-alone product without a category."""
    product = make_offer(ShopFactory(), title="Stadsgids").product
    ProductCategory.objects.create(product=product, category=create_from_breadcrumbs("Boeken"))
    return product


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_oscars_dashboard_product_form_stores_a_cleaned_description(staff_client):
    product = product_in_a_category()
    url = f"/dashboard/catalogue/products/{product.pk}/"
    data = form_data(staff_client.get(url).content.decode(), "description")
    data["description"] = ["<p>Een <strong>mooie</strong> gids</p>" + HOSTILE]

    response = staff_client.post(url, data)

    assert response.status_code == 302
    description = Product.objects.get(pk=product.pk).description
    assert description.startswith("<p>Een <strong>mooie</strong> gids</p>")
    assert_inert(description, "description saved through the dashboard")


def test_djangos_admin_stores_a_cleaned_description(staff_client):
    product = make_offer(ShopFactory(), title="Stadsgids").product
    url = f"/admin/catalogue/product/{product.pk}/change/"
    data = form_data(staff_client.get(url).content.decode(), "description")
    data["description"] = ['<p onclick="alert(1)">Gids</p>' + HOSTILE]

    response = staff_client.post(url, data)

    assert response.status_code == 302
    description = Product.objects.get(pk=product.pk).description
    assert description.startswith("<p>Gids</p>")
    assert_inert(description, "description saved through the admin")
