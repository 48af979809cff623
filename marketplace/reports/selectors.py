"""Reads for reports, always for a Scope: the whole centre (staff) or one shop.

Sales figures come from the rollups (models.py), never from order lines, so they stay fast
at a million lines; `direct.py` computes the same figures from the order lines.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.models import ConnectionStatus, PosKind, SyncLog, SyncOutcome
from inventory_sync.selectors import stock_is_stale
from marketplace.models import SearchRecord
from shops.models import Shop

from . import blocks
from .definitions import (
    METHODS,
    SOLD_STATUSES,
    SUMMED,
    ZERO,
    SalesFigures,
    day_bounds,
    median_minutes,
    money,
)
from .models import (
    DailyCategorySales,
    DailyPickupMinutes,
    DailyProductSales,
    DailyShopSales,
    RollupDay,
)

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
OrderLineDiscount = get_model("order", "OrderLineDiscount")
FAILED_SYNC = (SyncOutcome.FAILED, SyncOutcome.REJECTED, SyncOutcome.CONFLICT)


@dataclass(frozen=True)
class Scope:
    """Whose figures: `shop` None is the whole centre (staff only; the view checks that)."""

    shop: Shop | None = None

    @property
    def shop_id(self) -> int | None:
        return self.shop.pk if self.shop else None

    def only(self, rows: QuerySet, field_name: str = "shop_id") -> QuerySet:
        return rows if self.shop is None else rows.filter(**{field_name: self.shop.pk})


@dataclass(frozen=True)
class Period:
    """Local days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period(start=end - timedelta(days=self.days - 1), end=end)


@dataclass
class Summary(SalesFigures):
    by_method: dict = field(default_factory=dict)

    @property
    def vat(self) -> Decimal:
        return self.gmv - self.gmv_excl_vat

    @property
    def net_sales(self) -> Decimal:
        return self.gmv - self.refunds

    @property
    def average_order_value(self) -> Decimal:
        return money(self.gmv / self.orders) if self.orders else ZERO


def sales_rows(scope: Scope, period: Period) -> QuerySet:
    rows = DailyShopSales.objects.filter(day__gte=period.start, day__lte=period.end)
    return scope.only(rows)


MONEY_FIELDS = {
    "gmv", "gmv_excl_vat", "refunds", "commission", "commission_vat", "lost_value", "discount",
}  # fmt: skip


def sums(rows: QuerySet, *group_by: str) -> list[dict]:
    summed = rows.values(*group_by).annotate(**{name: Sum(name) for name in SUMMED}).order_by()
    return [in_cents(row) for row in summed]


def in_cents(row: dict) -> dict:
    """Money to the cent, counts as ints (0 for an empty sum)."""
    for name, value in row.items():
        if name in MONEY_FIELDS:
            row[name] = money(value)
        elif name in SUMMED and value is None:
            row[name] = 0
    return row


def summary_for_scope(*, scope: Scope, period: Period) -> Summary:
    """Headline figures; for one shop its orders are its parts (see definitions)."""
    summary = Summary()
    for row in sums(sales_rows(scope, period), "method"):
        if scope.shop is not None:
            row["orders"] = row["parts"]
        summary.by_method[row["method"]] = {name: row[name] or 0 for name in SUMMED}
        for name in SUMMED:
            setattr(summary, name, getattr(summary, name) + (row[name] or 0))
    for method in METHODS:
        summary.by_method.setdefault(method, {name: 0 for name in SUMMED})
    return summary


def time_series_for_scope(*, scope: Scope, period: Period, granularity: str) -> list[dict]:
    """GMV, orders, units and commission per day, week (from Monday) or month, gaps as 0."""
    by_day = {row["day"]: row for row in sums(sales_rows(scope, period), "day")}
    buckets: dict[date, dict] = {}
    day = period.start
    while day <= period.end:
        bucket = buckets.setdefault(bucket_of(day, granularity), Counter())
        row = by_day.get(day)
        if row:
            orders = row["parts"] if scope.shop is not None else row["orders"]
            bucket.update(
                gmv=row["gmv"], orders=orders, units=row["units"], commission=row["commission"]
            )
        day += timedelta(days=1)
    return [
        {
            "period": start,
            **{name: bucket.get(name, 0) for name in ("gmv", "orders", "units", "commission")},
        }
        for start, bucket in buckets.items()
    ]


