"""A page of products with the shops that sell each: price, stock, pick up today.

One query loads the stock records of every product on the page, one their photos with their
thumbnails (marketplace/thumbnails.py); shop names,
hours and staleness come from the cached shop facts. So a page of 1 or 100 products costs
the same number of queries.
"""

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from django.db.models import Prefetch
from oscar.core.loading import get_model

from inventory_sync.availability import available_online
from marketplace.thumbnails import with_thumbnails
from shops.models import ShopStatus

from .shop_facts import ShopFacts

StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")
OFFERS_ATTRIBUTE = "storefront_offers"


@dataclass(frozen=True)
class Offer:
    """One shop's offer of a product, as the storefront shows it."""

    stockrecord_id: int
    shop: ShopFacts
    price: Decimal
    available: int
    # The shop's POS feed is older than its limit: say "to be confirmed", not a count.
    stale: bool

    @property
    def pickup_today_from(self) -> time | None:
        if self.available and not self.stale:
            return self.shop.pickup_today_from
        return None


@dataclass
class Listing:
    product: object
    offers: list[Offer] = field(default_factory=list)

    @property
    def from_price(self) -> Decimal | None:
        return min((offer.price for offer in self.offers), default=None)

    @property
    def pickup_today(self) -> list[Offer]:
        return [offer for offer in self.offers if offer.pickup_today_from]

    @property
    def earliest_pickup(self) -> Offer | None:
        return min(self.pickup_today, key=lambda offer: offer.pickup_today_from, default=None)

    @property
    def in_stock(self) -> bool:
        return any(offer.available for offer in self.offers)


def with_offers(products):
    """Adds the prefetch of active shops' stock records (cheapest first) and of the photos
    (for the cards' thumbnails) to a product query."""
    records = (
        StockRecord.objects.filter(partner__shop__status=ShopStatus.ACTIVE)
        .only("id", "product_id", "partner_id", "price", "num_in_stock", "num_allocated")
        .order_by("price", "id")
    )
    images = with_thumbnails(ProductImage.objects.all(), "original")
    return products.prefetch_related(
        Prefetch("stockrecords", records, to_attr=OFFERS_ATTRIBUTE), Prefetch("images", images)
    )


def offer_of(record, facts: dict[int, ShopFacts]) -> Offer | None:
    shop = facts.get(record.partner_id)
    if shop is None or record.price is None:
        return None  # activated within the last minute, or not priced yet: not shown
    return Offer(
        stockrecord_id=record.pk,
        shop=shop,
        price=record.price,
        available=available_online(record, safety_buffer=shop.safety_buffer),
        stale=shop.stale,
    )


def listings_for_products(products, facts: dict[int, ShopFacts]) -> list[Listing]:
    """Listings for products loaded through `with_offers`, in the products' order."""
    listings = []
    for product in products:
        offers = (offer_of(record, facts) for record in getattr(product, OFFERS_ATTRIBUTE))
        listings.append(Listing(product=product, offers=[o for o in offers if o is not None]))
    return listings
