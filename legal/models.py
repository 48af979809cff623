"""Legal pages (the platform's), a shop's own terms, and the shops' VAT receipts."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.rich_text import clean_rich_text


class LegalPageKind(models.TextChoices):
    TERMS = "terms", _("Terms and conditions")
    PRIVACY = "privacy", _("Privacy statement")
    COOKIES = "cookies", _("Cookie statement")
    CONTACT = "contact", _("Contact")
    WITHDRAWAL = "withdrawal", _("Model withdrawal form")


class LegalPage(models.Model):
    """One of the platform's legal pages, in Dutch and English, written by centre management.

    The bodies are rich text, cleaned by nh3 when saved and again when shown."""

    kind = models.CharField(_("page"), max_length=20, choices=LegalPageKind.choices, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        self.body_nl = clean_rich_text(self.body_nl)
        self.body_en = clean_rich_text(self.body_en)
        super().save(*args, **kwargs)

    @property
    def dutch(self) -> bool:
        return (get_language() or "nl").startswith("nl")

    @property
    def title(self) -> str:
        return self.title_nl if self.dutch else self.title_en

    @property
    def body(self) -> str:
        return self.body_nl if self.dutch else self.body_en


class ShopTerms(models.Model):
    """A shop's own terms, as plain text its owner writes (shown escaped, line breaks kept)."""

    shop = models.OneToOneField(
        "shops.Shop", on_delete=models.CASCADE, related_name="own_terms", verbose_name=_("shop")
    )
    text = models.TextField(_("terms of the shop"), max_length=20000, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("shop terms")
        verbose_name_plural = _("shop terms")

    def __str__(self):
        return str(self.shop)


class ReceiptCounter(models.Model):
    """The last receipt number a shop gave. Taken under a row lock in the transaction that
    writes the receipt, so numbers have no gaps and no doubles (legal.receipts)."""

    shop = models.OneToOneField(
        "shops.Shop", on_delete=models.CASCADE, related_name="receipt_counter"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.shop_id}: {self.last_number}"


class Receipt(models.Model):
    """The VAT receipt of one shop part: its number in the shop's series and what it says,
    written once when issued so a later change of the shop's details or prices leaves it."""

    part = models.OneToOneField(
        "logistics.OrderPart", on_delete=models.PROTECT, related_name="receipt"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="receipts")
    number = models.PositiveIntegerField(_("receipt number"))
    issued_at = models.DateTimeField(_("issued at"))
    # Seller, lines, VAT per rate and totals as issued; amounts as "12.34" strings.
    content = models.JSONField()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["shop_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="one_receipt_number_per_shop")
        ]

    def __str__(self):
        return f"{self.shop_id}/{self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.number:06d}"


class AnonymisedOrder(models.Model):
    """Marks an order whose consumer's personal data were removed (legal.anonymise)."""

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="+")
    anonymised_at = models.DateTimeField()

    def __str__(self):
        return f"{self.order_id} ({self.anonymised_at:%Y-%m-%d})"