def bucket_of(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def shops_for_scope(*, scope: Scope, period: Period) -> list[dict]:
    rows = sums(sales_rows(scope, period), "shop_id")
    names = dict(scope.only(Shop.objects.all(), "pk").values_list("pk", "partner__name"))
    result = [
        {"shop": names.get(row["shop_id"], "?"), **{name: row[name] for name in SUMMED}}
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row["gmv"], row["shop"]))


def categories_for_scope(*, scope: Scope, period: Period) -> list[dict]:
    rows = scope.only(DailyCategorySales.objects.filter(day__gte=period.start, day__lte=period.end))
    rows = (
        rows.values("category_id")
        .annotate(
            parts=Sum("parts"), lines=Sum("lines"), units=Sum("units"), gmv=Sum("gmv"),
            gmv_excl_vat=Sum("gmv_excl_vat"), commission=Sum("commission"),
        )
        .order_by()
    )  # fmt: skip
    rows = [in_cents(row) for row in rows]
    names = category_names({row["category_id"] for row in rows if row["category_id"]})
    result = [{"category": names.get(row["category_id"], ""), **row} for row in rows]
    return sorted(result, key=lambda row: (-row["gmv"], row["category"]))


def category_names(category_ids: set[int]) -> dict[int, str]:
    """Full names ("Books > Novels") in two queries, whatever the depth."""
    categories = list(Category.objects.filter(pk__in=category_ids))
    ancestors = {
        category.path: category.name
        for category in Category.objects.filter(
            path__in={
                c.path[:end]
                for c in categories
                for end in range(Category.steplen, len(c.path), Category.steplen)
            }
        )
    }
    return {
        category.pk: " > ".join(
            [
                ancestors.get(category.path[:end], "")
                for end in range(Category.steplen, len(category.path), Category.steplen)
            ]
            + [category.name]
        )
        for category in categories
    }


def top_products_for_scope(
    *, scope: Scope, period: Period, limit: int = 10, cached: bool = True
) -> list[dict]:
    """The best sellers by GMV. The centre's are found by walking the product blocks
    (blocks.py); the answer is also cached under the newest refresh of the period's days,
    so a refreshed day makes a new key and it is never stale."""
    key = f"reports:top:{scope.shop_id}:{period.start}:{period.end}:{limit}:{freshness(period)}"
    found = cache.get(key) if cached else None
    if found is None:
        found = top_products(scope, period, limit)
        cache.set(key, found, timeout=24 * 3600)
    return found


def freshness(period: Period) -> str:
    days = RollupDay.objects.filter(day__gte=period.start, day__lte=period.end)
    stamp = days.aggregate(last=Max("refreshed_at"), days=Count("day"))
    return f"{stamp['days']}-{stamp['last'].timestamp() if stamp['last'] else 0}"


def top_products(scope: Scope, period: Period, limit: int) -> list[dict]:
    rows = None
    if scope.shop is None:
        rows = blocks.top_products_walk(period.start, period.end, limit)
    if rows is None:  # a shop's own few thousand rows, or an answer too deep to walk to
        rows = scope.only(
            DailyProductSales.objects.filter(day__gte=period.start, day__lte=period.end)
        )
        rows = list(blocks.product_sums(rows).order_by("-gmv", "-units", "product_id")[:limit])
    rows = [in_cents(row) for row in rows]
    titles = dict(
        Product.objects.filter(pk__in=[row["product_id"] for row in rows]).values_list(
            "pk", "title"
        )
    )
    return [{"product": titles.get(row["product_id"], ""), **row} for row in rows]


