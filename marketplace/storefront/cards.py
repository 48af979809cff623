"""Product cards rendered once and kept in the cache under a key made of everything a card
shows: the product (title, URL, photo and its thumbnails), each offer (shop, price, units
available, stale feed, pickup time), the language, whether its photo loads lazily and the
card template itself.

A change of price, stock, shop name or pickup time makes another key, so a card is never
shown stale: the storefront shows what is on the shelf the moment the feed says so. Cards
are read in one round trip per page (get_many); without the cache (Redis down reads as a
miss: optional_cache.py) they are rendered as before.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

CARD_TEMPLATE = "oscar/storefront/partials/product_card.html"
CACHE_SECONDS = 60 * 60
_template_version: dict[str, str] = {}


def template_version() -> str:
    """A hash of the card template's source: a deploy that changes it makes new keys."""
    if "card" not in _template_version:
        template = get_template(CARD_TEMPLATE)
        source = getattr(getattr(template, "template", None), "source", "")
        _template_version["card"] = hashlib.sha256(source.encode()).hexdigest()[:12]
    return _template_version["card"]


# The first cards of a page are above the fold: their photos load at once, the rest lazily.
EAGER_CARDS = 4


def photo_facts(product) -> tuple:
    images = product.images.all()  # prefetched with their thumbnails by listings.with_offers
    if not images:
        return ()
    return (images[0].original.name, repr(getattr(images[0], "thumbnails", None)))


def card_key(listing, language: str, version: str, lazy: bool) -> str:
    product = listing.product
    facts = (
        product.pk,
        product.title,
        # What the URL is made of (with the language below): reversing it costs more.
        product.slug,
        photo_facts(product),
        lazy,
        tuple(
            (
                offer.stockrecord_id,
                offer.shop.name,
                offer.shop.url,
                str(offer.price),
                offer.available,
                offer.stale,
                offer.pickup_today_from.isoformat() if offer.pickup_today_from else "",
            )
            for offer in listing.offers
        ),
    )
    digest = hashlib.sha256(repr(facts).encode()).hexdigest()
    return f"storefront:card:{version}:{language}:{digest}"


def rendered_cards(listings) -> list[str]:
    """The HTML of each listing's card, in order."""
    if not listings:
        return []
    template = get_template(CARD_TEMPLATE)
    lazy = [index >= EAGER_CARDS for index in range(len(listings))]
    language, version = get_language(), template_version()
    keys = [
        card_key(listing, language, version, below)
        for listing, below in zip(listings, lazy, strict=True)
    ]
    found = cache.get_many(keys)
    cards, missing = [], {}
    for key, listing, below in zip(keys, listings, lazy, strict=True):
        html = found.get(key)
        if html is None:
            html = template.render({"listing": listing, "lazy": below})
            missing[key] = html
        cards.append(mark_safe(html))  # noqa: S308 (rendered by the template, escaped there)
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return cards
