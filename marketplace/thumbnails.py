"""Thumbnails made once, when a photo is stored, and read with the photo's own row.

When a product image or a shop photo is saved with a new file, a task (through the outbox,
after the commit) writes its thumbnails to the default storage (the bucket in production,
MEDIA_ROOT in the demo) and records their names and sizes in one ImageThumbnails row keyed
by the original's storage name. Pages load that row as an annotation of the query that
loads the photos (`with_thumbnails`), so a page of N cards costs no query per photo, cold
cache or not. A photo whose thumbnails are not made yet, or whose file is missing or
broken, shows no picture; the page still works.

A changed file gets a new row and new thumbnails; the old file and its thumbnails are
deleted once no photo uses that file any more (demo products share pictures).
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from functools import partial

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from oscar.core.loading import get_model
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)
PRODUCT = "product"
SHOP = "shop"
PREFIX = "thumbnails"
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    crop: bool  # fill the box and cut the rest (shop photos), else fit inside it


# Each purpose at 1x and 2x (for high-density screens, as srcset); never larger than the
# original, so a small original gives fewer variants.
PURPOSES = {
    PRODUCT: {
        "card": (Size(400, 300, False), Size(800, 600, False)),
        "detail": (Size(600, 600, False), Size(1200, 1200, False)),
        "line": (Size(80, 80, False), Size(160, 160, False)),
    },
    SHOP: {
        "shop": (Size(330, 220, True), Size(660, 440, True)),
        "profile": (Size(160, 120, True), Size(320, 240, True)),
    },
}


def target(original: tuple[int, int], size: Size) -> tuple[int, int]:
    width, height = original
    if size.crop:
        scale = min(1.0, width / size.width, height / size.height)
        return max(1, round(size.width * scale)), max(1, round(size.height * scale))
    scale = min(1.0, size.width / width, size.height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def folder_for(source: str) -> str:
    digest = hashlib.sha256(source.encode()).hexdigest()
    return f"{PREFIX}/{digest[:2]}/{digest[2:16]}"


def render(picture: Image.Image, box: tuple[int, int], crop: bool) -> bytes:
    if crop:
        resized = ImageOps.fit(picture, box, Image.Resampling.LANCZOS)
    elif box == picture.size:
        resized = picture
    else:
        resized = picture.resize(box, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    resized.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True)
    return out.getvalue()


def opened(source: str) -> Image.Image | None:
    try:
        with default_storage.open(source, "rb") as stored:
            picture = Image.open(io.BytesIO(stored.read()))
            picture.load()
    except (OSError, UnidentifiedImageError, ValueError) as error:
        logger.warning("no thumbnails for %s: %s", source, error)
        return None
    picture = ImageOps.exif_transpose(picture)
    if picture.mode != "RGB":
        flat = Image.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A") if "A" in picture.getbands() else None)
        picture = flat
    return picture


def make_sizes(source: str, kind: str, *, picture: Image.Image | None = None, reuse=False) -> dict:
    """Writes the thumbnails of `source` and returns {purpose: [{name, width, height}, ...]}
    (1x first); {} when the file is missing or not an image. `reuse`: keep thumbnail files
    already at their names (the demo city's pictures, the same for the same name)."""
    picture = picture or opened(source)
    if picture is None:
        return {}
    folder, written, sizes = folder_for(source), {}, {}
    for purpose, variants in PURPOSES[kind].items():
        entries = []
        for size in variants:
            box = target(picture.size, size)
            if any((e["width"], e["height"]) == box for e in entries):
                continue  # the original is too small for this density
            tag = (box, size.crop)
            if tag not in written:
                name = f"{folder}/{box[0]}x{box[1]}{'c' if size.crop else ''}.jpg"
                if reuse and default_storage.exists(name):
                    written[tag] = name
                else:
                    thumb = ContentFile(render(picture, box, size.crop))
                    written[tag] = default_storage.save(name, thumb)
            entries.append({"name": written[tag], "width": box[0], "height": box[1]})
        sizes[purpose] = entries
    return sizes


def thumbnails_model():
    from marketplace.models import ImageThumbnails

    return ImageThumbnails


@shared_task
def make_thumbnails(source: str, kind: str) -> None:
    """Makes the thumbnails of one stored file, once: safe to run twice (the outbox)."""
    ImageThumbnails = thumbnails_model()
    if not source or ImageThumbnails.objects.filter(source=source).exists():
        return
    sizes = make_sizes(source, kind)
    _, created = ImageThumbnails.objects.get_or_create(source=source, defaults={"sizes": sizes})
    if not created:  # another run got there first: its files are the ones recorded
        delete_files(sizes)


def delete_files(sizes: dict) -> None:
    for name in {entry["name"] for entries in sizes.values() for entry in entries}:
        default_storage.delete(name)


def in_use(source: str) -> bool:
    ProductImage = get_model("catalogue", "ProductImage")
    from shops.models import ShopPhoto

    return (
        ProductImage.objects.filter(original=source).exists()
        or ShopPhoto.objects.filter(image=source).exists()
    )


def forget(source: str) -> None:
    """Deletes a file no photo uses any more, with its thumbnails."""
    if not source or in_use(source):
        return
    ImageThumbnails = thumbnails_model()
    for row in ImageThumbnails.objects.filter(source=source):
        delete_files(row.sizes)
        row.delete()
    default_storage.delete(source)


def with_thumbnails(photos, field: str):
    """Annotates a query of photos with their thumbnails (`thumbnails`, None until made):
    one join, no query per photo."""
    rows = thumbnails_model().objects.filter(source=OuterRef(field)).values("sizes")[:1]
    return photos.annotate(thumbnails=Subquery(rows))


def thumbnails_of(photo, field: str) -> dict | None:
    """The photo's thumbnails: annotated by `with_thumbnails`, else one query."""
    if hasattr(photo, "thumbnails"):
        return photo.thumbnails
    row = thumbnails_model().objects.filter(source=getattr(photo, field).name).first()
    return row.sizes if row else None


# --- keeping them in step with the photos ---------------------------------------------
FIELDS = {PRODUCT: "original", SHOP: "image"}


def remember_old_name(sender, instance, kind: str, **kwargs) -> None:
    field = FIELDS[kind]
    old = ""
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first() or ""
    instance._thumbnail_source_before = old


def photo_saved(sender, instance, kind: str, **kwargs) -> None:
    from marketplace.outbox import enqueue

    name = getattr(instance, FIELDS[kind]).name or ""
    old = getattr(instance, "_thumbnail_source_before", "")
    if name and name != old:
        enqueue(make_thumbnails, name, kind)
    if old and old != name:
        transaction.on_commit(partial(forget, old))


def photo_deleted(sender, instance, kind: str, **kwargs) -> None:
    # After the commit, and only when no other photo uses the file (demo products share
    # pictures; OSCAR_DELETE_IMAGE_FILES is off for that reason).
    transaction.on_commit(partial(forget, getattr(instance, FIELDS[kind]).name or ""))


def connect() -> None:
    from shops.models import ShopPhoto

    ProductImage = get_model("catalogue", "ProductImage")
    for model, kind in ((ProductImage, PRODUCT), (ShopPhoto, SHOP)):
        uid = f"thumbnails-{kind}"
        pre_save.connect(
            partial(remember_old_name, kind=kind), sender=model, weak=False, dispatch_uid=uid
        )
        post_save.connect(
            partial(photo_saved, kind=kind), sender=model, weak=False, dispatch_uid=uid
        )
        post_delete.connect(
            partial(photo_deleted, kind=kind), sender=model, weak=False, dispatch_uid=uid
        )


def attach_thumbnails(photos, field: str) -> None:
    """Sets `thumbnails` on photos loaded without `with_thumbnails` (Oscar's basket lines
    prefetch the images themselves): one query for all of them."""
    photos = [photo for photo in photos if not hasattr(photo, "thumbnails")]
    names = {getattr(photo, field).name for photo in photos}
    if not names:
        return
    found = dict(thumbnails_model().objects.filter(source__in=names).values_list("source", "sizes"))
    for photo in photos:
        photo.thumbnails = found.get(getattr(photo, field).name)
