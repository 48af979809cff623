"""A centre campaign wraps one Oscar ConditionalOffer (and, for an event code, its Voucher):
Oscar's applicator discounts the basket; these rows say who takes part and who pays."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage off at participating shops")
    FREE_DELIVERY = "free_delivery", _("Free delivery when buying in several shops")
    VOUCHER = "voucher", _("Voucher code for an event")


class Payer(models.TextChoices):
    CENTRE = "centre", _("The centre")
    SHOP = "shop", _("The shop")


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CampaignKind.choices)
    percentage = models.DecimalField(
        _("discount percentage"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    minimum_shops = models.PositiveSmallIntegerField(_("minimum number of shops"), default=2)
    code = models.CharField(_("voucher code"), max_length=32, blank=True)
    payer = models.CharField(_("who pays the discount"), max_length=8, choices=Payer.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    offer = models.OneToOneField(
        "offer.ConditionalOffer", on_delete=models.PROTECT, related_name="campaign"
    )
    voucher = models.OneToOneField(
        "voucher.Voucher",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="campaign_period"
            ),
            models.CheckConstraint(
                condition=~Q(kind="free_delivery") | Q(payer="centre"),
                name="free_delivery_paid_by_centre",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def pays_centre(self) -> bool:
        return self.payer == Payer.CENTRE


class Participation(models.Model):
    """A shop opted in; opting out before the start deletes the row."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="campaign_participations"
    )
    opted_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "shop"], name="one_participation_per_shop")
        ]

    def __str__(self):
        return f"{self.shop_id} in {self.campaign_id}"


class CampaignUse(models.Model):
    """What a campaign gave on one order part, written when the order is placed.

    discount: the goods discount the consumer got on this part; delivery_waived: the
    delivery fee not charged. centre_contribution: what the centre pays the shop for it
    (the discount when the centre pays, else 0; a waived delivery fee is the centre's own
    revenue forgone and never reaches the shop's ledger)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="uses")
    part = models.ForeignKey(
        "logistics.OrderPart", on_delete=models.CASCADE, related_name="campaign_uses"
    )
    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="campaign_uses")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="campaign_uses")
    payer = models.CharField(max_length=8, choices=Payer.choices)
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    delivery_waived = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    centre_contribution = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "part"], name="one_use_per_campaign_part"),
            models.CheckConstraint(
                condition=Q(discount__gte=0, delivery_waived__gte=0, centre_contribution__gte=0),
                name="campaign_use_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id} on part {self.part_id}"
