"""The shop's forms in Dutch and English: numbers and dates are shown in a form the inputs
accept, and a form saved unchanged saves (a Dutch "8,55" in a number input used to render
blank, so saving only a changed stock failed)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from shops.models import OpeningHoursException
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer, make_owner
from tests.support.forms_html import form_data, read_form

StockRecord = get_model("partner", "StockRecord")
pytestmark = pytest.mark.django_db
LANGUAGES = ["nl", "en"]


@pytest.fixture
def shop_world():
    shop = ShopFactory(latitude=Decimal("52.258379"), longitude=Decimal("6.163521"))
    holiday = timezone.localdate() + timedelta(days=20)
    OpeningHoursException.objects.create(shop=shop, date=holiday, closed=True, reason="Feest")
    record = make_offer(shop, price="8.55", on_hand=4)
    client = client_for(make_owner(shop))
    return shop, record, holiday, client


def in_language(client, language):
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_profile_shows_coordinates_and_holidays_and_saves_unchanged(shop_world, language):
    shop, _, holiday, client = shop_world
    page = in_language(client, language).get("/shop/profile/").content.decode()
    inputs = read_form(page, "profile-latitude").inputs
    assert inputs["profile-latitude"]["value"] == "52.258379"
    assert inputs["profile-longitude"]["value"] == "6.163521"
    assert inputs["exceptions-0-date"]["value"] == holiday.isoformat()

    saved = client.post("/shop/profile/", form_data(page, "profile-latitude"))
    assert saved.status_code == 302, saved.context and [
        saved.context["profile"].errors,
        saved.context["exceptions"].errors,
    ]
    shop.refresh_from_db()
    assert shop.latitude == Decimal("52.258379")
    assert OpeningHoursException.objects.get(shop=shop).date == holiday


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_product_saved_with_only_its_stock_changed_keeps_its_price(shop_world, language):
    _, record, _, client = shop_world
    page = in_language(client, language).get(f"/shop/products/{record.pk}/").content.decode()
    inputs = read_form(page, "price").inputs
    assert inputs["price"]["value"] == "8.55" and inputs["price"]["type"] == "number"
    data = form_data(page, "price")
    assert data["vat_rate"], "the VAT rate is a select with an option chosen"
    data["num_in_stock"] = ["9"]
    saved = client.post(f"/shop/products/{record.pk}/", data)
    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    record.refresh_from_db()
    assert (record.num_in_stock, record.price) == (9, Decimal("8.55"))
