"""Reads of shops for the public storefront (only active shops are public)."""

from datetime import date

from django.db.models import Prefetch, QuerySet
from oscar.core.loading import get_model

from .models import OpeningHoursException, Shop, ShopStatus

StockRecord = get_model("partner", "StockRecord")


def shops_for_storefront() -> QuerySet[Shop]:
    return Shop.objects.filter(status=ShopStatus.ACTIVE).select_related("partner")


def shops_with_hours(*, first_day: date, last_day: date) -> QuerySet[Shop]:
    """Active shops with weekly hours and the exceptions from first_day to last_day prefetched.

    Exceptions are limited to the window a page shows, because past holidays pile up over the
    years; three queries in all, however many shops.
    """
    exceptions = OpeningHoursException.objects.filter(date__gte=first_day, date__lte=last_day)
    return shops_for_storefront().prefetch_related(
        "opening_hours", Prefetch("opening_exceptions", queryset=exceptions)
    )


def offers_for_shop(*, shop: Shop) -> QuerySet:
    """The shop's public products with price and stock, one row per stock record."""
    return (
        StockRecord.objects.filter(partner_id=shop.partner_id, product__is_public=True)
        .select_related("product")
        .order_by("product__title", "id")
    )


def shop_of_user(*, user) -> Shop | None:
    """The shop a user works for (None for consumers, couriers and management)."""
    if not user.is_authenticated:
        return None
    return Shop.objects.filter(partner__users=user).select_related("partner").first()
