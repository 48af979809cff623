"""Oscar's BasketMiddleware, reading a loaded basket's lines once, with what the pages show.

Oscar asks `basket.is_empty` before applying offers, which counts the lines with a query of
its own (a COUNT), and the page then reads the same lines (the basket page, checkout, an
add to basket all do). Reading the lines first makes the count a length. They are read as
Oscar's `all_lines()` reads them, plus each product's class (Oscar's price and availability
read it, a query per line otherwise) and the photos' thumbnails (the basket lines show
them: marketplace/thumbnails.py). The header's count on other pages does not load the
basket at all (basket_count.py)."""

from django.db.models import Prefetch
from oscar.apps.basket.middleware import BasketMiddleware as OscarBasketMiddleware
from oscar.core.loading import get_model

from marketplace.thumbnails import with_thumbnails

ProductImage = get_model("catalogue", "ProductImage")


def lines_of(basket):
    """Oscar's Basket.all_lines() query, with the product classes and thumbnails."""
    images = with_thumbnails(ProductImage.objects.all(), "original")
    return (
        basket.lines.select_related(
            "product__product_class", "product__parent__product_class", "stockrecord"
        )
        .prefetch_related("attributes", Prefetch("product__images", images))
        .order_by(basket._meta.pk.name)
    )


class BasketMiddleware(OscarBasketMiddleware):
    def apply_offers_to_basket(self, request, basket):
        if basket.id is not None:
            if basket._lines is None:
                basket._lines = lines_of(basket)  # what all_lines() returns from now on
            len(basket.all_lines())  # evaluated: Oscar's count of the lines is its length
        super().apply_offers_to_basket(request, basket)
