from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from oscar.core.loading import get_model

from marketplace.thumbnails import attach_thumbnails, thumbnails_of, with_thumbnails
from shops.models import ShopStatus

from ..listings import Listing, offer_of
from ..shop_facts import shop_facts_for_storefront

register = template.Library()
StockRecord = get_model("partner", "StockRecord")


@register.simple_tag
def storefront_listing(product) -> Listing:
    """Every active shop that sells the product, cheapest first: one query plus the cached
    shop facts (open now, pick up today, stale feed)."""
    facts = shop_facts_for_storefront()
    records = StockRecord.objects.filter(
        product=product, partner__shop__status=ShopStatus.ACTIVE
    ).order_by("price", "id")
    offers = (offer_of(record, facts) for record in records)
    return Listing(product=product, offers=[offer for offer in offers if offer is not None])


@register.simple_tag
def product_photo(product):
    """The product's first photo or None, with its thumbnails: from the images the page
    prefetched (listings.with_offers), else one query. Oscar's primary_image would place a
    placeholder file in MEDIA_ROOT instead."""
    if "images" in getattr(product, "_prefetched_objects_cache", {}):
        images = product.images.all()
        attach_thumbnails(images[:1], "original")
        return images[0] if images else None
    return with_thumbnails(product.images.all(), "original").first()


@register.simple_tag
def photo_img(photo, purpose, alt="", css="", lazy=False):
    """An <img> of the photo's thumbnail for `purpose` (marketplace/thumbnails.py) with its
    width, height and a srcset for high-density screens; nothing while the thumbnails are
    not made or the file is no image. `lazy` for photos below the fold."""
    field = "original" if hasattr(photo, "original") else "image"
    sizes = (thumbnails_of(photo, field) or {}).get(purpose) if photo else None
    if not sizes:
        return ""
    base = sizes[0]
    srcset = ", ".join(
        f"{default_storage.url(size['name'])} {size['width'] / base['width']:g}x" for size in sizes
    )
    return format_html(
        '<img src="{}" srcset="{}" width="{}" height="{}" alt="{}" class="{}"{}>',
        default_storage.url(base["name"]),
        srcset,
        base["width"],
        base["height"],
        alt,
        css,
        mark_safe(' loading="lazy" decoding="async"') if lazy else "",  # noqa: S308
    )


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current URL with another page number, keeping the other parameters."""
    params = context["request"].GET.copy()
    params["page"] = number
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def basket_item_count(context) -> int:
    """The number of items in the visitor's basket, for the header (one query at most)."""
    from ..basket_count import basket_item_count as count

    request = context.get("request")
    return count(request) if request is not None else 0


@register.simple_tag
def product_cards(listings) -> list:
    """The cards of `listings` (storefront.cards: cached by what they show)."""
    from ..cards import rendered_cards

    return rendered_cards(list(listings))


# Frame fragments that depend on nothing but the language and what is passed to the tag.
_fragments: dict[tuple, str] = {}
FRAGMENTS_MAX = 256


@register.simple_tag(takes_context=True)
def shared_fragment(context, template_name: str, *vary):
    """The template rendered once per process for each language and `vary` (the header's
    menu: what kind of user sees it; the footer: nothing more), then reused: these parts
    of the frame cost a dozen URL reversals and translations on every page. The template
    must show nothing else of the request or user. DEBUG renders every time (edits show)."""
    if settings.DEBUG:
        return context.template.engine.get_template(template_name).render(context)
    key = (template_name, get_language(), *vary)
    html = _fragments.get(key)
    if html is None:
        html = context.template.engine.get_template(template_name).render(context)
        if len(_fragments) >= FRAGMENTS_MAX:
            _fragments.clear()
        _fragments[key] = html
    return html


@receiver(setting_changed)
def forget_fragments(**kwargs) -> None:
    """Branding, static storage or URLs changed (tests do that): render the frame anew."""
    _fragments.clear()
