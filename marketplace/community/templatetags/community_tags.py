"""Hooks of "my town" in other packages' pages, so none of their code imports this package:
the heart button (shop page, shop list), a shop's or product's approved reviews, the
back-in-stock button, and the product's JSON-LD with its rating.

Queries: the reviews come from the cache (one query on a miss, selectors.rating_of); the
favourite shops of a signed-in person are read once per request for all hearts on a page;
nothing is read for anonymous visitors."""

from django import template
from django.utils import translation

from localinfo import jsonld as local_jsonld
from localinfo.records import absolute
from marketplace.language_urls import in_language
from marketplace.storefront.templatetags.storefront_tags import storefront_listing
from shops.jsonld import script_tag

from .. import jsonld, selectors

register = template.Library()


def favourite_ids(request) -> frozenset[int]:
    if request is None or not request.user.is_authenticated:
        return frozenset()
    if not hasattr(request, "_community_favourites"):
        request._community_favourites = selectors.favourite_shop_ids_of(user=request.user)
    return request._community_favourites


@register.inclusion_tag("community/partials/heart.html", takes_context=True)
def favourite_button(context, shop):
    request = context.get("request")
    return {
        "shop": shop,
        "request": request,
        "signed_in": bool(request and request.user.is_authenticated),
        "is_favourite": shop.pk in favourite_ids(request),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("community/partials/reviews.html", takes_context=True)
def shop_reviews(context, shop):
    return {
        "rating": selectors.rating_of(kind="shop", subject_id=shop.pk),
        "review_url_name": "community:review-shop",
        "review_arg": shop.slug,
        "request": context.get("request"),
        "heading_id": "shop-reviews",
    }


@register.inclusion_tag("community/partials/product.html", takes_context=True)
def product_community(context, product, listing=None):
    request = context.get("request")
    listing = listing or storefront_listing(product)
    sold_out = not any(offer.available for offer in listing.offers)
    signed_in = bool(request and request.user.is_authenticated)
    return {
        "product": product,
        "rating": selectors.rating_of(kind="product", subject_id=product.pk),
        "review_url_name": "community:review-product",
        "review_arg": product.pk,
        "heading_id": "product-reviews",
        "request": request,
        "signed_in": signed_in,
        "sold_out": sold_out,
        "alert_open": sold_out
        and signed_in
        and selectors.has_open_alert(user=request.user, product_id=product.pk),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def product_json_ld_rated(product, listing=None, photo=None):
    """localinfo's product JSON-LD (every shop's offer) plus the approved reviews' rating,
    escaped as one <script type="application/ld+json">."""
    listing = listing or storefront_listing(product)
    image = absolute(photo.original.url) if photo is not None and photo.original else None
    url = absolute(in_language(product.get_absolute_url(), translation.get_language()))
    data = local_jsonld.product(listing, url=url, image=image)
    data.update(jsonld.rating_fields(selectors.rating_of(kind="product", subject_id=product.pk)))
    return script_tag(data)
