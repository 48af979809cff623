"""What the platform stops keeping, and when (docs/privacy.md; the periods are settings).

- Searches linked to a person (Oscar's UserSearch) and the storefront's search log (free
  text, which may hold a name or an address someone typed): after SEARCH_LOG_RETENTION_DAYS.
- Baskets of visitors without an account, with no line added within
  ANONYMOUS_BASKET_RETENTION_DAYS and no order: deleted.
- Expired sessions: deleted.
- Orders placed more than ORDER_RETENTION_YEARS ago (the tax retention period): the
  consumer's personal data are removed (legal.anonymise); figures stay for the ledger.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.models import SearchRecord

from .anonymise import anonymise_orders
from .models import AnonymisedOrder

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
UserSearch = get_model("analytics", "UserSearch")

# Anonymous baskets in these states hold nothing an order needs.
UNORDERED_BASKETS = ["Open", "Merged", "Saved"]


def years_before(moment, years: int):
    """The same day `years` years earlier (28 February for a 29 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def remove_expired_personal_data() -> dict[str, int]:
    """One pass of the retention rules; returns how many rows each rule removed or
    anonymised. Safe to run again at any time: it only touches what is past its period."""
    now = timezone.now()
    search_cutoff = now - timedelta(days=settings.SEARCH_LOG_RETENTION_DAYS)
    basket_cutoff = now - timedelta(days=settings.ANONYMOUS_BASKET_RETENTION_DAYS)
    old_baskets = (
        Basket.objects.filter(
            owner__isnull=True, status__in=UNORDERED_BASKETS, date_created__lt=basket_cutoff
        )
        .exclude(lines__date_created__gte=basket_cutoff)
        .exclude(pk__in=Order.objects.filter(basket__isnull=False).values("basket_id"))
    )
    old_orders = (
        Order.objects.filter(date_placed__lt=years_before(now, settings.ORDER_RETENTION_YEARS))
        .exclude(pk__in=AnonymisedOrder.objects.values("order_id"))
        .values_list("pk", flat=True)
    )
    return {
        "user_searches": UserSearch.objects.filter(date_created__lt=search_cutoff).delete()[0],
        "search_records": SearchRecord.objects.filter(created_at__lt=search_cutoff).delete()[0],
        "baskets": Basket.objects.filter(pk__in=list(old_baskets.values_list("pk", flat=True)))
        .delete()[1]
        .get(Basket._meta.label, 0),
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "orders_anonymised": anonymise_orders(order_ids=list(old_orders)),
    }
