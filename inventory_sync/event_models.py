"""Raw POS webhooks, per-record event marks, POS item links and sale write-backs (issue 6).

Imported by models.py; kept apart so each module stays readable.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be applied")
    APPLIED = "applied", _("Applied")
    UNCHANGED = "unchanged", _("Applied, no change")
    STALE = "stale", _("Older than what we know; ignored")
    UNMATCHED = "unmatched", _("No matching product yet")
    INVALID = "invalid", _("Not understood")


class WebhookEvent(models.Model):
    """One webhook as received: stored before anything else, applied later in a batch.

    `headers` keeps only what applying needs (topic, event time, ids), never a signature.
    The unique (connection, event_id) makes a re-delivered webhook a no-op insert.
    """

    connection = models.ForeignKey(
        "inventory_sync.PosConnection", on_delete=models.CASCADE, related_name="webhook_events"
    )
    event_id = models.CharField(max_length=200)
    headers = models.JSONField(default=dict)
    body = models.BinaryField()
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=EventStatus.choices, default="pending")
    applied_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(fields=["connection", "event_id"], name="webhook_event_once")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(status="pending"), name="webhook_event_pending_idx"
            ),
            models.Index(fields=["connection", "-received_at"], name="webhook_event_recent_idx"),
        ]

    def __str__(self):
        return f"{self.connection_id}: {self.event_id} ({self.status})"


class StockEventMark(models.Model):
    """The event time of the newest POS count applied to a stock record.

    A count whose time is not after this mark is stale and changes nothing; the check and
    the write are one guarded statement (see event_apply.py).
    """

    stockrecord = models.OneToOneField(
        "partner.StockRecord", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_event_at = models.DateTimeField()

    def __str__(self):
        return f"{self.stockrecord_id} @ {self.last_event_at}"


class PosItem(models.Model):
    """A POS's own id for an item (Shopify inventory item, Square variation, Lightspeed item)
    with the SKU and EAN it carries there, and the stock record it matched (SKU, then EAN)."""

    connection = models.ForeignKey(
        "inventory_sync.PosConnection", on_delete=models.CASCADE, related_name="items"
    )
    external_id = models.CharField(max_length=100)
    sku = models.CharField(max_length=128, blank=True)
    ean = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=255, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "external_id"], name="pos_item_once_per_connection"
            )
        ]

    def __str__(self):
        return f"{self.connection_id}: {self.external_id} ({self.sku or self.ean})"


class WriteBackStatus(models.TextChoices):
    PENDING = "pending", _("Sending to the POS")
    SENT = "sent", _("Booked in the POS")
    MANUAL = "manual", _("To book by hand")
    BOOKED = "booked", _("Booked by hand")
    FAILED = "failed", _("Could not be sent")


class SaleWriteBack(models.Model):
    """Units sold online that left the shop: to subtract in the POS.

    One per consumed reservation (unique), so consuming twice never books twice. Its pk is
    the idempotency key sent to POS systems that take one.
    """

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="write_backs")
    reservation = models.OneToOneField(
        "inventory_sync.Reservation", on_delete=models.CASCADE, related_name="write_back"
    )
    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=WriteBackStatus.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sale to write back")
        verbose_name_plural = _("sales to write back")

    def __str__(self):
        return f"{self.shop_id}: -{self.quantity} × {self.stockrecord_id} ({self.status})"
