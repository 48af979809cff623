from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(models.Model):
    """The consumer's one payment for a whole order."""

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="payment")
    gateway = models.CharField(_("gateway"), max_length=20)
    reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount")]

    def __str__(self):
        return f"{self.order.number}: {self.amount} ({self.status})"


class Refund(models.Model):
    """Money back to the consumer; the key makes a retried refund a no-op."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    fulfilment = models.ForeignKey(
        "logistics.Fulfilment", on_delete=models.PROTECT, null=True, related_name="refunds"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    idempotency_key = models.CharField(max_length=100, unique=True)
    reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount")]

    def __str__(self):
        return f"{self.payment.order.number}: -{self.amount}"
