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
