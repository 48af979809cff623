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
    fixed_fee_per_fulfilment = models.DecimalField(
        _("fixed fee per fulfilment"), max_digits=8, decimal_places=2, default=ZERO
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

    fulfilment = models.OneToOneField(
        "logistics.Fulfilment", on_delete=models.CASCADE, related_name="commission"
    )
    plan_name = models.CharField(max_length=100)
    percentage = models.DecimalField(max_digits=5, decimal_places=2)
    gross = models.DecimalField(max_digits=10, decimal_places=2)
    fixed_fee = models.DecimalField(max_digits=8, decimal_places=2)
    commission = models.DecimalField(max_digits=10, decimal_places=2)
    vat_on_commission = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.fulfilment_id}: {self.commission}"


class LineCommission(models.Model):
    order_line = models.OneToOneField(
        "order.Line", on_delete=models.CASCADE, related_name="commission"
    )
    part = models.ForeignKey(PartCommission, on_delete=models.CASCADE, related_name="lines")
    percentage = models.DecimalField(max_digits=5, decimal_places=2)
    commission = models.DecimalField(max_digits=10, decimal_places=2)

    def __str__(self):
        return f"{self.order_line_id}: {self.commission}"
