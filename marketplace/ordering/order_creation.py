"""Oscar's order creation, minus its unguarded stock allocation (we reserve ourselves)."""

from decimal import Decimal

from django.conf import settings
from oscar.apps.order.signals import order_placed
from oscar.apps.order.utils import OrderCreator
from oscar.apps.shipping.methods import Base as ShippingMethod
from oscar.core import prices
from oscar.core.loading import get_model

from marketplace.oscar_apps.partner.strategy import split_vat

Order = get_model("order", "Order")
Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")

STATUS_PENDING_PAYMENT = "Pending payment"
STATUS_PAID = "Paid"
STATUS_CANCELLED = "Cancelled"


class MarketplaceOrderCreator(OrderCreator):
    def update_stock_records(self, line):
        """Stock was already reserved with guarded updates; Oscar's allocate() re-checks nothing."""


class PerShopDelivery(ShippingMethod):
    """The sum of each shop part's delivery fee (collect parts cost nothing)."""

    code = "per-shop"
    name = "Ophalen of bezorgen per winkel"

    def __init__(self, fee_incl_vat: Decimal, vat_rate: Decimal):
        self.fee_incl_vat = fee_incl_vat
        self.vat_rate = vat_rate

    def calculate(self, basket):
        excl, _vat = split_vat(self.fee_incl_vat, self.vat_rate)
        return prices.Price(currency="EUR", excl_tax=excl, incl_tax=self.fee_incl_vat)


def order_number_for(basket, *, earlier: int | None = None) -> str:
    """Oscar's basket-based number, with a suffix when a thawed basket is ordered again.

    `earlier` is the count of the basket's orders when the caller already read it."""
    base = str(100000 + basket.id)
    if earlier is None:
        earlier = Order.objects.filter(basket_id=basket.id).count()
    return base if earlier == 0 else f"{base}-{earlier + 1}"


def create_order(
    *, basket, user, shipping: PerShopDelivery, number: str | None = None, guest_email: str = ""
):
    charge = shipping.calculate(basket)
    total = prices.Price(
        currency="EUR",
        excl_tax=basket.total_excl_tax + charge.excl_tax,
        incl_tax=basket.total_incl_tax + charge.incl_tax,
    )
    return MarketplaceOrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping,
        shipping_charge=charge,
        user=user,
        order_number=number or order_number_for(basket),
        status=STATUS_PENDING_PAYMENT,
        guest_email=guest_email,
    )


def needs_oscar_creator(basket, lines, facts=None) -> bool:
    """Offers, vouchers and product options need Oscar's full order creation (it records
    discounts and line attributes); a plain basket is written in a handful of bulk inserts.
    `facts` (from basket_facts) saves the queries for vouchers and options."""
    if basket.offer_applications:
        return True
    if facts is not None:
        return facts.has_vouchers or facts.has_options
    return basket.vouchers.exists() or any(line.attributes.all() for line in lines)


def write_order(
    *,
    basket,
    user,
    shipping: PerShopDelivery,
    number: str,
    plain: bool | None = None,
    lines: list | None = None,
    guest_email: str = "",
):
    """Order, lines and line prices as Oscar's creator writes them, in three inserts.

    Called while the order transaction holds the stock rows, so it does as little as it
    can (decide `plain` with needs_oscar_creator before taking the lock); the order_placed
    signal still fires for listeners. Returns the order and its lines.
    """
    lines = list(basket.all_lines()) if lines is None else lines
    if plain is None:
        plain = not needs_oscar_creator(basket, lines)
    if not plain:
        order = create_order(
            basket=basket, user=user, shipping=shipping, number=number, guest_email=guest_email
        )
        return order, list(order.lines.all())
    charge = shipping.calculate(basket)
    order = Order.objects.create(
        basket=basket,
        number=number,
        site_id=settings.SITE_ID,
        user=user,
        guest_email=guest_email,
        currency="EUR",
        total_incl_tax=basket.total_incl_tax + charge.incl_tax,
        total_excl_tax=basket.total_excl_tax + charge.excl_tax,
        shipping_incl_tax=charge.incl_tax,
        shipping_excl_tax=charge.excl_tax,
        shipping_method=shipping.name,
        shipping_code=shipping.code,
        status=STATUS_PENDING_PAYMENT,
    )
    order_lines = Line.objects.bulk_create([line_row(order, line) for line in lines])
    LinePrice.objects.bulk_create(
        [
            LinePrice(
                order=order,
                line=order_line,
                quantity=line.quantity,
                price_incl_tax=line.unit_price_incl_tax,
                price_excl_tax=line.unit_price_excl_tax,
                tax_code=line.tax_code,
            )
            for order_line, line in zip(order_lines, lines, strict=True)
        ]
    )
    order_placed.send(sender=MarketplaceOrderCreator, order=order, user=user)
    return order, order_lines


def line_row(order, line):
    record = line.stockrecord
    return Line(
        order=order,
        partner_id=record.partner_id,
        partner_name=record.partner.name,
        partner_sku=record.partner_sku,
        stockrecord=record,
        product=line.product,
        title=line.product.get_title(),
        upc=line.product.upc,
        quantity=line.quantity,
        line_price_excl_tax=line.line_price_excl_tax_incl_discounts,
        line_price_incl_tax=line.line_price_incl_tax_incl_discounts,
        line_price_before_discounts_excl_tax=line.line_price_excl_tax,
        line_price_before_discounts_incl_tax=line.line_price_incl_tax,
        unit_price_incl_tax=line.unit_price_incl_tax,
        unit_price_excl_tax=line.unit_price_excl_tax,
        tax_code=line.tax_code,
        num_allocated=line.quantity,
    )
