"""The city gift card: the centre's set-up, the cards, and a double-entry ledger of their
money. A card's `balance` is the one figure a redemption changes (a guarded UPDATE); every
change of it is posted as an entry whose postings add up to zero."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class Scheme(models.Model):
    """The centre's set-up of its gift card: one row (`current()`)."""

    is_active = models.BooleanField(_("on sale"), default=False)
    title = models.CharField(_("title on the card"), max_length=60, default="Stadscadeaubon")
    text = models.CharField(_("text on the card"), max_length=200, blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f6f5c",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #rrggbb."))],
    )
    min_amount = models.DecimalField(
        _("lowest amount"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("1.00"))],
    )
    max_amount = models.DecimalField(
        _("highest amount"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("150.00"),
        validators=[MaxValueValidator(Decimal("10000.00"))],
    )
    pin_above = models.DecimalField(
        _("PIN for cards above"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("50.00"),
        help_text=_("Cards of a higher amount get a PIN that the shop asks for."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    shops = models.ManyToManyField(
        "shops.Shop", blank=True, related_name="+", verbose_name=_("participating shops")
    )

    class Meta:
        verbose_name = _("gift card set-up")
        verbose_name_plural = _("gift card set-up")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__lte=F("max_amount")), name="giftcard_min_not_above_max"
            )
        ]

    def __str__(self):
        return self.title

    @classmethod
    def current(cls) -> "Scheme":
        return cls.objects.get_or_create(pk=1)[0]


class CardStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")
    # Printed by management, not yet sold: no balance until a shop sells it at its counter.
    PRINTED = "printed", _("Printed, not yet sold")


class GiftCard(models.Model):
    # 16 characters of CODE_ALPHABET, stored without the dashes people see.
    code = models.CharField(_("code"), max_length=16, unique=True)
    pin_hash = models.CharField(max_length=128, blank=True)
    # The PIN again, encrypted (marketplace.encrypted_fields): for the card's PDF and e-mail.
    pin_sealed = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CardStatus.choices, default=CardStatus.PENDING
    )
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    balance = models.DecimalField(_("balance"), max_digits=8, decimal_places=2, default=ZERO)
    # The design as it was when the card was made.
    title = models.CharField(max_length=60)
    text = models.CharField(max_length=200, blank=True)
    colour = models.CharField(max_length=7)
    message = models.CharField(_("personal message"), max_length=300, blank=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gift_cards",
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    sold_by = models.ForeignKey(
        "shops.Shop", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # The print run of a pre-printed card ("" for cards made when sold).
    batch = models.CharField(_("print run"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("gift card")
        verbose_name_plural = _("gift cards")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="giftcard_balance"),
            models.CheckConstraint(
                condition=Q(balance__lte=F("amount")), name="giftcard_balance_not_above_amount"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(status="printed", amount=0),
                name="giftcard_amount",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="giftcard_expiry_idx")]

    def __str__(self):
        return f"…{self.code[-4:]} ({self.status})"

    @property
    def needs_pin(self) -> bool:
        return bool(self.pin_hash)

    @property
    def last_day(self):
        """The last day it can be spent (expires_at is the midnight after it)."""
        if self.expires_at is None:
            return None
        return timezone.localtime(self.expires_at - timedelta(seconds=1)).date()


class PurchaseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Purchase(models.Model):
    """A consumer's online payment for one card, through the payment gateway."""

    card = models.OneToOneField(GiftCard, on_delete=models.PROTECT, related_name="purchase")
    token = models.CharField(max_length=32, unique=True)
    gateway = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    status = models.CharField(
        max_length=10, choices=PurchaseStatus.choices, default=PurchaseStatus.PENDING
    )
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    # Its refund through the gateway (management, within the withdrawal period).
    refunded_amount = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    refund_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="purchase_amount")]

    def __str__(self):
        return f"{self.token}: {self.amount} ({self.status})"


class AccountKind(models.TextChoices):
    CARD = "card", _("Card balance (owed to the holder)")
    CASH = "cash", _("Centre's gift card money")
    SHOP = "shop", _("Owed to the shop")
    BREAKAGE = "breakage", _("Expired balances (income)")
    HELD = "held", _("Held for orders awaiting payment")


