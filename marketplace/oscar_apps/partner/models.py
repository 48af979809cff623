from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractStockRecord


class StockRecord(AbstractStockRecord):
    """A shop's offer of a product: price including VAT, the VAT rate, units on hand.

    Shops think in shelf prices, so `price` includes VAT and the rate says how much of it
    is VAT (Dutch rates: 21% standard, 9% for books, food and flowers, 0%).
    """

    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("21.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("30"))],
    )


from oscar.apps.partner.models import *  # noqa: E402, F403
