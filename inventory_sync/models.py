import os
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.encrypted_fields import EncryptedJSONField, EncryptedTextField


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


# --- POS connections, stock feeds and their log (issue 6) ---


def mask_secret(value: str) -> str:
    """Only the last four characters: enough to tell two secrets apart, useless to an onlooker."""
    if not value:
        return ""
    return "••••" + value[-4:]


class PosKind(models.TextChoices):
    FILE = "file", _("File upload (CSV or XLSX)")
    PUSH = "push", _("Push API")
    SHOPIFY = "shopify", _("Shopify")
    SQUARE = "square", _("Square")
    LIGHTSPEED = "lightspeed", _("Lightspeed")


class ConnectionStatus(models.TextChoices):
    NEW = "new", _("Not synced yet")
    OK = "ok", _("Working")
    FAILING = "failing", _("Failing")


SECRET_LABELS = {"access_token": _("Access token")}


class PosConnection(models.Model):
    """Where a shop's on-hand counts come from, with the secrets to talk to it.

    `secrets` and `signing_secret` are needed in clear to call the POS or check signatures:
    they are stored encrypted (marketplace/encrypted_fields.py) and pages and the admin show
    them only through `mask_secret`. The push token is ours to check, so only its SHA-256 is
    stored. A leaked database or backup leaks no working token.
    """

    shop = models.OneToOneField(
        "shops.Shop", on_delete=models.CASCADE, related_name="pos_connection"
    )
    kind = models.CharField(_("type"), max_length=12, choices=PosKind.choices, default=PosKind.FILE)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    secrets = EncryptedJSONField(_("secrets"), default=dict, blank=True)
    push_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    push_token_last4 = models.CharField(max_length=4, blank=True)
    signing_secret = EncryptedTextField(_("signing secret"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ConnectionStatus.choices, default=ConnectionStatus.NEW
    )
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    last_full_sync_at = models.DateTimeField(_("last full sync"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # The random part of this shop's webhook URLs: finds the connection (and its secret)
    # with one indexed read, and says nothing about the shop.
    webhook_key = models.CharField(max_length=32, unique=True, null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    backoff_until = models.DateTimeField(_("backing off until"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("POS connection")
        verbose_name_plural = _("POS connections")

    def __str__(self):
        return f"{self.shop_id}: {self.kind}"

    @property
    def last_synced_at(self):
        """The newest sign of life from the POS; staleness is judged from it."""
        moments = [m for m in (self.last_event_at, self.last_full_sync_at) if m]
        return max(moments) if moments else None

    @property
    def masked_signing_secret(self) -> str:
        return mask_secret(self.signing_secret)

    @property
    def masked_push_token(self) -> str:
        return "••••" + self.push_token_last4 if self.push_token_last4 else ""

    @property
    def masked_secrets(self) -> dict[str, str]:
        """Label: masked value, for the owner's page."""
        return {
            SECRET_LABELS.get(name, name): mask_secret(str(value))
            for name, value in self.secrets.items()
        }


class SyncKind(models.TextChoices):
    FEED = "feed", _("File feed")
    PUSH = "push", _("Push API")
    WEBHOOK = "webhook", _("Webhook")
    POLL = "poll", _("Poll")


class SyncOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected, nothing applied")
    CONFLICT = "conflict", _("Conflict, nothing applied")
    FAILED = "failed", _("Failed, nothing applied")


class SyncLog(models.Model):
    """One sync run as the shop owner reads it: counts, outcome and the per-row problems.

    report = {"problems": [{"row", "column", "value", "message"}], "problems_total": n}.
    """

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="sync_logs")
    connection = models.ForeignKey(
        PosConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="logs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SyncKind.choices)
    source = models.CharField(_("source"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_applied = models.PositiveIntegerField(_("changed"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    rows_failed = models.PositiveIntegerField(_("with errors"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=SyncOutcome.choices, default=SyncOutcome.RUNNING
    )
    message = models.TextField(_("message"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sync log")
        verbose_name_plural = _("sync logs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["shop", "-started_at"], name="synclog_shop_started_idx")]

    def __str__(self):
        return f"{self.shop_id} {self.kind} {self.outcome}"


class UploadStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHOOSE = "choose", _("Waiting for your choice")
    VALIDATED = "validated", _("Checked")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected, nothing applied")


def stock_feed_path(upload, filename: str) -> str:
    # A random name: the original file name is kept in the row, never in a guessable path.
    extension = os.path.splitext(filename)[1].lower()[:6]
    return f"stock-feeds/{upload.shop_id}/{uuid.uuid4().hex}{extension}"


class StockFeedUpload(models.Model):
    """A stock file a shop uploaded: checked on upload, applied on the owner's say-so.

    `summary` holds the preview (detected format, first rows, per-row problems); applying
    parses the stored file again rather than trusting it.
    """

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="stock_uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    file = models.FileField(_("file"), upload_to=stock_feed_path)
    original_name = models.CharField(_("file name"), max_length=255)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    sync_log = models.OneToOneField(
        SyncLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="upload"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock feed upload")
        verbose_name_plural = _("stock feed uploads")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name


class PushRequest(models.Model):
    """An idempotency key of the push API with the answer it got; a replay gets that answer."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="push_requests")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)  # 0: claimed, not answered yet
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "key"], name="push_request_key_per_shop")
        ]

    def __str__(self):
        return f"{self.shop_id}: {self.key}"


# Models of issue 6, kept in their own module; imported here so Django registers them.
from .event_models import (  # noqa: E402, F401
    EventStatus,
    PosItem,
    SaleWriteBack,
    StockEventMark,
    WebhookEvent,
    WriteBackStatus,
)
from .stocktake_models import StockCount, StockDraft  # noqa: E402, F401 - issue 17, by hand
