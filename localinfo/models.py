"""The town centre's local information besides the shops: places, events, news, and what the
channels (API, widget, event pages) were asked for.

Shops stay in shops.models; a place is what is not a shop (a restaurant, a museum, a parking
garage, a public toilet). Events and news are written by centre management (shown at once)
or by a shop (shown only once management approved them).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shops.models import (
    EXCEPTION_HOURS_WHEN_OPEN,
    OPENS_BEFORE_CLOSES,
    DayException,
    WeeklyPeriod,
)


class PlaceKind(models.TextChoices):
    RESTAURANT = "restaurant", _("Restaurant or café")
    CULTURE = "culture", _("Culture")
    PARKING_GARAGE = "parking_garage", _("Parking garage")
    BIKE_PARKING = "bike_parking", _("Bike parking")
    TOILET = "toilet", _("Public toilet")


def latitude_field():
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field():
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


class Place(models.Model):
    """A place of the centre that is not a shop; parking and toilets carry their tariffs."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices)
    description = models.TextField(_("description"), blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100)
    latitude = latitude_field()
    longitude = longitude_field()
    website = models.URLField(_("website"), blank=True)
    tariffs = models.TextField(
        _("tariffs"), blank=True, help_text=_("For parking and toilets: what it costs.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Parking places or bike racks.")
    )
    always_open = models.BooleanField(_("open day and night"), default=False)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class PlaceHours(WeeklyPeriod):
    """One opening period of a place on a weekday (the same shape as a shop's)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_hours")

    class Meta(WeeklyPeriod.Meta):
        constraints = [
            models.CheckConstraint(condition=OPENS_BEFORE_CLOSES, name="place_opens_before_closes"),
            models.UniqueConstraint(
                fields=["place", "weekday", "opens"], name="place_one_period_per_start"
            ),
        ]


class PlaceHoursException(DayException):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_exceptions")

    class Meta(DayException.Meta):
        constraints = [
            models.UniqueConstraint(fields=["place", "date"], name="place_one_exception_per_day"),
            models.CheckConstraint(
                condition=EXCEPTION_HOURS_WHEN_OPEN, name="place_exception_hours_when_open"
            ),
        ]


class Category(models.Model):
    """A category of events and news (markets, music, culture, …); each has its own feeds."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Recurrence(models.TextChoices):
    NONE = "", _("Once")
    DAILY = "DAILY", _("Every day")
    WEEKLY = "WEEKLY", _("Every week")
    MONTHLY = "MONTHLY", _("Every month")


class Publication(models.Model):
    """What events and news share: who wrote it, its review, its text, image and link."""

    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("Simple formatting only; links are kept."))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    image = models.ImageField(_("image"), upload_to="localinfo/%Y/%m/", blank=True)
    image_alt = models.CharField(_("what the image shows"), max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True)
    # Empty: written by centre management. A shop's items need management's approval.
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by shop"),
    )
    status = models.CharField(
        _("review"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_message = models.TextField(_("review message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class Event(Publication):
    """An event, once or recurring (an iCalendar RRULE frequency until a date)."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    recurrence = models.CharField(
        _("repeats"), max_length=8, choices=Recurrence.choices, blank=True, default=""
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    # Where: a shop, a place, or an address (one of them; the address may add a room).
    at_shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("at shop"),
    )
    at_place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("at place"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="event_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(recurrence="") | Q(repeat_until__isnull=False),
                name="event_recurring_has_end",
            ),
        ]

    def get_absolute_url(self):
        return reverse("localinfo:event", kwargs={"slug": self.slug})


class NewsItem(Publication):
    published_at = models.DateTimeField(_("published at"), db_index=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self):
        return reverse("localinfo:news-item", kwargs={"slug": self.slug})


class ApiPartner(models.Model):
    """A partner site or app reading the API or embedding the widget, known by its key."""

    name = models.CharField(_("name"), max_length=150)
    key = models.SlugField(
        _("key"),
        max_length=40,
        unique=True,
        help_text=_("Sent as ?partner=<key> (or the X-Partner header) so its requests count."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("API partner")
        verbose_name_plural = _("API partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    API = "api", _("API")
    WIDGET = "widget", _("Widget")
    FEED = "feed", _("Feeds and open data")


class ChannelUse(models.Model):
    """Requests per day, channel and partner."""

    day = models.DateField(_("day"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # A known partner's key; empty for callers who name none (or an unknown key).
    partner_key = models.CharField(_("partner key"), max_length=40, blank=True, default="")
    requests = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("channel use")
        verbose_name_plural = _("channel use")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "partner_key"], name="one_use_row_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.channel} {self.partner_key or '-'}: {self.requests}"


class EventView(models.Model):
    """Views of an event's page per day (most viewed events)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="views")
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "day"], name="one_view_row_per_day")
        ]

    def __str__(self):
        return f"{self.event_id} {self.day}: {self.views}"


class ShopBrand(models.Model):
    """A brand a shop carries, for the API's shop data ("where can I buy brand X")."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(_("brand"), max_length=100)

    class Meta:
        verbose_name = _("brand carried")
        verbose_name_plural = _("brands carried")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "name"], name="one_brand_name_per_shop")
        ]

    def __str__(self):
        return self.name
