"""Generated photos for the demo city: a few pictures per category, shared by its products,
and a shop front per shop; deterministic for the seed, with their thumbnails.

Pictures are drawn with Pillow (no files in the repository), saved through the default
storage under names made of the seed, and kept when they are already there, so a second
seed (or every test module's seed) writes no files again. Rows are bulk-inserted; the
thumbnails are made here, not by the save signal (marketplace/thumbnails.py).
"""

import colorsys
import hashlib
import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify
from oscar.core.loading import get_model
from PIL import Image, ImageDraw

from marketplace.models import ImageThumbnails
from marketplace.thumbnails import PRODUCT, SHOP, make_sizes
from shops.models import ShopPhoto

from . import vocabulary as words

ProductImage = get_model("catalogue", "ProductImage")
PICTURES_PER_CATEGORY = 4
PRODUCT_SIZE = (800, 600)
SHOP_SIZE = (900, 600)


def colour(rng: random.Random, lightness: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb(rng.random(), lightness, 0.35 + rng.random() * 0.4)
    return round(red * 255), round(green * 255), round(blue * 255)


def still_life(rng: random.Random) -> Image.Image:
    """A table top with a few objects on it: shapes in the picture's own colours."""
    picture = Image.new("RGB", PRODUCT_SIZE, colour(rng, 0.88))
    draw = ImageDraw.Draw(picture)
    width, height = PRODUCT_SIZE
    draw.rectangle((0, height * 0.68, width, height), fill=colour(rng, 0.6))
    for _ in range(rng.randint(2, 4)):
        w, h = rng.randint(120, 260), rng.randint(140, 320)
        x = rng.randint(40, width - w - 40)
        y = round(height * 0.74) - h
        box = (x, y, x + w, y + h)
        if rng.random() < 0.5:
            draw.rounded_rectangle(box, radius=rng.randint(6, 40), fill=colour(rng, 0.45))
        else:
            draw.ellipse(box, fill=colour(rng, 0.5))
    return picture


def shop_front(rng: random.Random) -> Image.Image:
    """A shop front: wall, awning, door and windows."""
    picture = Image.new("RGB", SHOP_SIZE, colour(rng, 0.75))
    draw = ImageDraw.Draw(picture)
    width, height = SHOP_SIZE
    awning = colour(rng, 0.45)
    for stripe in range(0, width, 60):
        draw.rectangle((stripe, 140, stripe + 30, 210), fill=awning)
    draw.rectangle((0, 210, width, height), fill=colour(rng, 0.35))
    draw.rectangle((60, 260, 380, 540), fill=colour(rng, 0.8))
    draw.rectangle((520, 260, 840, 540), fill=colour(rng, 0.8))
    draw.rectangle((400, 280, 500, height), fill=colour(rng, 0.25))
    draw.rectangle((0, 0, width, 120), fill=colour(rng, 0.55))
    return picture


def stored(name: str, draw) -> tuple[str, Image.Image | None]:
    """The picture at `name`, drawn and saved only when it is not stored yet."""
    if default_storage.exists(name):
        return name, None
    picture = draw()
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=85)
    return default_storage.save(name, ContentFile(data.getvalue())), picture


def with_thumbnails(name: str, picture: Image.Image | None, kind: str) -> None:
    if ImageThumbnails.objects.filter(source=name).exists():
        return
    # A picture stored by an earlier seed has its thumbnails there too (same name, same
    # picture): they are kept, not written again.
    sizes = make_sizes(name, kind, picture=picture, reuse=picture is None)
    ImageThumbnails.objects.create(source=name, sizes=sizes)


def rng_for(seed: int, *parts) -> random.Random:
    return random.Random(":".join(str(part) for part in (seed, *parts)))


def category_pictures(seed: int) -> dict[tuple[str, str], list[str]]:
    pictures = {}
    for kind, (_prefix, _top, subcategories, _vat, _prices) in words.KINDS.items():
        for category in subcategories:
            names = []
            for number in range(PICTURES_PER_CATEGORY):
                rng = rng_for(seed, kind, category, number)
                name = f"demo/{seed}/products/{kind}-{slugify(category)}-{number}.jpg"
                name, picture = stored(name, lambda rng=rng: still_life(rng))
                with_thumbnails(name, picture, PRODUCT)
                names.append(name)
            pictures[(kind, category)] = names
    return pictures


def add_product_photos(city, product_ids: dict[str, int]) -> None:
    """One photo per product without one, picked from its category's pictures."""
    pictures = category_pictures(city.seed)
    with_photo = set(ProductImage.objects.values_list("product_id", flat=True))
    rows = []
    for product in city.products:
        product_id = product_ids[product.upc]
        if product_id in with_photo:
            continue
        choices = pictures[(product.kind, product.category)]
        digest = hashlib.sha256(f"{city.seed}:{product.upc}".encode()).digest()
        rows.append(
            ProductImage(
                product_id=product_id,
                original=choices[digest[0] % len(choices)],
                caption=product.title,
                display_order=0,
            )
        )
    ProductImage.objects.bulk_create(rows, batch_size=2_000)


def add_shop_photos(city, shop_ids: list[int]) -> None:
    """A shop front for each shop without a photo."""
    with_photo = set(ShopPhoto.objects.values_list("shop_id", flat=True))
    rows = []
    for spec, shop_id in zip(city.shops, shop_ids, strict=True):
        if shop_id in with_photo:
            continue
        rng = rng_for(city.seed, spec.slug)
        name = f"demo/{city.seed}/shops/{spec.slug}.jpg"
        name, picture = stored(name, lambda rng=rng: shop_front(rng))
        with_thumbnails(name, picture, SHOP)
        rows.append(ShopPhoto(shop_id=shop_id, image=name, alt=f"Winkelpand van {spec.name}"))
    ShopPhoto.objects.bulk_create(rows)
