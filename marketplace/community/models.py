"""Favourite shops, news preferences, reviews by buyers and shops' news posts.

Back-in-stock alerts are Oscar's ProductAlert rows (customer app): one Product is the same
EAN at every shop (its StockRecords are the shops' offers), so an alert on the product
already covers every shop; alerts.py decides when one is due.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REVIEW_TEXT_MAX = 2000
REJECT_REASON_MAX = 300
NEWS_TITLE_MAX = 120
NEWS_TEXT_MAX = 1500


class FavouriteShop(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_shops"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("favourite shop")
        verbose_name_plural = _("favourite shops")
        constraints = [
            models.UniqueConstraint(fields=["user", "shop"], name="community_favourite_once")
        ]
        # "Who follows this shop" for a news post's e-mails.
        indexes = [models.Index(fields=["shop"], name="community_favourite_shop_idx")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.shop_id}"


class NewsPreference(models.Model):
    """Whether a person wants favourite shops' news by e-mail: off until they say yes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_preference"
    )
    news_by_email = models.BooleanField(_("news from my favourite shops by e-mail"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user_id}: {'news' if self.news_by_email else 'no news'}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Review(models.Model):
    """A buyer's review of a shop or of a product (exactly one of them). Shown only once
    management approved it; an edit sends it back to management."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_reviews"
    )
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), max_length=REVIEW_TEXT_MAX)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reject_reason = models.CharField(_("reason"), max_length=REJECT_REASON_MAX, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="community_review_rating"
            ),
            models.CheckConstraint(
                condition=Q(shop__isnull=False, product__isnull=True)
                | Q(shop__isnull=True, product__isnull=False),
                name="community_review_one_subject",
            ),
            models.UniqueConstraint(
                fields=["user", "shop"],
                condition=Q(shop__isnull=False),
                name="community_review_once_per_shop",
            ),
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(product__isnull=False),
                name="community_review_once_per_product",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status", "-updated_at"], name="community_review_shop"),
            models.Index(
                fields=["product", "status", "-updated_at"], name="community_review_product"
            ),
            models.Index(fields=["status", "updated_at"], name="community_review_queue"),
        ]

    def __str__(self):
        return f"{self.rating}/5 by {self.user_id}"


class NewsPost(models.Model):
    """A shop's short news for the people who made it a favourite and asked for news."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=NEWS_TITLE_MAX)
    text = models.TextField(_("text"), max_length=NEWS_TEXT_MAX)
    until = models.DateField(_("show until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        indexes = [models.Index(fields=["shop", "-created_at"], name="community_news_shop")]

    def __str__(self):
        return self.title
