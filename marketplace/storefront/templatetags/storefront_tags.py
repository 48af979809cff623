from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language
from oscar.core.loading import get_model

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
    """The product's first photo or None, from the prefetched images where the page loaded
    them. Oscar's primary_image would place a placeholder file in MEDIA_ROOT instead."""
    images = product.images.all()
    return images[0] if images else None


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