class Account(models.Model):
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    card = models.OneToOneField(
        GiftCard, on_delete=models.PROTECT, null=True, blank=True, related_name="account"
    )
    shop = models.OneToOneField(
        "shops.Shop", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="card", card__isnull=False, shop__isnull=True)
                    | Q(kind="shop", shop__isnull=False, card__isnull=True)
                    | Q(
                        kind__in=["cash", "breakage", "held"],
                        card__isnull=True,
                        shop__isnull=True,
                    )
                ),
                name="giftcard_account_owner",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind__in=["cash", "breakage", "held"]),
                name="giftcard_one_centre_account",
            ),
        ]

    def __str__(self):
        return f"{self.kind}:{self.card_id or self.shop_id or ''}"


class EntryKind(models.TextChoices):
    SALE = "sale", _("Sold online")
    COUNTER_SALE = "counter_sale", _("Sold at a shop's counter")
    REDEMPTION = "redemption", _("Spent at a shop")
    REFUND = "refund", _("Refunded")
    EXPIRY = "expiry", _("Expired")
    PAYOUT = "payout", _("Paid to the shop")
    HOLD = "hold", _("Held for an online order")
    RELEASE = "release", _("Hold released")
    ONLINE_SPEND = "online_spend", _("Spent online at a shop")
    CARD_RETURN = "card_return", _("Refunded onto the card")
    # A shop's online card shares against its transfer: what the card paid the shop above
    # the part's net (it owes that back), or a reversal the transfer could not take.
    SHOP_OWES = "shop_owes", _("Set off against the shop's transfer")
    CENTRE_OWES = "centre_owes", _("Owed to the shop for a card refund")


class Entry(models.Model):
    """One business event, posted as postings that add up to zero (`ledger.post`)."""

    kind = models.CharField(max_length=15, choices=EntryKind.choices)
    card = models.ForeignKey(
        GiftCard, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement = models.ForeignKey(
        "ShopStatement", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )

    class Meta:
        verbose_name_plural = "entries"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="entry_amount")]
        indexes = [models.Index(fields=["shop", "kind", "created_at"], name="giftcard_entry_idx")]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class Posting(models.Model):
    """Debit positive, credit negative."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="posting_not_zero")]

    def __str__(self):
        return f"{self.account}: {self.amount}"


class ShopStatement(models.Model):
    """A shop's gift card money on one of its settlements: what was spent with cards at its
    counter, less the cards it sold for cash there, is paid to it (or owed by it)."""

    settlement = models.OneToOneField(
        "commission.Settlement", on_delete=models.PROTECT, related_name="gift_cards"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    redeemed = models.DecimalField(max_digits=12, decimal_places=2)
    sold = models.DecimalField(max_digits=12, decimal_places=2)
    # Online card shares given back to cards by refunds, and set-offs against transfers
    # (SHOP_OWES less CENTRE_OWES): both come off what the shop is paid.
    returned = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    set_off = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # The transfer of `redeemed - sold` when positive; its key is derived from this row.
    transfer_reference = models.CharField(max_length=100, blank=True)
    transfer_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"{self.shop_id}/{self.settlement_id}: {self.net}"

    @property
    def net(self) -> Decimal:
        return self.redeemed - self.sold - self.returned - self.set_off


class UseStatus(models.TextChoices):
    HELD = "held", _("Held while the rest is paid")
    SPENT = "spent", _("Spent")
    RELEASED = "released", _("Released")


class OrderCardUse(models.Model):
    """A card paying (part of) an online order: held when the order is placed, spent per
    shop part when it is paid, released when its payment fails or expires."""

    order = models.OneToOneField(
        "order.Order", on_delete=models.PROTECT, related_name="gift_card_use"
    )
    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="order_uses")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=UseStatus.choices, default=UseStatus.HELD)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="card_use_amount")]

    def __str__(self):
        return f"{self.order_id}: {self.amount} ({self.status})"


class PartCardShare(models.Model):
    """What of one shop's part the card paid; `returned` of it went back onto the card by
    the part's refunds."""

    use = models.ForeignKey(OrderCardUse, on_delete=models.PROTECT, related_name="shares")
    part = models.OneToOneField(
        "logistics.OrderPart", on_delete=models.PROTECT, related_name="gift_card_share"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    returned = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="card_share_amount"),
            models.CheckConstraint(
                condition=Q(returned__gte=0, returned__lte=F("amount")),
                name="card_share_returned",
            ),
        ]

    def __str__(self):
        return f"{self.part_id}: {self.amount}"

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.returned
