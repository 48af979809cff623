"""Reads of the public catalogue: products that an active shop offers."""

from django.db.models import Exists, OuterRef, QuerySet
from oscar.core.loading import get_model

from shops.models import ShopStatus

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

# Matches the index catalogue_product_browse_order (marketplace migration 0003), so a page
# of the catalogue is read in index order instead of sorting every product.
BROWSE_ORDER = ("-priority", "title", "id")


def products_for_storefront(*, category=None) -> QuerySet:
    """Browsable products sold by at least one active shop, optionally within a category tree.

    Nothing is prefetched here: pages add the shops' offers (storefront.listings.with_offers).
    """
    offered = StockRecord.objects.filter(
        product=OuterRef("pk"), partner__shop__status=ShopStatus.ACTIVE
    )
    products = Product.objects.browsable().filter(Exists(offered))
    if category is not None:
        in_tree = ProductCategory.objects.filter(
            product=OuterRef("pk"), category__path__startswith=category.path
        )
        products = products.filter(Exists(in_tree))
    return products.order_by(*BROWSE_ORDER)
