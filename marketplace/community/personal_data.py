"""A person's favourites, reviews and news choice in their data export, and what goes when
they delete their account (legal.personal_data finds this module)."""

from django.db import transaction

from legal.personal_data import plain

from .models import FavouriteShop, NewsPreference, Review
from .selectors import forget_rating


def export(*, user) -> dict[str, list[dict]]:
    reviews = Review.objects.filter(user=user).select_related("shop__partner", "product")
    return {
        "favourite_shops": [
            {"shop": favourite.shop.partner.name, "since": plain(favourite.created_at)}
            for favourite in FavouriteShop.objects.filter(user=user).select_related("shop__partner")
        ],
        "reviews": [
            {
                "shop": review.shop.partner.name if review.shop else "",
                "product": review.product.get_title() if review.product else "",
                "rating": review.rating,
                "text": review.text,
                "status": review.status,
                "written_at": plain(review.created_at),
            }
            for review in reviews.order_by("pk")
        ],
        "news_by_email": [
            {"news_by_email": preference.news_by_email, "changed_at": plain(preference.updated_at)}
            for preference in NewsPreference.objects.filter(user=user)
        ],
    }


def forget(*, user) -> None:
    """Their reviews go with the account (the pages stop showing them once it commits);
    favourites and the news choice go by the account's cascade."""
    reviews = list(Review.objects.filter(user=user))
    Review.objects.filter(pk__in=[review.pk for review in reviews]).delete()
    transaction.on_commit(lambda: forget_ratings(reviews))


def forget_ratings(reviews: list[Review]) -> None:
    for review in reviews:
        forget_rating(review)
