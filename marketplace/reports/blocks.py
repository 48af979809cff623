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
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import DateField, IntegerField, QuerySet, Sum, Value

from .models import DailyProductSales, ProductSalesBlock

BLOCK_SIZES = (2, 4, 8, 16, 32, 64, 128)
EPOCH = date(2000, 1, 3)  # blocks of every size start a whole number of sizes after it
BLOCKS_LOCK = 0x5B10C5  # pg_advisory_xact_lock key of the block writers
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
    """Rewrites the blocks holding `days`: only the rows of `product_ids` when given (the
    products whose daily rows changed), else whole blocks. Smallest first, each block is
    summed from its two halves (the smallest from the days), so it reads two rows per
    product, not one per day. Inside the caller's transaction, which locks those days."""
    lock_blocks()
    days = set(days)
    chunks = [None] if product_ids is None else chunked(sorted(set(product_ids)))
    for size in BLOCK_SIZES:
        for start in sorted({block_start(day, size) for day in days}):
            for chunk in chunks:
                old = ProductSalesBlock.objects.filter(size=size, start=start)
                new = halves(size, start)
                if chunk is not None:
                    old, new = old.filter(product_id__in=chunk), new.filter(product_id__in=chunk)
                old._raw_delete(old.db)
                insert_sums(size, start, new)


def halves(size: int, start: date) -> QuerySet:
    if size == BLOCK_SIZES[0]:
        return DailyProductSales.objects.filter(
            day__gte=start, day__lte=start + timedelta(days=size - 1)
        )
    half = size // 2
    return ProductSalesBlock.objects.filter(
        size=half, start__in=[start, start + timedelta(days=half)]
    )


def lock_blocks() -> None:
    """A block spans days that are refreshed apart, by the beat and by order events: one
    writer at a time, else two could insert the same product's row. Taken after the days'
    locks, always last, so it closes no cycle. (SQLite has one writer anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BLOCKS_LOCK])


def product_sums(rows: QuerySet) -> QuerySet:
    """Daily or block rows summed per product: product_id, units, gmv, lines."""
    return rows.values("product_id").annotate(
        units=Sum("units"), gmv=Sum("gmv"), lines=Sum("lines")
    )


def insert_sums(size: int, start: date, rows: QuerySet) -> None:
    """One INSERT … SELECT of `rows` summed per product: the sums never pass through Python."""
    sums = (
        product_sums(rows)
        .annotate(
            size=Value(size, output_field=IntegerField()),
            start=Value(start, output_field=DateField()),
        )
        .order_by()
    )
    select, params = sums.query.sql_with_params()
    table = connection.ops.quote_name(ProductSalesBlock._meta.db_table)
    columns = "product_id, units, gmv, lines, size, start"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)  # noqa: S608


def rebuild_blocks() -> None:
    """Every block from the daily rows (after a rebuild of the rollups, or to repair)."""
    with transaction.atomic():
        lock_blocks()
        ProductSalesBlock.objects.all()._raw_delete(ProductSalesBlock.objects.db)
        days = DailyProductSales.objects.order_by("day").values_list("day", flat=True)
        first, last = days.first(), days.last()
        if first is not None:
            refresh_blocks(first + timedelta(days=n) for n in range((last - first).days + 1))


class BlockReader:
    """One block's products, best first, read in growing slices."""

    def __init__(self, size: int, start: date):
        self.rows = ProductSalesBlock.objects.filter(size=size, start=start).order_by(
            "-gmv", "product_id"
        )
        self.read = 0
        self.done = False
        self.bound = None  # gmv of the first row not read yet: no unread product has more

    def read_to(self, depth: int) -> list[tuple[int, Decimal]]:
        """(product, gmv) of rows read..depth; looks one row further for the bound."""
        rows = list(self.rows.values_list("product_id", "gmv")[self.read : depth + 1])
        wanted, self.read = depth - self.read, depth
        self.done = len(rows) <= wanted
        self.bound = 0 if self.done else rows[wanted][1]
        return rows[:wanted]


def exact_sums(start: date, end: date, product_ids: Iterable[int]) -> list[dict]:
    rows = DailyProductSales.objects.filter(
        day__gte=start, day__lte=end, product_id__in=list(product_ids)
    )
    return list(product_sums(rows).order_by())


def rank(row: dict) -> tuple:
    return (-row["gmv"], -row["units"], row["product_id"])


class Walk:
    """Reads the blocks best first and sums exactly only the products that could still
    make the top: a product read in some blocks sold at most what they say, plus at most
    the next unread row's gmv in each block where it was not read yet."""

    def __init__(self, start: date, end: date, limit: int):
        self.start, self.end, self.limit = start, end, limit
        self.readers = [BlockReader(size, block) for size, block in covering_blocks(start, end)]
        self.read: dict[int, dict[int, Decimal]] = {}  # product -> {block: gmv}
        self.pending: set[int] = set()  # read, not decided yet
        self.decided: set[int] = set()  # summed, or out of the running for good
        self.best: list[dict] = []  # the best exact sums so far, at most `limit`

    def read_to(self, depth: int) -> None:
        for index, reader in enumerate(self.readers):
            for product, gmv in reader.read_to(depth):
                self.read.setdefault(product, {})[index] = gmv
                if product not in self.decided:
                    self.pending.add(product)

    def most(self, product: int) -> Decimal:
        sold = self.read[product]
        return sum(sold.get(index, r.bound) for index, r in enumerate(self.readers))

    def floor(self) -> Decimal | None:
        return self.best[-1]["gmv"] if len(self.best) == self.limit else None

    def decide(self) -> None:
        """Sums the most promising pending products until none could beat the floor.
        Bounds only fall and the floor only rises, so a product left out stays out."""
        most = {product: self.most(product) for product in self.pending}
        queue = sorted(self.pending, key=most.__getitem__, reverse=True)
        self.decided |= self.pending
        self.pending = set()
        batch = 4 * self.limit
        while queue:
            floor = self.floor()
            if floor is not None and most[queue[0]] < floor:
                return
            chosen, queue = queue[:batch], queue[batch:]
            for chunk in chunked(chosen):
                self.best += exact_sums(self.start, self.end, chunk)
            self.best = sorted(self.best, key=rank)[: self.limit]
            batch *= 2

    def finished(self) -> bool:
        if all(reader.done for reader in self.readers):
            return True
        floor = self.floor()
        # A product not read anywhere sold at most the sum of the blocks' bounds.
        return floor is not None and floor > sum(reader.bound for reader in self.readers)


def top_products_walk(
    start: date, end: date, limit: int, *, first_depth: int = 200, deepest: int = 20_000
) -> list[dict] | None:
    """The `limit` best products of start..end by gmv (then units, then id), with their
    exact sums; None when the answer lies deeper than `deepest` rows of a block (then
    summing everything is as cheap)."""
    walk = Walk(start, end, limit)
    depth = max(first_depth, limit)
    while True:
        walk.read_to(depth)
        walk.decide()
        if walk.finished():
            return walk.best
        if depth >= deepest:
            return None
        depth *= 2


def chunked(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + ID_CHUNK] for i in range(0, len(ids), ID_CHUNK)]
