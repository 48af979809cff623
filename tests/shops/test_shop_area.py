"""A shop keeps its products, stock, profile and hours in /shop/, and only its own."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from shops.models import OpeningHours, OpeningHoursException
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer, make_owner, png_upload

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    shop = ShopFactory()
    return shop, make_owner(shop), make_offer(shop, price="19.95", on_hand=4, title="Roman")


@pytest.fixture
def category():
    root = Category.add_root(name="Boeken")
    return root.add_child(name="Romans")


def test_lists_only_its_own_offers(books):
    shop, owner, novel = books
    other = make_offer(ShopFactory(), title="Andermans boek")
    page = client_for(owner).get("/shop/products/")
    assert [offer.pk for offer in page.context["offers"]] == [novel.pk]
    assert "Andermans boek" not in page.content.decode()
    assert client_for(owner).get(f"/shop/products/{other.pk}/").status_code == 404


def test_edits_price_vat_and_stock_of_its_offer(books):
    shop, owner, novel = books
    response = client_for(owner).post(
        f"/shop/products/{novel.pk}/",
        {
            "price": "17.50",
            "vat_rate": "9.00",
            "num_in_stock": "7",
            "partner_sku": "R-1",
            "product-title": "Roman (pocket)",
            "product-description": "",
        },
    )
    assert response.status_code == 302
    novel.refresh_from_db()
    assert (novel.price, novel.vat_rate, novel.num_in_stock, novel.partner_sku) == (
        Decimal("17.50"),
        Decimal("9.00"),
        7,
        "R-1",
    )
    assert Product.objects.get(pk=novel.product_id).title == "Roman (pocket)"


def test_a_shared_products_details_stay_put_and_bad_input_changes_nothing(books):
    shop, owner, novel = books
    rival = make_offer(ShopFactory(), title="x")
    rival.product = novel.product
    rival.save()
    client = client_for(owner)
    form = {"price": "18.00", "vat_rate": "9.00", "num_in_stock": "3", "partner_sku": "R-2"}
    client.post(f"/shop/products/{novel.pk}/", {**form, "product-title": "Hijacked"})
    assert Product.objects.get(pk=novel.product_id).title == "Roman"
    response = client.post(f"/shop/products/{novel.pk}/", {**form, "price": "-1"})
    assert response.status_code == 200
    assert "price" in response.context["form"].errors
    novel.refresh_from_db()
    assert novel.price == Decimal("18.00")


def test_adds_a_product_with_a_valid_ean_or_joins_the_existing_one(books, category):
    shop, owner, novel = books
    client = client_for(owner)
    form = {
        "ean": "9789012345675",
        "title": "Nieuw boek",
        "category": str(category.pk),
        "description": "",
        "price": "12.50",
        "vat_rate": "9.00",
        "num_in_stock": "5",
        "partner_sku": "NB-1",
    }
    bad = client.post("/shop/products/new/", {**form, "ean": "9789012345670"})
    assert "not a valid EAN-13" in bad.content.decode()
    assert not Product.objects.filter(upc__startswith="97890123456").exists()
    created = client.post("/shop/products/new/", form)
    assert created.status_code == 302, created.context["form"].errors
    product = Product.objects.get(upc="9789012345675")
    assert list(product.categories.all()) == [category]
    assert StockRecord.objects.get(product=product).partner_id == shop.partner_id

    other_shop = ShopFactory()
    other_owner = make_owner(other_shop)
    client_for(other_owner).post(
        "/shop/products/new/", {**form, "title": "Ander", "partner_sku": "X"}
    )
    assert Product.objects.filter(upc="9789012345675").count() == 1
    assert product.stockrecords.count() == 2
    assert Product.objects.get(pk=product.pk).title == "Nieuw boek"
    again = client.post("/shop/products/new/", {**form, "partner_sku": "NB-2"})
    assert "You already sell EAN 9789012345675" in again.content.decode()


def test_profile_hours_and_exceptions_save_together_or_not_at_all(books):
    shop, owner, novel = books
    client = client_for(owner)
    form = profile_form(shop)
    form.update({"hours-2-opens_again": "13:00", "hours-2-closes_again": "17:30"})
    form.update({"hours-2-closes": "12:00"})
    form.update(
        {
            "exceptions-0-date": "2026-12-31",
            "exceptions-0-closed": "on",
            "exceptions-0-reason": "Oud",
        }
    )
    saved = client.post("/shop/profile/", form)
    assert saved.status_code == 302, [
        (f.errors, f.non_field_errors()) for f in saved.context["hours"].forms
    ][-1:] + [saved.context["profile"].errors, saved.context["exceptions"].errors]
    wednesday = OpeningHours.objects.filter(shop=shop, weekday=2).order_by("opens")
    assert [(p.opens.hour, p.closes.hour) for p in wednesday] == [(9, 12), (13, 17)]
    assert not OpeningHours.objects.filter(shop=shop, weekday=6).exists()
    assert OpeningHoursException.objects.get(shop=shop).reason == "Oud"

    before = list(OpeningHours.objects.filter(shop=shop).values_list("weekday", "opens", "closes"))
    broken = {**profile_form(shop), "hours-0-closes": "08:00", "profile-safety_buffer": "2"}
    response = client.post("/shop/profile/", broken)
    assert response.status_code == 200
    assert "Closing time must be after opening time." in response.content.decode()
    after = list(OpeningHours.objects.filter(shop=shop).values_list("weekday", "opens", "closes"))
    assert after == before
    shop.refresh_from_db()
    assert shop.safety_buffer == 0


@pytest.mark.parametrize("cut", ["hours", "hours-TOTAL_FORMS"])
def test_a_profile_post_without_the_weeks_rows_is_refused_and_saves_nothing(books, cut):
    shop, owner, _ = books
    form = {**profile_form(shop), "profile-safety_buffer": "3"}
    if cut == "hours":
        form = {key: value for key, value in form.items() if not key.startswith("hours-")}
    else:
        form["hours-TOTAL_FORMS"] = "3"
    response = client_for(owner).post("/shop/profile/", form)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert len(response.context["days"]) == 7
    shop.refresh_from_db()
    assert shop.safety_buffer == 0


def profile_form(shop) -> dict:
    form = {
        "profile-description": "",
        "profile-pickup_instructions": "Bel aan",
        "profile-phone": "",
        "profile-email": "",
        "profile-website": "",
        "profile-street": shop.street,
        "profile-postcode": shop.postcode,
        "profile-city": shop.city,
        "profile-latitude": "52.255100",
        "profile-longitude": "6.159900",
        "profile-safety_buffer": "0",
        "profile-return_days": "14",
        "hours-TOTAL_FORMS": "7",
        "hours-INITIAL_FORMS": "7",
        "hours-MIN_NUM_FORMS": "7",
        "hours-MAX_NUM_FORMS": "7",
        "exceptions-TOTAL_FORMS": "2",
        "exceptions-INITIAL_FORMS": "0",
        "exceptions-MIN_NUM_FORMS": "0",
        "exceptions-MAX_NUM_FORMS": "1000",
    }
    for day in range(6):
        form.update({f"hours-{day}-open": "on", f"hours-{day}-opens": "09:00"})
        form[f"hours-{day}-closes"] = "18:00"
    return form


def test_consumers_are_refused_the_shop_area():
    from tests.factories import UserFactory

    assert client_for(UserFactory()).get("/shop/products/").status_code == 403


def test_a_new_product_gets_its_photo_and_a_non_image_is_refused(books, category):
    from django.core.files.uploadedfile import SimpleUploadedFile

    shop, owner, novel = books
    client = client_for(owner)
    form = {
        "ean": "8712345678906",
        "title": "Vaas",
        "category": str(category.pk),
        "description": "",
        "price": "25.00",
        "vat_rate": "21.00",
        "num_in_stock": "2",
        "partner_sku": "V-1",
        "image_alt": "Een blauwe vaas",
    }
    fake = SimpleUploadedFile("vaas.png", b"not an image", content_type="image/png")
    refused = client.post("/shop/products/new/", {**form, "image": fake})
    assert "image" in refused.context["form"].errors
    assert not Product.objects.filter(upc="8712345678906").exists()
    assert client.post("/shop/products/new/", {**form, "image": png_upload()}).status_code == 302
    [photo] = Product.objects.get(upc="8712345678906").images.all()
    assert photo.caption == "Een blauwe vaas"
    assert photo.original.width == 40


def test_photos_of_the_shop_are_added_with_alt_text_and_removed_only_by_the_shop(
    books, django_capture_on_commit_callbacks
):
    from shops.models import ShopPhoto

    shop, owner, novel = books
    client = client_for(owner)
    refused = client.post("/shop/profile/photos/", {"image": png_upload()})
    assert refused.status_code == 400 and ShopPhoto.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):  # its thumbnails are made then
        added = client.post("/shop/profile/photos/", {"image": png_upload(), "alt": "Etalage"})
    assert added.status_code == 302
    photo = ShopPhoto.objects.get(shop=shop)
    page = client.get("/shop/profile/").content.decode()
    assert 'alt="Etalage"' in page and "vendor/leaflet/leaflet.js" in page
    other = client_for(make_owner(ShopFactory()))
    assert other.post("/shop/profile/photos/", {"delete": str(photo.pk)}).status_code == 404
    assert other.post("/shop/profile/photos/", {"delete": "x"}).status_code == 404
    assert ShopPhoto.objects.filter(pk=photo.pk).exists()
    client.post("/shop/profile/photos/", {"delete": str(photo.pk)})
    assert not ShopPhoto.objects.exists()


def test_the_public_shop_page_shows_its_photos(books, client, django_capture_on_commit_callbacks):
    from shops.models import ShopPhoto

    shop, owner, novel = books
    with django_capture_on_commit_callbacks(execute=True):  # its thumbnails are made then
        ShopPhoto.objects.create(shop=shop, image=png_upload(), alt="Onze etalage")
    page = client.get(shop.get_absolute_url()).content.decode()
    assert 'alt="Onze etalage"' in page
