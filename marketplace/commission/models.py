from datetime import timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class CommissionPlan(models.Model):
    """What the marketplace keeps of a shop's sales. Snapshotted on order lines when placed."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    fixed_fee_per_part = models.DecimalField(
        _("fixed fee per part"), max_digits=8, decimal_places=2, default=ZERO
    )
    minimum_per_line = models.DecimalField(
        _("minimum per line"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    maximum_per_line = models.DecimalField(
        _("maximum per line"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_default = models.BooleanField(_("default plan"), default=False)

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_plan"
            ),
            models.CheckConstraint(
                condition=Q(minimum_per_line__isnull=True)
                | Q(maximum_per_line__isnull=True)
                | Q(minimum_per_line__lte=models.F("maximum_per_line")),
                name="commission_minimum_not_above_maximum",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.percentage}%)"


class CategoryRate(models.Model):
    """A plan's own percentage for one category and everything below it."""

    plan = models.ForeignKey(
        CommissionPlan, on_delete=models.CASCADE, related_name="category_rates"
    )
    category = models.ForeignKey("catalogue.Category", on_delete=models.CASCADE)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("category rate")
        verbose_name_plural = _("category rates")
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="one_rate_per_category")
        ]

    def __str__(self):
        return f"{self.category}: {self.percentage}%"


class PartCommission(models.Model):
    """The commission on one shop's part, fixed when the order is paid; never recomputed."""

    part = models.OneToOneField(
        "logistics.OrderPart", on_delete=models.CASCADE, related_name="commission"
    )
    plan_name = models.CharField(max_length=100)
    percentage = models.DecimalField(max_digits=5, decimal_places=2)
    gross = models.DecimalField(max_digits=10, decimal_places=2)
    fixed_fee = models.DecimalField(max_digits=8, decimal_places=2)
    commission = models.DecimalField(max_digits=10, decimal_places=2)
    vat_on_commission = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.part_id}: {self.commission}"


class LineCommission(models.Model):
    order_line = models.OneToOneField(
        "order.Line", on_delete=models.CASCADE, related_name="commission"
    )
    part = models.ForeignKey(PartCommission, on_delete=models.CASCADE, related_name="lines")
    percentage = models.DecimalField(max_digits=5, decimal_places=2)
    commission = models.DecimalField(max_digits=10, decimal_places=2)

    def __str__(self):
        return f"{self.order_line_id}: {self.commission}"


class Settlement(models.Model):
    """A shop's statement for one period: the parts whose goods left the shop in it.

    One per shop and period (a unique constraint), so running the settlement twice finds
    the first one. Figures are as the parts' ledgers stood when it was made.
    """

    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="settlements")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"), help_text=_("The first day after the period."))
    gross = models.DecimalField(_("gross sales"), max_digits=12, decimal_places=2)
    refunds = models.DecimalField(_("refunds"), max_digits=12, decimal_places=2)
    commission = models.DecimalField(_("commission"), max_digits=12, decimal_places=2)
    vat_on_commission = models.DecimalField(_("VAT on commission"), max_digits=12, decimal_places=2)
    payment_fees = models.DecimalField(_("payment fees"), max_digits=12, decimal_places=2)
    net = models.DecimalField(_("net paid out"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-period_start", "shop_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "period_start"], name="one_settlement_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="settlement_period"
            ),
        ]

    def __str__(self):
        return f"{self.shop_id}: {self.period_start}–{self.period_end}"

    @property
    def last_day(self):
        """The period's last day, as people write a period (period_end is the day after)."""
        return self.period_end - timedelta(days=1)

    @property
    def invoice_number(self) -> str:
        """Unique and in one running series, as a Dutch invoice needs."""
        return f"{self.period_start.year}-{self.pk:06d}"


class PartPayout(models.Model):
    """One shop's part as money: `refunds.PartLedger` plus the delivery fee, kept current as
    refunds come in. Opened when the goods leave the shop or at the first refund."""

    part = models.OneToOneField(
        "logistics.OrderPart", on_delete=models.PROTECT, related_name="payout"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="payouts")
    charged = models.DecimalField(max_digits=10, decimal_places=2)
    transferred = models.DecimalField(max_digits=10, decimal_places=2)
    commission = models.DecimalField(max_digits=10, decimal_places=2)
    vat_on_commission = models.DecimalField(max_digits=10, decimal_places=2)
    payment_fee = models.DecimalField(max_digits=10, decimal_places=2)
    refunded = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    transfer_reversed = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    commission_reversed = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    vat_on_commission_reversed = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    payment_fee_reversed = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    delivery_fee = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    delivery_fee_refunded = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    # When the goods left the shop: the settlement period a part belongs to.
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    LEDGER_FIELDS = (
        "charged",
        "transferred",
        "commission",
        "vat_on_commission",
        "payment_fee",
        "refunded",
        "transfer_reversed",
        "commission_reversed",
        "vat_on_commission_reversed",
        "payment_fee_reversed",
    )

    class Meta:
        verbose_name = _("part payout")
        verbose_name_plural = _("part payouts")
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded__lte=models.F("charged")), name="payout_refund_within_charge"
            ),
            models.CheckConstraint(
                condition=Q(delivery_fee_refunded__lte=models.F("delivery_fee")),
                name="payout_delivery_refund_within_fee",
            ),
        ]

    def __str__(self):
        return f"{self.part_id}: {self.transferred}"


class SettlementLine(models.Model):
    """One part on one statement, as it stood then. A part refunded after its statement comes
    back on the next one with only the change (an adjustment), so a statement never changes
    after it was made and every part's lines add up to its ledger."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="lines")
    payout = models.ForeignKey(
        PartPayout, on_delete=models.PROTECT, related_name="settlement_lines"
    )
    is_adjustment = models.BooleanField(default=False)
    gross = models.DecimalField(max_digits=10, decimal_places=2)
    refunds = models.DecimalField(max_digits=10, decimal_places=2)
    commission = models.DecimalField(max_digits=10, decimal_places=2)
    vat_on_commission = models.DecimalField(max_digits=10, decimal_places=2)
    payment_fees = models.DecimalField(max_digits=10, decimal_places=2)
    net = models.DecimalField(max_digits=10, decimal_places=2)

    FIGURES = ("gross", "refunds", "commission", "vat_on_commission", "payment_fees", "net")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["settlement", "payout"], name="one_line_per_part")
        ]

    def __str__(self):
        return f"{self.settlement_id}/{self.payout_id}: {self.net}"
