"""The card fee the platform pays per order, passed on to the shops (Stripe's EU card rate).

The sum is computed by `marketplace.commission.fees.payment_fee`.
"""

from decimal import Decimal

CARD_FEE_PERCENTAGE = Decimal("1.50")
CARD_FEE_FIXED = Decimal("0.25")
