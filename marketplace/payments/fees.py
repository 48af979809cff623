"""What a payment costs the platform, per payment method, passed on to the shops.

Until the gateway says what a payment really cost (Stripe's balance transaction, kept on
`Payment.fee`), the method's configured rate stands in (`PAYMENT_METHOD_RATES` in settings).
The sum itself is computed by `marketplace.commission.fees.payment_fee`.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The card rate (Stripe's EU card price): the rate of a payment whose method is not known.
CARD_FEE_PERCENTAGE = Decimal("1.50")
CARD_FEE_FIXED = Decimal("0.25")

CARD = "card"
METHOD_LABELS = {
    "ideal": _("iDEAL"),
    "bancontact": _("Bancontact"),
    "card": _("card"),
}


@dataclass(frozen=True)
class MethodRate:
    """A method's price: `percentage` percent of the charge plus `fixed` euros."""

    method: str
    percentage: Decimal
    fixed: Decimal

    @property
    def label(self):
        return METHOD_LABELS.get(self.method, self.method)


def offered_methods() -> list[str]:
    """The town's methods, as configured; a method without a rate is a set-up mistake."""
    methods = list(settings.PAYMENT_METHODS)
    unknown = [method for method in methods if method not in METHOD_LABELS]
    if unknown or not methods:
        raise ValueError(
            f"PAYMENT_METHODS must be some of {sorted(METHOD_LABELS)}, not {methods!r}"
        )
    return methods


def rate_for(method: str) -> MethodRate:
    """The configured rate of `method`; an unknown or empty method pays the card rate."""
    rates = settings.PAYMENT_METHOD_RATES
    if method not in rates:
        if method == CARD or CARD not in rates:
            return MethodRate(CARD, CARD_FEE_PERCENTAGE, CARD_FEE_FIXED)
        method = CARD
    percentage, fixed = rates[method]
    try:
        rate = MethodRate(method, Decimal(str(percentage)), Decimal(str(fixed)))
    except ArithmeticError as error:
        raise ValueError(
            f"PAYMENT_METHOD_RATES[{method!r}] must be two numbers (percent, euros), "
            f"not {percentage!r}, {fixed!r}"
        ) from error
    whole_cents = rate.fixed.is_finite() and rate.fixed == rate.fixed.quantize(Decimal("0.01"))
    if not (rate.percentage.is_finite() and 0 <= rate.percentage <= 100) or not (
        whole_cents and rate.fixed >= 0
    ):
        raise ValueError(
            f"PAYMENT_METHOD_RATES[{method!r}]: percent 0-100 and euros in whole cents >= 0, "
            f"not {percentage!r}, {fixed!r}"
        )
    return rate


def offered_rates() -> list[MethodRate]:
    return [rate_for(method) for method in offered_methods()]