def failed_searches_for_scope(*, scope: Scope, period: Period, limit: int = 20) -> list[dict]:
    """Searches that found nothing, most asked first. The same for every scope: they are
    the whole centre's unmet demand and hold nothing of any shop."""
    start, end = day_bounds(period.start, period.end)
    rows = (
        SearchRecord.objects.filter(
            result_count=0, filtered_out=False, created_at__gte=start, created_at__lt=end
        )
        .values("normalised_query")
        .annotate(searches=Count("id"), last=Max("created_at"))
        .order_by("-searches", "normalised_query")[:limit]
    )
    return [{"query": row["normalised_query"], **row} for row in rows]


def delivery_for_scope(*, scope: Scope, period: Period) -> dict:
    """On-time rate of deliveries and the median minutes from ready to collected."""
    rows = sales_rows(scope, period)
    totals = rows.aggregate(done=Sum("deliveries_done"), on_time=Sum("deliveries_on_time"))
    done, on_time = totals["done"] or 0, totals["on_time"] or 0
    minutes = scope.only(
        DailyPickupMinutes.objects.filter(day__gte=period.start, day__lte=period.end)
    )
    histogram = dict(
        minutes.values("minutes").annotate(n=Sum("parts")).values_list("minutes", "n").order_by()
    )
    return {
        "deliveries": done,
        "on_time": on_time,
        "on_time_rate": round(100 * on_time / done, 1) if done else None,
        "collected": sum(histogram.values()),
        "median_minutes_ready_to_collected": median_minutes(histogram),
    }


def stock_sync_for_scope(*, scope: Scope, now=None, error_days: int = 7) -> list[dict]:
    """Per shop: how its stock sync is doing now, and its failed syncs of the last week."""
    now = now or timezone.now()
    shops = scope.only(Shop.objects.all(), "pk").select_related("partner", "pos_connection")
    since = now - timedelta(days=error_days)
    failed = SyncLog.objects.filter(outcome__in=FAILED_SYNC, started_at__gte=since)
    failures = dict(
        scope.only(failed).values("shop_id").annotate(n=Count("id")).values_list("shop_id", "n")
    )
    # Labels translated once: get_FOO_display hashes the lazy choices on every call.
    kinds = {value: str(label) for value, label in PosKind.choices}
    statuses = {value: str(label) for value, label in ConnectionStatus.choices}
    rows = []
    for shop in shops.order_by("partner__name"):
        connection = getattr(shop, "pos_connection", None)
        rows.append(
            {
                "shop": shop.partner.name,
                "connection": kinds.get(connection.kind, connection.kind) if connection else "",
                "status": statuses.get(connection.status, connection.status) if connection else "",
                "last_event": connection.last_synced_at if connection else None,
                "stale": stock_is_stale(shop, now),
                "errors": failures.get(shop.pk, 0),
                "last_error": connection.last_error[:200] if connection else "",
            }
        )
    return rows


def discounts_for_scope(*, scope: Scope, period: Period) -> list[dict]:
    """Uptake of each offer and voucher on sold lines: shop orders using it, discount, GMV."""
    start, end = day_bounds(period.start, period.end)
    # One Q, so every condition is on the same join: the line's own, sold part.
    own_part = Q(
        line__order__parts__placed_at__gte=start,
        line__order__parts__placed_at__lt=end,
        line__order__parts__shop__partner_id=F("line__partner_id"),
        line__order__parts__status__in=SOLD_STATUSES,
    )
    if scope.shop is not None:
        own_part &= Q(line__partner_id=scope.shop.partner_id)
    rows = (
        OrderLineDiscount.objects.filter(own_part)
        .values(offer=F("order_discount__offer_name"), voucher=F("order_discount__voucher_code"))
        .annotate(
            orders=Count("line__order", distinct=True),
            discount=Sum("amount"),
            gmv=Sum("line__line_price_incl_tax"),
        )
        .order_by("-discount", "offer")
    )
    return [in_cents(row) for row in rows]
