""" "What you keep" before a sale: the shop's share of one item sold alone, after commission,
its VAT and the card fee. Shown on the offer page and, for the default plan, on the
application form."""

from decimal import Decimal

from marketplace.payments.fees import CARD_FEE_FIXED, CARD_FEE_PERCENTAGE

from .fees import what_shop_keeps
from .models import CommissionPlan
from .services import category_path_of, plan_for, terms_of

EXAMPLE_PRICES = [Decimal("10.00"), Decimal("25.00"), Decimal("50.00"), Decimal("100.00")]


def what_shop_keeps_of(*, shop, record) -> Decimal:
    """ "Of €X you keep €Y" for the shop's offer `record` (a stock record), under its plan."""
    return what_shop_keeps(
        terms=terms_of(plan_for(shop)),
        price_incl_vat=record.price,
        category_path=category_path_of(record.product),
        card_fee_percentage=CARD_FEE_PERCENTAGE,
        card_fee_fixed=CARD_FEE_FIXED,
    )


def earnings_examples() -> list[tuple[Decimal, Decimal]]:
    """What a shop keeps of a sale under the default plan, before it joins."""
    terms = terms_of(CommissionPlan.objects.filter(is_default=True).first())
    return [
        (
            price,
            what_shop_keeps(
                terms=terms,
                price_incl_vat=price,
                category_path=(),
                card_fee_percentage=CARD_FEE_PERCENTAGE,
                card_fee_fixed=CARD_FEE_FIXED,
            ),
        )
        for price in EXAMPLE_PRICES
    ]
