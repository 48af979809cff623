"""Pricing for the marketplace: stock record prices include VAT at the record's own rate."""

from decimal import ROUND_HALF_UP, Decimal

from oscar.apps.partner import strategy
from oscar.apps.partner.prices import TaxInclusiveFixedPrice, Unavailable

CENT = Decimal("0.01")


def split_vat(price_incl_vat: Decimal, rate_percent: Decimal) -> tuple[Decimal, Decimal]:
    """Return (price excluding VAT, VAT) that add up exactly to the price including VAT."""
    excl = (price_incl_vat * 100 / (100 + rate_percent)).quantize(CENT, rounding=ROUND_HALF_UP)
    return excl, price_incl_vat - excl


class VatIncludedPrice:
    """Pricing policy mixin: the stock record's price is the shelf price, VAT included."""

    def pricing_policy(self, product, stockrecord):
        if not stockrecord or stockrecord.price is None:
            return Unavailable()
        excl, vat = split_vat(stockrecord.price, stockrecord.vat_rate)
        return TaxInclusiveFixedPrice(
            currency=stockrecord.price_currency,
            excl_tax=excl,
            tax=vat,
            tax_code=f"NL-{stockrecord.vat_rate.normalize()}",
        )

    def parent_pricing_policy(self, product, children_stock):
        stockrecords = [record for _, record in children_stock if record is not None]
        if not stockrecords:
            return Unavailable()
        return self.pricing_policy(product, stockrecords[0])


class MarketplaceStrategy(
    strategy.UseFirstStockRecord, strategy.StockRequired, VatIncludedPrice, strategy.Structured
):
    def fetch_for_line(self, line, stockrecord=None):
        """A basket line is one shop's offer: price and stock come from that shop's record.

        Oscar's default looks up the product's first record, which is another shop's
        whenever several shops sell the same product.
        """
        return self.fetch_for_product(line.product, stockrecord or line.stockrecord)


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return MarketplaceStrategy(request)
