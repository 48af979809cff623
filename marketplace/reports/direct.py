"""The report figures computed straight from order lines and parts, without the rollups.

The naive way, kept on purpose: the tests check the rollups against it on random data,
and `benchmarks/reports.py` times it beside the rollup selectors. Same rules
(definitions.py), different path: one ORM aggregation over the lines per figure.
"""

from datetime import date

from django.db.models import Count, F, Min, OuterRef, Subquery, Sum
from django.db.models.functions import TruncDate
from oscar.core.loading import get_model

from logistics.models import OrderPart

from .definitions import (
    LOST_STATUSES,
    SOLD_STATUSES,
    ZERO,
    day_bounds,
    delivered_on_time,
    local_zone,
    median_minutes,
    minutes_between,
    money,
    reversed_share,
)
from .selectors import Period, Scope, Summary, bucket_of, in_cents

Line = get_model("order", "Line")
ProductCategory = get_model("catalogue", "ProductCategory")


def lines_of_parts(scope: Scope, period: Period, statuses=SOLD_STATUSES):
    start, end = day_bounds(period.start, period.end)
    own_part = {
        "order__parts__placed_at__gte": start,
        "order__parts__placed_at__lt": end,
        "order__parts__shop__partner_id": F("partner_id"),
        "order__parts__status__in": statuses,
    }
    if scope.shop is not None:
        own_part["partner_id"] = scope.shop.partner_id
    return Line.objects.filter(**own_part)


def parts_of(scope: Scope, period: Period, statuses=SOLD_STATUSES):
    start, end = day_bounds(period.start, period.end)
    parts = OrderPart.objects.filter(placed_at__gte=start, placed_at__lt=end, status__in=statuses)
    return scope.only(parts)


def line_aggregates(lines, *group_by):
    return (
        lines.values(*group_by)
        .annotate(
            lines=Count("id"),
            units=Sum("quantity"),
            gmv=Sum("line_price_incl_tax"),
            gmv_excl_vat=Sum("line_price_excl_tax"),
        )
        .order_by()
    )


def line_sums(lines, *group_by) -> list[dict]:
    return [in_cents(row) for row in line_aggregates(lines, *group_by)]


def summary_direct(*, scope: Scope, period: Period) -> Summary:
    summary = Summary()
    for row in line_sums(lines_of_parts(scope, period), "order__parts__method"):
        for name in ("lines", "units", "gmv", "gmv_excl_vat"):
            setattr(summary, name, getattr(summary, name) + row[name])
    parts = parts_of(scope, period)
    totals = parts.aggregate(
        parts=Count("id"), orders=Count("order_id", distinct=True), refunds=Sum("refunds__amount")
    )
    summary.parts, summary.refunds = totals["parts"], money(totals["refunds"])
    summary.orders = totals["parts"] if scope.shop is not None else totals["orders"]
    summary.commission, summary.commission_vat = commission_direct(parts)
    lost = parts_of(scope, period, LOST_STATUSES)
    summary.lost_parts = lost.count()
    lost_lines = lines_of_parts(scope, period, LOST_STATUSES)
    summary.lost_value = money(lost_lines.aggregate(v=Sum("line_price_incl_tax"))["v"])
    summary.deliveries_done, summary.deliveries_on_time = deliveries_direct(parts)
    return summary


def commission_direct(parts) -> tuple:
    sums = parts.aggregate(
        snapshots=Sum("commission__commission"), vat=Sum("commission__vat_on_commission")
    )
    commission, vat = money(sums["snapshots"]), money(sums["vat"])
    refunded = (
        parts.filter(refunds__isnull=False, commission__isnull=False)
        .values(
            "id", "commission__gross", "commission__commission", "commission__vat_on_commission"
        )
        .annotate(refunded=Sum("refunds__amount"))
    )
    for part in refunded:
        gross, paid_back = part["commission__gross"], part["refunded"]
        commission -= reversed_share(
            part["commission__commission"], refunded=paid_back, gross=gross
        )
        vat -= reversed_share(
            part["commission__vat_on_commission"], refunded=paid_back, gross=gross
        )
    return commission, vat


def deliveries_direct(parts) -> tuple[int, int]:
    delivered = parts.filter(
        method="delivery", completed_at__isnull=False, slot__isnull=False
    ).values_list("completed_at", "slot__date", "slot__ends")
    done = on_time = 0
    for completed_at, slot_date, slot_ends in delivered:
        done += 1
        on_time += delivered_on_time(completed_at, slot_date, slot_ends)
    return done, on_time


def time_series_direct(*, scope: Scope, period: Period, granularity: str) -> dict[date, dict]:
    day = TruncDate("order__parts__placed_at", tzinfo=local_zone())
    series: dict[date, dict] = {}
    for row in line_sums(lines_of_parts(scope, period).annotate(day=day), "day"):
        bucket = series.setdefault(bucket_of(row["day"], granularity), {"gmv": ZERO, "orders": 0})
        bucket["gmv"] += row["gmv"]
    part_day = TruncDate("placed_at", tzinfo=local_zone())
    orders = "id" if scope.shop is not None else "order_id"
    parts = (
        parts_of(scope, period).annotate(day=part_day).values("day")
        .annotate(orders=Count(orders, distinct=True)).order_by()
    )  # fmt: skip
    for row in parts:
        bucket = series.setdefault(bucket_of(row["day"], granularity), {"gmv": ZERO, "orders": 0})
        bucket["orders"] += row["orders"]
    return series


def shops_direct(*, scope: Scope, period: Period) -> dict[int, dict]:
    shops = {}
    for row in line_sums(lines_of_parts(scope, period), "order__parts__shop_id"):
        shops[row.pop("order__parts__shop_id")] = row
    return shops


def categories_direct(*, scope: Scope, period: Period) -> dict[int | None, dict]:
    primary = (
        ProductCategory.objects.filter(product_id=OuterRef("product_id"))
        .values("product_id")
        .annotate(first=Min("category_id"))
        .values("first")
    )
    lines = lines_of_parts(scope, period).annotate(category_id=Subquery(primary))
    return {row.pop("category_id"): row for row in line_sums(lines, "category_id")}


def top_products_direct(*, scope: Scope, period: Period, limit: int = 10) -> list[dict]:
    rows = line_aggregates(lines_of_parts(scope, period), "product_id")
    return [in_cents(row) for row in rows.order_by("-gmv", "-units", "product_id")[:limit]]


def delivery_direct(*, scope: Scope, period: Period) -> dict:
    parts = parts_of(scope, period)
    done, on_time = deliveries_direct(parts)
    collected = parts.filter(
        method="collect", ready_at__isnull=False, completed_at__isnull=False
    ).values_list("ready_at", "completed_at")
    histogram: dict[int, int] = {}
    for ready_at, completed_at in collected:
        minutes = minutes_between(ready_at, completed_at)
        histogram[minutes] = histogram.get(minutes, 0) + 1
    return {
        "deliveries": done,
        "on_time": on_time,
        "collected": sum(histogram.values()),
        "median_minutes_ready_to_collected": median_minutes(histogram),
    }
