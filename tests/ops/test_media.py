"""Photos uploaded in the shop area are stored through the default storage (an S3-compatible
bucket in production, plain files in the demo) with their thumbnails beside them (made after
the upload's commit, marketplace/thumbnails.py), and pages link the thumbnails under /media/."""

import io
import os
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from oscar.core.loading import get_model
from PIL import Image

from shops.models import ShopPhoto
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner, png_upload
from tests.support.s3 import KEYS

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[2]
EAN = "8712345678906"


def png(width: int, height: int, stem: str) -> SimpleUploadedFile:
    """A PNG with a name no other test or run uses (files outlive the test's database)."""
    return png_upload(f"{stem}-{uuid.uuid4().hex[:10]}.png", (width, height))


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append(dict(attrs))


def images_in(response, **wanted) -> list[dict]:
    """The <img> tags of a page whose attributes include `wanted` (class matches one word)."""
    assert response.status_code == 200
    parser = Images()
    parser.feed(response.content.decode())
    return [
        image
        for image in parser.found
        if all(
            value in image.get(name, "").split() if name == "class" else image.get(name) == value
            for name, value in wanted.items()
        )
    ]


def thumbnail_key(image: dict) -> str:
    """The storage key behind a thumbnail's /media/ link."""
    assert image["src"].startswith("/media/thumbnails/"), image["src"]
    return unquote(image["src"].removeprefix("/media/"))


