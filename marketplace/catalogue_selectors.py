"""Reads of the public catalogue: products that an active shop offers."""

from django.db.models import Exists, OuterRef, QuerySet
from oscar.core.loading import get_model

from shops.models import ShopStatus

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")


def products_for_storefront(*, category=None) -> QuerySet:
    """Browsable products sold by at least one active shop, optionally within a category tree."""
    offered = StockRecord.objects.filter(
        product=OuterRef("pk"), partner__shop__status=ShopStatus.ACTIVE
    )
    products = Product.objects.browsable().base_queryset().filter(Exists(offered))
    if category is not None:
        in_tree = ProductCategory.objects.filter(
            product=OuterRef("pk"), category__in=category.get_descendants_and_self()
        )
        products = products.filter(Exists(in_tree))
    return products.order_by("-priority", "title", "id")
