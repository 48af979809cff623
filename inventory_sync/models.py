from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReservationState(models.TextChoices):
    ACTIVE = "active", _("Active")
    CONSUMED = "consumed", _("Consumed")
    RELEASED = "released", _("Released")
    EXPIRED = "expired", _("Expired")


class Reservation(models.Model):
    """Units of a stock record held for one order line until they leave the shop.

    The stock record's `num_allocated` is the sum of its active reservations; both change
    together in one transaction (see services.py). `expires_at` is set while unpaid.
    """

    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.PROTECT, related_name="reservations"
    )
    order_line = models.OneToOneField(
        "order.Line", on_delete=models.CASCADE, null=True, blank=True, related_name="reservation"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReservationState.choices, default=ReservationState.ACTIVE
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(state="active", expires_at__isnull=False),
                name="reservation_expiry_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="reservation_quantity_positive"
            )
        ]

    def __str__(self):
        return f"{self.quantity} × {self.stockrecord_id} ({self.state})"
