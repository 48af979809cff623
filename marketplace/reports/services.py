"""Keeps the sales rollups current. The only code that writes marketplace.reports' tables."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Min, Q, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from logistics.models import OrderPart
from marketplace.commission.models import PartCommission
from marketplace.payments.models import Refund

from . import blocks, rollup
from .definitions import day_bounds, sale_day
from .models import (
    DailyCategorySales,
    DailyPickupMinutes,
    DailyProductSales,
    DailyShopSales,
    ProductSalesBlock,
    RollupDay,
    RollupWatermark,
)

Line = get_model("order", "Line")
ProductCategory = get_model("catalogue", "ProductCategory")

# A change committed late can carry a timestamp from before the previous run began; looking
# back this far past the watermark catches every transaction shorter than it.
WATERMARK_OVERLAP = timedelta(minutes=5)
# Every table of rows per day and shop, each day (or shop's day) rewritten as a whole.
DAY_ROWS = (DailyShopSales, DailyCategorySales, DailyProductSales, DailyPickupMinutes)
PRODUCT_FIGURES = ("day", "shop_id", "product_id", "lines", "units", "gmv")
STAMPS = ("placed_at", "ready_at", "at_hub_at", "completed_at", "rejected_at", "cancelled_at")


def refresh_sales_days(
    *, days: Iterable[date], shop_ids: Iterable[int] | None = None, with_blocks: bool = True
) -> int:
    """Rewrites the rollups of each day (only of `shop_ids` when given) from the orders.

    Consecutive days go together, up to a week per transaction, holding their RollupDay
    rows locked (in day order), so two refreshes of a day (beat and an order event) run one
    after the other and the last one writes current figures. Idempotent: running it again
    writes the same rows. Returns the number of days done. `with_blocks` False leaves
    the product blocks to the caller (a rebuild builds them once at the end).
    """
    shops = sorted(set(shop_ids)) if shop_ids is not None else None
    done = 0
    for run in day_runs(sorted(set(days))):
        with transaction.atomic():
            for day in run:
                lock_day(day)
            write_days(run, shops, compute_days(run[0], run[-1], shops), with_blocks)
        done += len(run)
    return done


def day_runs(days: list[date], longest: int = 7) -> list[list[date]]:
    runs: list[list[date]] = []
    for day in days:
        if runs and len(runs[-1]) < longest and runs[-1][-1] + timedelta(days=1) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def refresh_order_sales(*, order_id: int) -> int:
    """An order was paid, or one of its parts rejected or refunded: refresh its shops' day."""
    parts = list(
        OrderPart.objects.filter(order_id=order_id, placed_at__isnull=False).values_list(
            "placed_at", "shop_id"
        )
    )
    if not parts:
        return 0
    days = {sale_day(placed_at) for placed_at, _shop in parts}
    return refresh_sales_days(days=days, shop_ids=[shop for _placed, shop in parts])


def refresh_changed_sales(*, now: datetime | None = None, with_blocks: bool = True) -> int:
    """Beat: refreshes every day with a change since the watermark, then moves it to `now`.

    Without a watermark (a new database) every day with a sale is built. Safe to run twice
    at once: days are locked one by one, and the watermark only moves forward.
    """
    now = now or timezone.now()
    watermark = RollupWatermark.objects.filter(pk=1).first()
    since = watermark.changes_until - WATERMARK_OVERLAP if watermark else None
    done = refresh_sales_days(days=changed_days(since=since), with_blocks=with_blocks)
    RollupWatermark.objects.get_or_create(pk=1, defaults={"changes_until": now})
    RollupWatermark.objects.filter(pk=1, changes_until__lt=now).update(changes_until=now)
    return done


def rebuild_sales_rollups() -> int:
    """Every day from scratch (after loading a city, or to repair). Resets the watermark."""
    RollupWatermark.objects.filter(pk=1).delete()
    for model in DAY_ROWS:
        model.objects.all().delete()
    RollupDay.objects.all().delete()
    done = refresh_changed_sales(with_blocks=False)
    blocks.rebuild_blocks()
    analyze_rollups()
    return done


