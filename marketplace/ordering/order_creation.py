"""Oscar's order creation, minus its unguarded stock allocation (we reserve ourselves)."""

from decimal import Decimal

from oscar.apps.order.utils import OrderCreator
from oscar.apps.shipping.methods import Base as ShippingMethod
from oscar.core import prices
from oscar.core.loading import get_model

from marketplace.oscar_apps.partner.strategy import split_vat

Order = get_model("order", "Order")

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


def order_number_for(basket) -> str:
    """Oscar's basket-based number, with a suffix when a thawed basket is ordered again."""
    base = str(100000 + basket.id)
    earlier = Order.objects.filter(basket_id=basket.id).count()
    return base if earlier == 0 else f"{base}-{earlier + 1}"


def create_order(*, basket, user, shipping: PerShopDelivery):
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
        order_number=order_number_for(basket),
        status=STATUS_PENDING_PAYMENT,
    )
