"""A refused line's second chance: the same product from another shop (see money.py for
what happens to its money)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Preference(models.Model):
    """The consumer's "find it elsewhere if a shop cannot deliver", ticked at checkout."""

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="reroute_preference"
    )
    find_elsewhere = models.BooleanField(_("find it elsewhere"), default=False)

    class Meta:
        verbose_name = _("rerouting preference")
        verbose_name_plural = _("rerouting preferences")

    def __str__(self):
        return f"{self.order_id}: {self.find_elsewhere}"


class ChanceStatus(models.TextChoices):
    OPEN = "open", _("Waiting for your choice")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for the difference to be paid")
    MOVED = "moved", _("Moved to another shop")
    REFUNDED = "refunded", _("Refunded")


class SecondChance(models.Model):
    """One refused line: open until the consumer moves it, declines, or it runs out."""

    line = models.OneToOneField(
        "order.Line", on_delete=models.PROTECT, related_name="second_chance"
    )
    part = models.ForeignKey("logistics.OrderPart", on_delete=models.PROTECT, related_name="+")
    # The line's money still with us (not refunded): it pays for the move first.
    held = models.DecimalField(_("held"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=ChanceStatus.choices, default=ChanceStatus.OPEN
    )
    expires_at = models.DateTimeField(_("open until"))
    new_line = models.OneToOneField(
        "order.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="moved_from"
    )
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("second chance")
        verbose_name_plural = _("second chances")
        constraints = [models.CheckConstraint(condition=Q(held__gte=0), name="chance_held")]
        indexes = [models.Index(fields=["status", "expires_at"], name="chance_due_idx")]

    def __str__(self):
        return f"line {self.line_id} ({self.status})"


class TopUpStatus(models.TextChoices):
    PENDING = "pending", _("To pay")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    # Paid after it was cancelled (a late webhook): the money goes back to the consumer.
    REFUNDED = "refunded", _("Paid late and refunded")


class TopUp(models.Model):
    """The difference the consumer pays when the other shop asks more than was held."""

    chance = models.ForeignKey(SecondChance, on_delete=models.PROTECT, related_name="top_ups")
    # The new part, or the part the line joins (join_part.py): a part can get more than one.
    part = models.ForeignKey(
        "logistics.OrderPart", on_delete=models.PROTECT, related_name="top_ups"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=TopUpStatus.choices, default=TopUpStatus.PENDING
    )
    gateway = models.CharField(max_length=20)
    reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("top-up payment")
        verbose_name_plural = _("top-up payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="top_up_amount")]

    def __str__(self):
        return f"{self.part_id}: {self.amount} ({self.status})"


class JoinedLine(models.Model):
    """A refused line moved into the part its new shop already has in the order (join_part.py).
    Not dearer: made with the line at once. Dearer: the stock is reserved (`reservation`,
    no line yet) and the line joins when `top_up` is paid; `line` is set then."""

    chance = models.ForeignKey(SecondChance, on_delete=models.PROTECT, related_name="joins")
    part = models.ForeignKey("logistics.OrderPart", on_delete=models.PROTECT, related_name="+")
    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.PROTECT)
    reservation = models.OneToOneField(
        "inventory_sync.Reservation", on_delete=models.PROTECT, related_name="+"
    )
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    top_up = models.OneToOneField(
        TopUp, on_delete=models.PROTECT, null=True, blank=True, related_name="join"
    )
    line = models.OneToOneField(
        "order.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="joined_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("line added to a part")
        verbose_name_plural = _("lines added to a part")

    def __str__(self):
        return f"chance {self.chance_id} into part {self.part_id}"