def analyze_rollups() -> None:
    """Fresh statistics after a rebuild: with the empty tables' ones PostgreSQL plans the
    report queries for no rows (a week's top products took 128 ms instead of ~45)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (*DAY_ROWS, ProductSalesBlock):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def changed_days(*, since: datetime | None) -> set[date]:
    """Sale days of parts stamped, refunded or snapshotted at or after `since` (None: all)."""
    parts = OrderPart.objects.filter(placed_at__isnull=False)
    if since is not None:
        changed = Q()
        for stamp in STAMPS:
            changed |= Q(**{f"{stamp}__gte": since})
        refunded = Refund.objects.filter(created_at__gte=since).values("part_id")
        snapshotted = PartCommission.objects.filter(created_at__gte=since).values("part_id")
        parts = parts.filter(changed | Q(pk__in=refunded) | Q(pk__in=snapshotted))
    return {sale_day(placed_at) for placed_at in parts.values_list("placed_at", flat=True)}


def lock_day(day: date) -> None:
    RollupDay.objects.get_or_create(day=day, defaults={"refreshed_at": timezone.now()})
    RollupDay.objects.select_for_update().filter(day=day).update(refreshed_at=timezone.now())


def compute_days(first: date, last: date, shop_ids: list[int] | None) -> dict:
    """Each day of first..last (local) as a DayRollup, from one read of its parts and lines."""
    parts = fetch_parts(first, last, shop_ids)
    lines = fetch_lines(first, last, shop_ids)
    categories = primary_categories({line.product_id for line, _day in lines if line.product_id})
    # Every part of an order is placed (paid) at the same moment, so without a shop filter
    # the order's other parts are already here.
    first_part_of = (
        rollup.first_parts([(p.id, p.order_id, p.status, p.placed_at) for p in parts])
        if shop_ids is None
        else first_parts_of({part.order_id for part in parts})
    )
    parts_by_day, lines_by_day = defaultdict(list), defaultdict(list)
    for part in parts:
        parts_by_day[sale_day(part.placed_at)].append(part)
    for line, placed_at in lines:
        lines_by_day[sale_day(placed_at)].append(line)
    return {
        day: rollup.roll_up(
            parts=day_parts,
            lines=lines_by_day[day],
            category_of=categories,
            first_part_of=first_part_of,
        )
        for day, day_parts in parts_by_day.items()
    }


def fetch_parts(first: date, last: date, shop_ids: list[int] | None) -> list[rollup.PartRow]:
    start, end = day_bounds(first, last)
    parts = OrderPart.objects.filter(placed_at__gte=start, placed_at__lt=end)
    if shop_ids is not None:
        parts = parts.filter(shop_id__in=shop_ids)
    rows = (
        parts.values(
            "id", "order_id", "shop_id", "method", "status", "placed_at", "ready_at",
            "completed_at",
            partner_id=F("shop__partner_id"),
            slot_date=F("slot__date"),
            slot_ends=F("slot__ends"),
            gross=F("commission__gross"),
            snapshot_commission=F("commission__commission"),
            commission_vat=F("commission__vat_on_commission"),
        )
        .annotate(refunded=Sum("refunds__amount"))
        .order_by()
    )  # fmt: skip
    return [part_row(row) for row in rows]


def part_row(row: dict) -> rollup.PartRow:
    values = {key: value for key, value in row.items() if key != "snapshot_commission"}
    values["commission"] = row["snapshot_commission"] or rollup.ZERO
    values["commission_vat"] = row["commission_vat"] or rollup.ZERO
    values["refunded"] = row["refunded"] or rollup.ZERO
    return rollup.PartRow(**values)


def fetch_lines(first: date, last: date, shop_ids: list[int] | None) -> list[tuple]:
    """(LineRow, its part's placed_at) of every line of a part placed in first..last."""
    start, end = day_bounds(first, last)
    # One filter() call, so all conditions are on the same join: the line's own part.
    own_part = {
        "order__parts__placed_at__gte": start,
        "order__parts__placed_at__lt": end,
        "order__parts__shop__partner_id": F("partner_id"),
    }
    if shop_ids is not None:
        own_part["order__parts__shop_id__in"] = shop_ids
    rows = (
        Line.objects.filter(**own_part)
        .values_list(
            "order_id", "partner_id", "product_id", "quantity", "line_price_incl_tax",
            "line_price_excl_tax", "commission__commission", "order__parts__placed_at",
        )
        .order_by()
    )  # fmt: skip
    return [(rollup.LineRow(*row[:6], commission=row[6] or rollup.ZERO), row[7]) for row in rows]


def primary_categories(product_ids: set[int]) -> dict[int, int]:
    """Product -> its category with the lowest id: the one commission plans use too."""
    rows = (
        ProductCategory.objects.filter(product_id__in=product_ids)
        .values("product_id")
        .annotate(category_id=Min("category_id"))
        .values_list("product_id", "category_id")
        .order_by()
    )
    return dict(rows)


def first_parts_of(order_ids: set[int]) -> dict[int, int]:
    rows = OrderPart.objects.filter(order_id__in=order_ids).values_list(
        "id", "order_id", "status", "placed_at"
    )
    return rollup.first_parts(list(rows))


def write_days(
    days: list[date], shop_ids: list[int] | None, computed: dict, with_blocks: bool = True
) -> None:
    """Replaces the rows of `days` (of `shop_ids` only, when given) with `computed`, and
    the product blocks of the products whose daily figures changed."""

    def rows_of(model):
        rows = model.objects.filter(day__gte=days[0], day__lte=days[-1])
        return rows if shop_ids is None else rows.filter(shop_id__in=shop_ids)

    old_figures = (
        set(rows_of(DailyProductSales).values_list(*PRODUCT_FIGURES)) if with_blocks else set()
    )
    for model in DAY_ROWS:
        rows_of(model)._raw_delete(model.objects.db)
    shops, categories, products, pickups = [], [], [], []
    for day in days:
        figures = computed.get(day, rollup.DayRollup())
        shops += [
            DailyShopSales(day=day, shop_id=shop, method=method, **shop_fields(values))
            for (shop, method), values in figures.shops.items()
        ]
        pickups += [
            DailyPickupMinutes(day=day, shop_id=shop, minutes=minutes, parts=parts)
            for (shop, minutes), parts in pickup_counts(figures).items()
        ]
        categories += [
            DailyCategorySales(
                day=day, shop_id=shop, category_id=category, method=method, **vars(values)
            )
            for (shop, category, method), values in figures.categories.items()
        ]
        products += [
            DailyProductSales(
                day=day, shop_id=shop, product_id=product, lines=values.lines,
                units=values.units, gmv=values.gmv,
            )
            for (shop, product), values in figures.products.items()
        ]  # fmt: skip
    for model, rows in (
        (DailyShopSales, shops),
        (DailyCategorySales, categories),
        (DailyProductSales, products),
        (DailyPickupMinutes, pickups),
    ):
        model.objects.bulk_create(rows, batch_size=2000)
    if with_blocks:
        new_figures = {tuple(getattr(row, name) for name in PRODUCT_FIGURES) for row in products}
        changed = {product for _day, _shop, product, *_ in old_figures ^ new_figures}
        if changed:
            blocks.refresh_blocks(days, changed)


def shop_fields(values: rollup.ShopFigures) -> dict:
    fields = vars(values).copy()
    del fields["pickup_minutes"]
    return fields


def pickup_counts(figures: rollup.DayRollup) -> Counter:
    """(shop, minutes): parts, over the day's methods (only collect parts have minutes)."""
    counts: Counter = Counter()
    for (shop, _method), values in figures.shops.items():
        for minutes, parts in values.pickup_minutes.items():
            counts[(shop, minutes)] += parts
    return counts
