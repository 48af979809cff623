"""The centre's top products of any period, without summing every product's sales.

A month of the large city holds sales of ~90,000 products, about three days each, so no
rollup of days shrinks them and summing them all takes a few hundred ms. Instead each
product's sales are also kept per aligned block of 2, 4, ..., 128 days (ProductSalesBlock).
Any period fits in at most two adjacent blocks of the smallest size not shorter than it
(more for periods over 128 days). Read best first, the blocks give every product an upper
bound — a product can sell no more in the period than in the blocks around it — so
`top_products_walk` sums exactly only the products near the top of the blocks and stops
once the tenth best exact sum beats what any product not yet read could reach (Fagin's
threshold algorithm).
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection
from django.db.models import DateField, IntegerField, QuerySet, Sum, Value

from .models import DailyProductSales, ProductSalesBlock

BLOCK_SIZES = (2, 4, 8, 16, 32, 64, 128)
EPOCH = date(2000, 1, 3)  # blocks of every size start a whole number of sizes after it
ID_CHUNK = 2000  # product ids per statement (SQLite allows a few thousand parameters)


def block_start(day: date, size: int) -> date:
    return day - timedelta(days=(day - EPOCH).days % size)


def covering_blocks(start: date, end: date) -> list[tuple[int, date]]:
    """(size, start) of the fewest adjacent blocks of one size that hold start..end."""
    days = (end - start).days + 1
    size = next((size for size in BLOCK_SIZES if size >= days), BLOCK_SIZES[-1])
    first = block_start(start, size)
    return [
        (size, first + timedelta(days=offset)) for offset in range(0, (end - first).days + 1, size)
    ]


def refresh_blocks(days: Iterable[date], product_ids: Iterable[int] | None = None) -> None:
    """Rewrites the blocks holding `days` from DailyProductSales: only the rows of
    `product_ids` when given (the products whose daily rows changed), else whole blocks.
    Runs inside the caller's transaction, which holds those days locked."""
    blocks = sorted({(size, block_start(day, size)) for day in days for size in BLOCK_SIZES})
    chunks = [None] if product_ids is None else chunked(sorted(set(product_ids)))
    for size, start in blocks:
        for chunk in chunks:
            old = ProductSalesBlock.objects.filter(size=size, start=start)
            new = DailyProductSales.objects.filter(
                day__gte=start, day__lte=start + timedelta(days=size - 1)
            )
            if chunk is not None:
                old, new = old.filter(product_id__in=chunk), new.filter(product_id__in=chunk)
            old._raw_delete(old.db)
            insert_sums(size, start, new)


def insert_sums(size: int, start: date, daily_rows: QuerySet) -> None:
    """One INSERT … SELECT: the sums never pass through Python."""
    sums = (
        daily_rows.values("product_id")
        .annotate(
            lines=Sum("lines"),
            units=Sum("units"),
            gmv=Sum("gmv"),
            size=Value(size, output_field=IntegerField()),
            start=Value(start, output_field=DateField()),
        )
        .order_by()
    )
    select, params = sums.query.sql_with_params()
    table = connection.ops.quote_name(ProductSalesBlock._meta.db_table)
    columns = "product_id, lines, units, gmv, size, start"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)  # noqa: S608


def rebuild_blocks() -> None:
    """Every block from the daily rows (after a rebuild of the rollups, or to repair)."""
    ProductSalesBlock.objects.all()._raw_delete(ProductSalesBlock.objects.db)
    days = DailyProductSales.objects.order_by("day").values_list("day", flat=True)
    first, last = days.first(), days.last()
    if first is None:
        return
    every_day = (first + timedelta(days=n) for n in range((last - first).days + 1))
    refresh_blocks(every_day)


class BlockReader:
    """One block's products, best first, read in growing slices."""

    def __init__(self, size: int, start: date):
        self.rows = ProductSalesBlock.objects.filter(size=size, start=start).order_by(
            "-gmv", "product_id"
        )
        self.read = 0
        self.done = False
        self.bound = None  # gmv of the first row not read yet: no unread product has more

    def read_to(self, depth: int) -> list[int]:
        """The products of rows read..depth; looks one row further for the bound."""
        rows = list(self.rows.values_list("product_id", "gmv")[self.read : depth + 1])
        wanted, self.read = depth - self.read, depth
        self.done = len(rows) <= wanted
        self.bound = 0 if self.done else rows[wanted][1]
        return [product_id for product_id, _gmv in rows[:wanted]]


def exact_sums(start: date, end: date, product_ids: set[int]) -> list[dict]:
    rows = DailyProductSales.objects.filter(
        day__gte=start, day__lte=end, product_id__in=product_ids
    )
    return list(
        rows.values("product_id")
        .annotate(units=Sum("units"), gmv=Sum("gmv"), lines=Sum("lines"))
        .order_by()
    )


def rank(row: dict) -> tuple:
    return (-row["gmv"], -row["units"], row["product_id"])


def top_products_walk(
    start: date, end: date, limit: int, *, first_depth: int = 50, deepest: int = 20_000
) -> list[dict] | None:
    """The `limit` best products of start..end by gmv (then units, then id), with their
    exact sums; None when the answer lies deeper than `deepest` rows of a block (then
    summing everything is as cheap)."""
    readers = [BlockReader(size, block) for size, block in covering_blocks(start, end)]
    seen: set[int] = set()
    found: list[dict] = []
    depth = max(first_depth, limit)
    while True:
        new = set()
        for reader in readers:
            new.update(reader.read_to(depth))
        new -= seen
        seen |= new
        for chunk in chunked(sorted(new)):
            found += exact_sums(start, end, set(chunk))
        found = best = sorted(found, key=rank)[:limit]
        if all(reader.done for reader in readers):
            return best
        # A product not read yet sold at most `bound` in each block, so at most their sum.
        if len(best) == limit and best[-1]["gmv"] > sum(reader.bound for reader in readers):
            return best
        if depth >= deepest:
            return None
        depth *= 4


def chunked(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + ID_CHUNK] for i in range(0, len(ids), ID_CHUNK)]
