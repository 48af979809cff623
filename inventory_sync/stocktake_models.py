"""Stock-taking by hand (issue 17): drafts for barcodes a shop does not sell yet, and the log
of every count, whose token makes a resent count change nothing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StockDraft(models.Model):
    """A barcode counted in a shop that has no offer for it yet.

    Not in the catalogue at all, so the storefront cannot show it: the offer is made when the
    owner adds a name and a price (`stocktake.complete_draft`), with the counted units on hand.
    """

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="stock_drafts")
    gtin = models.CharField(_("barcode"), max_length=14)
    quantity = models.PositiveIntegerField(_("counted"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "gtin"], name="stock_draft_one_per_barcode")
        ]

    def __str__(self):
        return f"{self.gtin} ({self.quantity})"


class StockCount(models.Model):
    """One change made while counting: the shelf count before and after."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="stock_counts")
    token = models.UUIDField(
        help_text=_("sent with the count: a resent count is not applied twice")
    )
    gtin = models.CharField(_("barcode"), max_length=14)
    stockrecord = models.ForeignKey(
        "partner.StockRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    draft = models.ForeignKey(
        StockDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="counts"
    )
    before = models.PositiveIntegerField()
    after = models.PositiveIntegerField()
    applied = models.BooleanField(default=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counted_at = models.DateTimeField()

    class Meta:
        ordering = ["-counted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "token"], name="stock_count_token_once")
        ]

    def __str__(self):
        return f"{self.gtin}: {self.before} -> {self.after}"
