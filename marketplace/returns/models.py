"""Returns of goods by the consumer (withdrawal), one request per shop's order part."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExclusionReason(models.TextChoices):
    PERISHABLE = "perishable", _("Perishable goods")
    PERSONALISED = "personalised", _("Made to the consumer's specifications")
    SEALED_HYGIENE = "sealed_hygiene", _("Sealed goods unsealed for health or hygiene reasons")
    SEALED_MEDIA = "sealed_media", _("Sealed audio, video or software unsealed")
    NEWSPAPERS = "newspapers", _("Newspapers and magazines")


class WithdrawalExclusion(models.Model):
    """Goods of this catalogue category (and its subcategories) the law excludes from the
    right of withdrawal; set by centre management."""

    category = models.OneToOneField(
        "catalogue.Category",
        on_delete=models.CASCADE,
        related_name="withdrawal_exclusion",
        verbose_name=_("category"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ExclusionReason.choices)

    class Meta:
        verbose_name = _("category excluded from returns")
        verbose_name_plural = _("categories excluded from returns")

    def __str__(self):
        return f"{self.category}: {self.get_reason_display()}"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    REFUNDED = "refunded", _("Received and refunded")
    CANCELLED = "cancelled", _("Cancelled")


class ReturnMethod(models.TextChoices):
    BRING = "bring", _("I bring it to the shop")
    PICKUP = "pickup", _("A courier picks it up")


class ReturnRequest(models.Model):
    part = models.ForeignKey(
        "logistics.OrderPart", on_delete=models.PROTECT, related_name="returns"
    )
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="returns"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    method = models.CharField(_("how"), max_length=10, choices=ReturnMethod.choices)
    slot = models.ForeignKey(
        "logistics.DeliverySlot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_pickups",
    )
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    reason = models.TextField(_("reason (optional)"), max_length=1000, blank=True)
    # Set when the shop confirms receipt: what went back to the consumer.
    amount = models.DecimalField(_("refund"), max_digits=10, decimal_places=2, null=True)
    delivery_fee_refunded = models.BooleanField(default=False)
    put_back = models.BooleanField(_("back on the shelf"), default=False)
    refund = models.OneToOneField(
        "payments.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method="bring", slot__isnull=True) | Q(method="pickup"),
                name="return_bring_has_no_slot",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="return_amount"
            ),
        ]

    def __str__(self):
        return f"{self.part.order.number}: return {self.pk}"


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "order.Line", on_delete=models.PROTECT, related_name="return_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity"),
            models.UniqueConstraint(fields=["request", "order_line"], name="one_return_line"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.order_line_id}"
