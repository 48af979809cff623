""" "What you keep" before a sale: the shop's share of one item sold alone, after commission,
its VAT and the payment fee, per payment method the town offers ("with iDEAL you keep …,
with a card …"). Shown on the offer page and, for the default plan, on the application form.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from marketplace.payments.fees import CARD, MethodRate, offered_rates, rate_for

from .fees import ZERO, PlanTerms, what_shop_keeps
from .models import CommissionPlan
from .services import category_path_of, plan_for, terms_of

EXAMPLE_PRICES = [Decimal("10.00"), Decimal("25.00"), Decimal("50.00"), Decimal("100.00")]
# The basket of the promise to shops: at least 92% of it kept, paid with iDEAL.
BASKET_EXAMPLE = Decimal("40.00")


@dataclass(frozen=True)
class MethodKeeps:
    method: str
    label: str
    keeps: Decimal
    share: Decimal  # percent of the price, one decimal


def keeps_with(terms: PlanTerms, price: Decimal, path, rate: MethodRate) -> Decimal:
    return what_shop_keeps(
        terms=terms,
        price_incl_vat=price,
        category_path=path,
        card_fee_percentage=rate.percentage,
        card_fee_fixed=rate.fixed,
    )


def keeps_per_method(terms: PlanTerms, price: Decimal, path=()) -> list[MethodKeeps]:
    """What is kept of `price` with each offered method, in the town's order."""
    rows = []
    for rate in offered_rates():
        keeps = keeps_with(terms, price, path, rate)
        share = (keeps * 100 / price).quantize(Decimal("0.1"), ROUND_HALF_UP) if price else ZERO
        rows.append(MethodKeeps(rate.method, str(rate.label), keeps, share))
    return rows


def what_shop_keeps_of(*, shop, record, method: str = CARD) -> Decimal:
    """ "Of €X you keep €Y" for the shop's offer `record` (a stock record), under its plan,
    paid with `method` (the card, the dearest, unless asked)."""
    return keeps_with(
        terms_of(plan_for(shop)), record.price, category_path_of(record.product), rate_for(method)
    )


def what_shop_keeps_by_method(*, shop, record) -> list[MethodKeeps]:
    return keeps_per_method(
        terms_of(plan_for(shop)), record.price, category_path_of(record.product)
    )


def default_terms() -> PlanTerms:
    return terms_of(CommissionPlan.objects.filter(is_default=True).first())


def earnings_examples(method: str = CARD) -> list[tuple[Decimal, Decimal]]:
    """What a shop keeps of a sale under the default plan, before it joins."""
    terms, rate = default_terms(), rate_for(method)
    return [(price, keeps_with(terms, price, (), rate)) for price in EXAMPLE_PRICES]


def earnings_by_method() -> list[tuple[Decimal, list[MethodKeeps]]]:
    """The examples per offered method, under the default plan."""
    terms = default_terms()
    return [(price, keeps_per_method(terms, price)) for price in EXAMPLE_PRICES]


def basket_example(terms: PlanTerms | None = None) -> list[MethodKeeps]:
    """The €40 basket of the promise, per method (one shop, sold as one line)."""
    return keeps_per_method(terms or default_terms(), BASKET_EXAMPLE)
