"""Search-engine tags for pages outside this app: a product's JSON-LD, canonical links."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join

from marketplace.language_urls import address_in, alternates, in_language
from marketplace.storefront.templatetags.storefront_tags import storefront_listing
from shops.jsonld import script_tag

from .. import jsonld
from ..records import absolute

register = template.Library()


@register.simple_tag
def product_json_ld(product, listing=None, photo=None):
    """<script type="application/ld+json"> of a product with every shop's offer (escaped)."""
    listing = listing or storefront_listing(product)
    image = absolute(photo.original.url) if photo is not None and photo.original else None
    url = absolute(in_language(product.get_absolute_url(), translation.get_language()))
    return script_tag(jsonld.product(listing, url=url, image=image))


@register.simple_tag(takes_context=True)
def canonical_link(context):
    """The page's address on SITE_URL in the language it is shown in, without its query
    (filters, pages, tracking)."""
    request = context.get("request")
    if request is None:
        return ""
    path = address_in(request.path, translation.get_language())
    return format_html('<link rel="canonical" href="{}">', absolute(path))


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang> for each language of a page that has an address per
    language (marketplace/language_urls.py), the Dutch one as x-default; nothing elsewhere."""
    request = context.get("request")
    if request is None:
        return ""
    addresses = alternates(request.path)
    if not addresses:
        return ""
    pairs = [*addresses.items(), ("x-default", addresses[settings.LANGUAGE_CODE])]
    return format_html_join(
        "",
        '<link rel="alternate" hreflang="{}" href="{}">',
        ((code, absolute(path)) for code, path in pairs),
    )
