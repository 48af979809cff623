from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # The consumer finished at the bank (iDEAL, Bancontact), its word is still to come.
    PROCESSING = "processing", _("Waiting for the bank")
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
    # The hosted payment page (a Stripe Checkout Session), kept so a retry reuses it.
    session_id = models.CharField(max_length=100, blank=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    # The charge the shops' transfers are drawn from (source_transaction).
    charge_id = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # How the consumer paid ("ideal", "bancontact", "card"; see fees.METHOD_LABELS), once known.
    method = models.CharField(_("payment method"), max_length=20, blank=True)
    # What the gateway really kept of the charge (Stripe's balance transaction), once known;
    # until then the method's configured rate stands in.
    fee = models.DecimalField(
        _("payment fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    processing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount")]

    def __str__(self):
        return f"{self.order.number}: {self.amount} ({self.status})"

    @property
    def method_label(self):
        from .fees import METHOD_LABELS

        return METHOD_LABELS.get(self.method, self.method)


class Refund(models.Model):
    """Money back to the consumer; the key makes a retried refund a no-op."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    part = models.ForeignKey(
        "logistics.OrderPart", on_delete=models.PROTECT, null=True, related_name="refunds"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    # The share of `amount` that went back onto the city gift card(s) that paid the order
    # (booked by the gift card ledger); the gateway refunds only the rest.
    gift_card_amount = models.DecimalField(
        _("back to gift card"), max_digits=10, decimal_places=2, default=0
    )
    idempotency_key = models.CharField(max_length=100, unique=True)
    reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the gateway's charge.refunded event: the refund is final.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount"),
            models.CheckConstraint(
                condition=Q(gift_card_amount__gte=0, gift_card_amount__lte=F("amount")),
                name="refund_gift_card_amount",
            ),
        ]

    def __str__(self):
        return f"{self.payment.order.number}: -{self.amount}"

    @property
    def gateway_amount(self):
        """What the payment gateway gives back (the rest went onto the gift card)."""
        return self.amount - self.gift_card_amount


class ExtraCharge(models.Model):
    """A charge of the order's besides its payment (a second chance's top-up, paid through
    its own hosted page). Refunds of the order may draw on it once the payment's own
    charge is used up."""

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("gateway reference"), max_length=100, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extra charge")
        verbose_name_plural = _("extra charges")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="extra_charge_amount"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.amount}"


class RefundPiece(models.Model):
    """What one refund takes back from one of the order's charges: the gateway refunds per
    charge and never more than a charge holds, so a refund larger than what is left on the
    payment's charge is split. Decided once, when the refund is recorded; the first piece
    carries the refund's own key."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="pieces")
    charge_reference = models.CharField(max_length=100)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    idempotency_key = models.CharField(max_length=110, unique=True)
    reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refund piece")
        verbose_name_plural = _("refund pieces")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_piece_amount"),
        ]

    def __str__(self):
        return f"{self.idempotency_key}: -{self.amount} of {self.charge_reference}"


class PayoutAccount(models.Model):
    """A shop's connected account (Stripe Connect Express) and what Stripe last said of it."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.PROTECT, related_name="payout")
    account_id = models.CharField(max_length=64, unique=True)
    details_submitted = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    transfers_active = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")

    def __str__(self):
        return self.account_id


class TransferStatus(models.TextChoices):
    HELD = "held", _("Waiting for the shop's payout account")
    PENDING = "pending", _("To send")
    SENT = "sent", _("Sent")


class Transfer(models.Model):
    """A shop's share of one part, sent once to its connected account. The key is derived
    from the part, so any retry (task, settlement run, replayed event) pays it once."""

    payout = models.OneToOneField(
        "commission.PartPayout", on_delete=models.PROTECT, related_name="transfer"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="transfers")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    transfer_group = models.CharField(max_length=100)
    idempotency_key = models.CharField(max_length=100, unique=True)
    reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount")]

    def __str__(self):
        return f"{self.idempotency_key}: {self.amount} ({self.status})"


class TransferReversal(models.Model):
    """Takes back the shop's share of a refund from a transfer already made (or to be made:
    it is sent only after its transfer)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="reversals")
    refund = models.OneToOneField(Refund, on_delete=models.PROTECT, related_name="reversal")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    idempotency_key = models.CharField(max_length=100, unique=True)
    reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer reversal")
        verbose_name_plural = _("transfer reversals")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="reversal_amount")]

    def __str__(self):
        return f"{self.idempotency_key}: -{self.amount}"


class EventStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    WAITING = "waiting", _("Waiting to be applied")
    IGNORED = "ignored", _("Not needed")
    FAILED = "failed", _("Failed; needs a person")
    HANDLED = "handled", _("Handled by a person")
    INVALID = "invalid", _("Invalid; not an event we can read")


class WebhookEvent(models.Model):
    """Every gateway event received, stored in the transaction of its effect: a replay or a
    concurrent duplicate hits the unique event id and changes nothing. An event that cannot
    be applied yet waits here and is retried by a beat task."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=EventStatus.choices)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # A failed event a person dealt with (in Stripe's dashboard, with the shop): who, what.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.CharField(_("what was done"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_retry_idx")]

    def __str__(self):
        return f"{self.event_id} {self.type} ({self.status})"
