"""Photos for the demo city's products: one drawn picture per subcategory (a coloured
card with its name), stored once and shared by its products, so listings show photos
without shipping image files."""

import colorsys
import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

SIZE = (600, 450)


def colour_for(name: str) -> tuple[int, int, int]:
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) / 0xFFFF
    red, green, blue = colorsys.hls_to_rgb(hue, 0.82, 0.45)
    return int(red * 255), int(green * 255), int(blue * 255)


def drawn(name: str) -> bytes:
    image = Image.new("RGB", SIZE, colour_for(name))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    left, top, right, bottom = draw.textbbox((0, 0), name, font=font)
    position = ((SIZE[0] - (right - left)) / 2, (SIZE[1] - (bottom - top)) / 2)
    draw.text(position, name, fill=(40, 40, 40), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def photo_names(categories: set[str]) -> dict[str, str]:
    """Stored file name per subcategory; made once, found again on the next seed."""
    names = {}
    for category in sorted(categories):
        slug = hashlib.sha256(category.encode()).hexdigest()[:12]
        name = f"demo/products/{slug}.png"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(drawn(category)))
        names[category] = name
    return names
