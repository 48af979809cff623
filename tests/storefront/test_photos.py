"""Thumbnails are made once when a photo is stored (marketplace/thumbnails.py), in the
default storage, in the sizes the pages show; pages read them with the photos' own query,
and a changed photo gets new thumbnails while the old ones go."""

import io
import uuid

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import TestCase
from oscar.core.loading import get_model
from PIL import Image

from marketplace.demo_city import photos as demo_photos
from marketplace.models import ImageThumbnails
from marketplace.thumbnails import make_thumbnails
from shops.models import ShopPhoto
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer, make_owner, png_upload
from tests.ops.test_media import images_in
from tests.support.s3 import s3_endpoint, s3_media  # noqa: F401 (the bucket case of `media`)

pytestmark = pytest.mark.django_db
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")


@pytest.fixture(params=["files", "bucket"])
def media(request, settings, tmp_path):
    """Plain files (the demo) or a real local S3 server (production)."""
    if request.param == "bucket":
        request.getfixturevalue("s3_media")
    else:
        settings.MEDIA_ROOT = tmp_path


def committed():
    """Runs what waits for the commit (the thumbnail task, deleting files), as the request's
    own commit would outside the test's transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def upload(width: int, height: int):
    return png_upload(f"photo-{uuid.uuid4().hex[:10]}.png", (width, height))


def stored_size(name: str) -> tuple[int, int]:
    with default_storage.open(name, "rb") as stored:
        return Image.open(io.BytesIO(stored.read())).size


def sizes_of(source: str) -> dict:
    return {
        purpose: [(entry["width"], entry["height"]) for entry in entries]
        for purpose, entries in ImageThumbnails.objects.get(source=source).sizes.items()
    }


def thumbnail_files(source: str) -> set[str]:
    sizes = ImageThumbnails.objects.get(source=source).sizes
    return {entry["name"] for entries in sizes.values() for entry in entries}


@pytest.fixture
def vase():
    shop = ShopFactory()
    offer = make_offer(shop, title="Vaas")
    category = Category.add_root(name="Wonen")
    ProductCategory.objects.create(product=offer.product, category=category)
    return shop, offer, category


def test_thumbnails_are_stored_in_the_sizes_the_pages_show(media, vase):
    shop, offer, category = vase
    with committed():
        image = ProductImage.objects.create(product=offer.product, original=upload(1000, 800))
        photo = ShopPhoto.objects.create(shop=shop, image=upload(500, 300), alt="Pand")

    assert sizes_of(image.original.name) == {
        "card": [(375, 300), (750, 600)],
        "detail": [(600, 480), (1000, 800)],  # 2x would be larger than the original
        "line": [(80, 64), (160, 128)],
    }
    assert sizes_of(photo.image.name) == {
        "shop": [(330, 220), (450, 300)],  # cut to 3:2, the 2x no larger than the original
        "profile": [(160, 120), (320, 240)],
    }
    for source in (image.original.name, photo.image.name):
        for entries in ImageThumbnails.objects.get(source=source).sizes.values():
            for entry in entries:
                assert entry["name"].startswith("thumbnails/")
                assert stored_size(entry["name"]) == (entry["width"], entry["height"])


def test_pages_show_the_thumbnails_with_their_size_and_srcset(media, vase, client):
    shop, offer, category = vase
    with committed():
        ProductImage.objects.create(
            product=offer.product, original=upload(1000, 800), caption="Blauwe vaas"
        )
    [card] = images_in(client.get(category.get_absolute_url()), **{"class": "product-card-photo"})
    assert (card["width"], card["height"]) == ("375", "300")
    small, large = card["srcset"].split(", ")
    assert small == f"{card['src']} 1x" and large.endswith(" 2x")
    assert "loading" not in card, "the first cards are above the fold"
    [detail] = images_in(client.get(offer.product.get_absolute_url()), alt="Blauwe vaas")
    assert (detail["width"], detail["height"]) == ("600", "480")
    assert detail["srcset"].endswith(" 1.66667x")
    for image in (card, detail):
        name = image["src"].removeprefix("/media/")
        assert default_storage.exists(name)


def test_cards_below_the_fold_load_lazily(vase, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop, offer, category = vase
    with committed():
        ProductImage.objects.create(product=offer.product, original=upload(400, 300))
        for number in range(6):
            extra = make_offer(shop, title=f"Vaas {number}")
            ProductCategory.objects.create(product=extra.product, category=category)
            ProductImage.objects.create(product=extra.product, original=upload(400, 300))
    cards = images_in(client.get(category.get_absolute_url()), **{"class": "product-card-photo"})
    assert [card.get("loading") for card in cards] == [None] * 4 + ["lazy"] * 3


def test_a_changed_photo_gets_new_thumbnails_and_the_old_ones_go(media, vase, client):
    shop, offer, category = vase
    owner = make_owner(shop)
    with committed():
        image = ProductImage.objects.create(product=offer.product, original=upload(800, 600))
    old_source, old_files = image.original.name, thumbnail_files(image.original.name)
    [before] = images_in(client.get(category.get_absolute_url()), **{"class": "product-card-photo"})

    form = {
        "price": "10.00",
        "vat_rate": "21.00",
        "num_in_stock": "10",
        "partner_sku": offer.partner_sku,
        "product-title": "Vaas",
        "product-description": "",
        "product-image": upload(600, 900),
        "product-image_alt": "Staande vaas",
    }
    with committed():
        saved = client_for(owner).post(f"/shop/products/{offer.pk}/", form)
    assert saved.status_code == 302

    image.refresh_from_db()
    assert image.original.name != old_source and image.caption == "Staande vaas"
    assert sizes_of(image.original.name)["card"] == [(200, 300), (400, 600)]
    assert not ImageThumbnails.objects.filter(source=old_source).exists()
    assert not any(default_storage.exists(name) for name in [old_source, *old_files])
    # The card was cached with the old photo; its key names the photo, so it is redrawn.
    [after] = images_in(client.get(category.get_absolute_url()), **{"class": "product-card-photo"})
    assert after["src"] != before["src"] and (after["width"], after["height"]) == ("200", "300")
    assert stored_size(after["src"].removeprefix("/media/")) == (200, 300)


def test_a_shared_picture_stays_until_no_photo_uses_it(vase, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop, offer, category = vase
    other = make_offer(shop, title="Kan")
    with committed():
        first = ProductImage.objects.create(product=offer.product, original=upload(400, 300))
        second = ProductImage.objects.create(product=other.product, original=first.original.name)
    source = first.original.name
    files = thumbnail_files(source)
    with committed():
        first.delete()
    assert all(default_storage.exists(name) for name in [source, *files])
    with committed():
        second.delete()
    assert not any(default_storage.exists(name) for name in [source, *files])
    assert not ImageThumbnails.objects.filter(source=source).exists()


def test_a_thumbnail_task_run_twice_makes_them_once(vase, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop, offer, category = vase
    with committed():
        image = ProductImage.objects.create(product=offer.product, original=upload(400, 300))
    before = {name: stored_size(name) for name in thumbnail_files(image.original.name)}
    make_thumbnails(image.original.name, "product")  # the outbox may deliver it again
    assert ImageThumbnails.objects.filter(source=image.original.name).count() == 1
    assert {name: stored_size(name) for name in thumbnail_files(image.original.name)} == before
    assert len(list((tmp_path / "thumbnails").rglob("*.jpg"))) == len(before)


def test_a_page_of_photos_costs_the_queries_of_a_page_without(
    vase, client, settings, tmp_path, django_assert_max_num_queries
):
    """Cold cache each time: no query per photo, whatever the number of cards."""
    settings.MEDIA_ROOT = tmp_path
    shop, offer, category = vase
    for number in range(11):
        extra = make_offer(shop, title=f"Vaas {number}")
        ProductCategory.objects.create(product=extra.product, category=category)
    url = category.get_absolute_url()
    cache.clear()
    client.get(url)
    cache.clear()
    with django_assert_max_num_queries(50) as without:
        client.get(url)
    with committed():
        for product_category in ProductCategory.objects.filter(category=category):
            ProductImage.objects.create(
                product_id=product_category.product_id, original=upload(400, 300)
            )
    cache.clear()
    with django_assert_max_num_queries(50) as with_photos:
        response = client.get(url)
    assert len(images_in(response, **{"class": "product-card-photo"})) == 12
    assert len(with_photos.captured_queries) == len(without.captured_queries)


def test_demo_pictures_are_the_same_for_the_same_seed():
    def picture(seed):
        return demo_photos.still_life(demo_photos.rng_for(seed, "books", "Romans", 0)).tobytes()

    assert picture(1) == picture(1)
    assert picture(1) != picture(2)
    front = demo_photos.shop_front(demo_photos.rng_for(1, "boekhandel-1"))
    assert front.size == demo_photos.SHOP_SIZE


def test_a_hostile_alt_text_is_escaped_in_the_photo_tag(vase, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop, offer, category = vase
    hostile = '"><script>alert(1)</script>'
    with committed():
        ShopPhoto.objects.create(shop=shop, image=upload(500, 300), alt=hostile)
    body = client.get(shop.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in body
