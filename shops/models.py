from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

chamber_of_commerce_number = RegexValidator(
    r"^\d{8}$", _("A chamber of commerce (KvK) number has exactly 8 digits.")
)


class ShopKind(models.TextChoices):
    BOOKS = "books", _("Books")
    FASHION = "fashion", _("Fashion")
    SHOES = "shoes", _("Shoes")
    TOYS = "toys", _("Toys")
    DELI = "deli", _("Delicatessen")
    CHEESE = "cheese", _("Cheese")
    FLOWERS = "flowers", _("Flowers")
    BICYCLES = "bicycles", _("Bicycles")
    HOME = "home", _("Home and living")
    JEWELLERY = "jewellery", _("Jewellery")
    SPORTS = "sports", _("Sports")


class ShopStatus(models.TextChoices):
    # "Aangemeld": a shop that applied; a stock file that was applied is "Verwerkt".
    APPLIED = "applied", pgettext_lazy("shop status", "Applied")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Shop(models.Model):
    """A shop of the town centre: an Oscar Partner (who sells) plus its public profile.

    The partner's users are the shop's staff; everything a shop user sees is scoped by it.
    """

    partner = models.OneToOneField(
        "partner.Partner", on_delete=models.PROTECT, related_name="shop", verbose_name=_("partner")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind of shop"), max_length=20, choices=ShopKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ShopStatus.choices,
        default=ShopStatus.APPLIED,
        db_index=True,
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    chamber_of_commerce_number = models.CharField(
        _("chamber of commerce (KvK) number"),
        max_length=8,
        unique=True,
        validators=[chamber_of_commerce_number],
    )
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    pickup_instructions = models.TextField(_("pickup instructions"), blank=True)
    stripe_account_id = models.CharField(_("Stripe account"), max_length=64, blank=True)
    commission_plan = models.ForeignKey(
        "commission.CommissionPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shops",
        verbose_name=_("commission plan"),
        help_text=_("Empty means the default plan."),
    )
    safety_buffer = models.PositiveIntegerField(
        _("safety buffer"),
        default=0,
        help_text=_("Units per product kept back from online sale."),
    )
    stock_feed_max_age = models.DurationField(
        _("stock feed goes stale after"),
        default=timedelta(hours=24),
        help_text=_("Older stock is shown as 'availability to be confirmed'."),
    )
    return_days = models.PositiveSmallIntegerField(
        _("return period (days)"),
        default=14,
        validators=[MinValueValidator(14), MaxValueValidator(365)],
        help_text=_("Days after receipt a consumer may return goods; the law says at least 14."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["partner__name"]

    def __str__(self):
        return self.partner.name

    def get_absolute_url(self):
        return reverse("shops:detail", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return self.partner.name

    @property
    def takes_orders(self) -> bool:
        """Only an active shop sells: a paused or closed shop's basket lines are shown as
        unavailable and refused at checkout and at payment."""
        return self.status == ShopStatus.ACTIVE


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyPeriod(models.Model):
    """One opening period on a weekday; a day with a lunch break has two. Shops and places
    (localinfo) keep their hours in this shape; each names its own constraints."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        abstract = True
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class DayException(models.Model):
    """A date with other hours than usual: a holiday, a closed day, a late opening."""

    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        abstract = True
        verbose_name = _("opening hours exception")
        verbose_name_plural = _("opening hours exceptions")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date}: {self.reason or _('exception')}"


# Hours that are open: opens before closes, or closed all day.
OPENS_BEFORE_CLOSES = Q(opens__lt=models.F("closes"))
EXCEPTION_HOURS_WHEN_OPEN = Q(closed=True) | Q(
    opens__isnull=False, closes__isnull=False, opens__lt=models.F("closes")
)


class OpeningHours(WeeklyPeriod):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="opening_hours")

    class Meta(WeeklyPeriod.Meta):
        constraints = [
            models.CheckConstraint(condition=OPENS_BEFORE_CLOSES, name="opens_before_closes"),
            models.UniqueConstraint(
                fields=["shop", "weekday", "opens"], name="one_period_per_start"
            ),
        ]


class OpeningHoursException(DayException):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="opening_exceptions")

    class Meta(DayException.Meta):
        constraints = [
            models.UniqueConstraint(fields=["shop", "date"], name="one_exception_per_day"),
            models.CheckConstraint(
                condition=EXCEPTION_HOURS_WHEN_OPEN, name="exception_hours_when_open"
            ),
        ]


class ShopApplication(models.Model):
    """Who applied for a shop and what centre management decided.

    The contact person is kept apart from the shop's public profile: their e-mail is where
    the decision goes and becomes the owner's sign-in once the shop is approved.
    """

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="application", verbose_name=_("shop")
    )
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_message = models.TextField(_("decision message"), blank=True)

    class Meta:
        verbose_name = _("shop application")
        verbose_name_plural = _("shop applications")
        ordering = ["-applied_at", "-id"]

    def __str__(self):
        return f"{self.shop}: {self.contact_name}"


class ShopPhoto(models.Model):
    """A photo of the shop for its public page; the alt text is required for screen readers."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="shops/%Y/%m/")
    alt = models.CharField(_("what the photo shows"), max_length=200)
    display_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_order", "id"]
        verbose_name = _("shop photo")
        verbose_name_plural = _("shop photos")

    def __str__(self):
        return self.alt