def size_of(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


@pytest.fixture
def shop_area():
    shop = ShopFactory()
    category = Category.add_root(name="Wonen").add_child(name="Vazen")
    return shop, make_owner(shop), category


def committed():
    """Runs what waits for the commit (making thumbnails, deleting files) at the end of the
    block, as the request's own commit would outside the test's transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def add_product_with_photo(owner, category, upload):
    form = {
        "ean": EAN,
        "title": "Vaas",
        "category": str(category.pk),
        "description": "",
        "price": "25.00",
        "vat_rate": "21.00",
        "num_in_stock": "2",
        "partner_sku": "V-1",
        "image_alt": "Een blauwe vaas",
        "image": upload,
    }
    with committed():
        response = client_for(owner).post("/shop/products/new/", form)
    assert response.status_code == 302, response.context["form"].errors
    return Product.objects.get(upc=EAN)


def test_a_product_photo_is_stored_in_the_bucket_and_shown_as_thumbnails(
    s3_media, shop_area, settings
):
    shop, owner, category = shop_area
    upload = png(800, 600, "vaas")
    product = add_product_with_photo(owner, category, upload)

    photo = product.images.get()
    assert s3_media.read(photo.original.name) == upload.file.getvalue()
    assert not (Path(settings.MEDIA_ROOT) / photo.original.name).exists()
    consumer = client_for(UserFactory())
    [detail] = images_in(consumer.get(product.get_absolute_url()), alt="Een blauwe vaas")
    assert size_of(s3_media.read(thumbnail_key(detail))) == (600, 450)
    assert (detail["width"], detail["height"]) == ("600", "450")
    [card] = images_in(consumer.get(category.get_absolute_url()), **{"class": "product-card-photo"})
    assert size_of(s3_media.read(thumbnail_key(card))) == (400, 300)
    [listed] = images_in(client_for(owner).get("/shop/products/"), **{"class": "offer-photo"})
    assert size_of(s3_media.read(thumbnail_key(listed))) == (80, 60)
    record = product.stockrecords.get()
    assert consumer.post(f"/basket/add-offer/{record.pk}/", {"quantity": "1"}).status_code == 302
    [line] = images_in(consumer.get("/basket/"), **{"class": "basket-line-photo"})
    assert thumbnail_key(line) == thumbnail_key(listed)


def test_a_shop_photo_is_stored_in_the_bucket_with_thumbnails_and_removed_with_them(
    s3_media, shop_area, client
):
    shop, owner, category = shop_area
    upload = png(900, 600, "etalage")
    owner_browser = client_for(owner)
    with committed():
        added = owner_browser.post("/shop/profile/photos/", {"image": upload, "alt": "Etalage"})
    assert added.status_code == 302

    photo = ShopPhoto.objects.get(shop=shop)
    assert s3_media.read(photo.image.name) == upload.file.getvalue()
    [public] = images_in(client.get(shop.get_absolute_url()), alt="Etalage")
    assert size_of(s3_media.read(thumbnail_key(public))) == (330, 220)
    [own] = images_in(owner_browser.get("/shop/profile/"), alt="Etalage")
    assert size_of(s3_media.read(thumbnail_key(own))) == (160, 120)
    doubles = {
        unquote(image["srcset"].split(", ")[1].split()[0].removeprefix("/media/"))
        for image in (public, own)
    }
    assert {size_of(s3_media.read(key)) for key in doubles} == {(660, 440), (320, 240)}
    thumbnails = {thumbnail_key(public), thumbnail_key(own)} | doubles
    assert s3_media.keys() == {photo.image.name} | thumbnails

    with committed():
        owner_browser.post("/shop/profile/photos/", {"delete": str(photo.pk)})
    assert s3_media.keys() == set()


def test_without_a_bucket_photos_and_thumbnails_are_plain_files(
    shop_area, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    shop, owner, category = shop_area
    product = add_product_with_photo(owner, category, png(800, 600, "vaas"))
    with committed():
        client_for(owner).post(
            "/shop/profile/photos/", {"image": png(900, 600, "pand"), "alt": "Pand"}
        )

    assert (tmp_path / product.images.get().original.name).is_file()
    assert (tmp_path / ShopPhoto.objects.get(shop=shop).image.name).is_file()
    [detail] = images_in(client.get(product.get_absolute_url()), alt="Een blauwe vaas")
    assert size_of((tmp_path / thumbnail_key(detail)).read_bytes()) == (600, 450)
    [public] = images_in(client.get(shop.get_absolute_url()), alt="Pand")
    assert size_of((tmp_path / thumbnail_key(public)).read_bytes()) == (330, 220)


@pytest.fixture(params=["files", "bucket"])
def media(request, settings, tmp_path):
    if request.param == "bucket":
        request.getfixturevalue("s3_media")
    else:
        settings.MEDIA_ROOT = tmp_path


def test_a_missing_or_broken_photo_leaves_the_pages_working_without_it(media, shop_area, client):
    from django.core.files.storage import default_storage

    shop, owner, category = shop_area
    offer = make_offer(shop, title="Kan")
    ProductCategory.objects.create(product=offer.product, category=category)
    broken = default_storage.save(f"images/broken-{uuid.uuid4().hex}.jpg", ContentFile(b"no"))
    missing = f"shops/missing-{uuid.uuid4().hex}.jpg"
    with committed():  # the thumbnail task finds no image in either
        ProductImage.objects.create(product=offer.product, original=broken, caption="Kapot")
        ShopPhoto.objects.create(shop=shop, image=missing, alt="Weg")

    assert images_in(client.get(offer.product.get_absolute_url()), alt="Kapot") == []
    assert (
        images_in(client.get(category.get_absolute_url()), **{"class": "product-card-photo"}) == []
    )
    assert images_in(client.get(shop.get_absolute_url()), alt="Weg") == []
    profile = client_for(owner).get("/shop/profile/")
    assert images_in(profile, alt="Weg") == [] and "Weg" in profile.content.decode()
    assert images_in(client_for(owner).get("/shop/products/"), **{"class": "offer-photo"}) == []


def settings_in_production(**environment) -> str:
    """What the production settings make of the environment: the default storage's class,
    and the name and link of a file saved through it."""
    code = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as media\n"
        "name = media.save('shops/probe.txt', ContentFile(b'probe'))\n"
        "print(type(media._wrapped).__name__, name, media.url(name))\n"
    )
    base = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
            "DJANGO_SECRET_KEY": "media-test-key",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_production_settings_store_media_in_the_bucket_the_environment_names(s3_media, tmp_path):
    bucket = {
        "AWS_STORAGE_BUCKET_NAME": s3_media.name,
        "AWS_S3_ENDPOINT_URL": s3_media.endpoint_url,
        "AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
    }
    assert settings_in_production(**bucket) == "MediaStorage shops/probe.txt /media/shops/probe.txt"
    assert s3_media.read("shops/probe.txt") == b"probe"
    kind, second, link = settings_in_production(**bucket).split()
    assert second != "shops/probe.txt" and link == f"/media/{second}", "never overwritten"
    assert s3_media.read("shops/probe.txt") == b"probe"

    plain = settings_in_production(MEDIA_ROOT=str(tmp_path))
    assert plain == "FileSystemStorage shops/probe.txt /media/shops/probe.txt"
    assert (tmp_path / "shops/probe.txt").read_bytes() == b"probe"
