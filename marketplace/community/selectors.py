"""Reads of "my town", each scoped to the person or shop asking, and the approved reviews of
a shop or product: one query, kept in the cache until a review of it is moderated or edited
(selectors' `forget_rating`), so a busy shop or product page adds no query on a hit."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Q, Sum, Window
from oscar.core.loading import get_model

from marketplace.giftcards.selectors import cards_of_buyer

from .models import FavouriteShop, NewsPost, NewsPreference, Review, ReviewStatus

ProductAlert = get_model("customer", "ProductAlert")
SHOWN_REVIEWS = 10
RATING_SECONDS = 600  # a safety net: moderation and edits clear it at once
NEWS_SHOWN = 20


@dataclass(frozen=True)
class ShownReview:
    rating: int
    text: str
    author: str  # first name and initial, or "" (the page says "a customer")
    written: datetime


@dataclass(frozen=True)
class Rating:
    count: int
    total: int  # sum of the ratings: the average is computed exactly from it
    reviews: tuple[ShownReview, ...]

    @property
    def average(self) -> Decimal | None:
        """The mean rating to one decimal, rounded half up (4.25 → 4.3)."""
        if not self.count:
            return None
        return (Decimal(self.total) / self.count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rating_key(kind: str, subject_id: int) -> str:
    return f"community:rating:v1:{kind}:{subject_id}"


def author_of(first_name: str, last_name: str) -> str:
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first:
        return ""
    return f"{first} {last[0]}." if last else first


def read_rating(kind: str, subject_id: int) -> Rating:
    """The approved reviews' count and sum, and the newest few, in one query: the window
    aggregates count every approved row before the LIMIT cuts the list."""
    rows = list(
        Review.objects.filter(status=ReviewStatus.APPROVED, **{f"{kind}_id": subject_id})
        .annotate(approved=Window(Count("pk")), rating_sum=Window(Sum("rating")))
        .order_by("-updated_at", "-pk")
        .values_list(
            "rating",
            "text",
            "user__first_name",
            "user__last_name",
            "updated_at",
            "approved",
            "rating_sum",
        )[:SHOWN_REVIEWS]
    )
    if not rows:
        return Rating(0, 0, ())
    reviews = tuple(
        ShownReview(rating, text, author_of(first, last), written)
        for rating, text, first, last, written, _count, _sum in rows
    )
    return Rating(count=rows[0][5], total=rows[0][6], reviews=reviews)


def rating_of(*, kind: str, subject_id: int) -> Rating:
    """`kind` is "shop" or "product". From the cache when it holds it (None when Redis is
    away reads as a miss: marketplace/optional_cache.py)."""
    if kind not in ("shop", "product"):
        raise ValueError(kind)
    key = rating_key(kind, subject_id)
    found = cache.get(key)
    if isinstance(found, Rating):
        return found
    rating = read_rating(kind, subject_id)
    cache.set(key, rating, RATING_SECONDS)
    return rating


def forget_rating(review: Review) -> None:
    if review.shop_id:
        cache.delete(rating_key("shop", review.shop_id))
    if review.product_id:
        cache.delete(rating_key("product", review.product_id))


def favourite_shops_of(*, user):
    return (
        FavouriteShop.objects.filter(user=user)
        .select_related("shop__partner")
        .order_by("shop__partner__name")
    )


def favourite_shop_ids_of(*, user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(FavouriteShop.objects.filter(user=user).values_list("shop_id", flat=True))


def is_favourite(*, user, shop_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return FavouriteShop.objects.filter(user=user, shop_id=shop_id).exists()


def wants_news(*, user) -> bool:
    return NewsPreference.objects.filter(user=user, news_by_email=True).exists()


def open_alerts_of(*, user):
    return (
        ProductAlert.objects.filter(user=user, status=ProductAlert.ACTIVE)
        .select_related("product")
        .order_by("-date_created")
    )


def has_open_alert(*, user, product_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return ProductAlert.objects.filter(
        user=user, product_id=product_id, status=ProductAlert.ACTIVE
    ).exists()


def current_news(*, today: date):
    """Posts still shown: no end date, or an end date today or later."""
    return NewsPost.objects.filter(Q(until__isnull=True) | Q(until__gte=today))


def news_for(*, user, today: date):
    """Current news of the person's favourite shops, newest first."""
    return (
        current_news(today=today)
        .filter(shop__in=FavouriteShop.objects.filter(user=user).values("shop_id"))
        .select_related("shop__partner")
        .order_by("-created_at", "-pk")[:NEWS_SHOWN]
    )


def news_of_shop(*, shop):
    return NewsPost.objects.filter(shop=shop).order_by("-created_at", "-pk")


def follower_count(*, shop) -> int:
    """How many people have the shop as a favourite and want its news by e-mail."""
    return FavouriteShop.objects.filter(
        shop=shop, user__news_preference__news_by_email=True
    ).count()


def post_of_shop(*, shop, pk: int) -> NewsPost | None:
    """A post only if it is the asking shop's own (another shop's id finds nothing)."""
    return NewsPost.objects.filter(shop=shop, pk=pk).first()


def reviews_of(*, user):
    return (
        Review.objects.filter(user=user)
        .select_related("shop__partner", "product")
        .order_by("-updated_at", "-pk")
    )


def review_of(*, user, shop=None, product=None) -> Review | None:
    subject = {"shop": shop} if shop is not None else {"product": product}
    return Review.objects.filter(user=user, **subject).first()


def reviews_to_moderate():
    return (
        Review.objects.filter(status=ReviewStatus.PENDING)
        .select_related("user", "shop__partner", "product")
        .order_by("updated_at", "pk")
    )


def gift_cards_of(*, user):
    return cards_of_buyer(user=user)


def news_recipients(*, post: NewsPost):
    """People who have the post's shop as a favourite and asked for news by e-mail, with an
    address and an active account."""
    return (
        get_user_model()
        .objects.filter(
            favourite_shops__shop_id=post.shop_id,
            news_preference__news_by_email=True,
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )
