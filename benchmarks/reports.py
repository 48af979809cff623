"""Centre reports from the rollups beside the naive ORM aggregation over order lines.

`--size full` needs PostgreSQL holding the large demo city (1,000,000 order lines):
`manage.py seed_demo_city --size large`, which also builds the rollups. `--size smoke`
loads a tiny city when the database has no orders, so it runs on an empty test database.

Each report is asked for the last 30 days with sales (and the 30 before, for the key
figures' comparison), for the whole centre and for one shop, the way the report page asks;
the naive side computes the same figures straight from the order lines in the same run
(marketplace/reports/direct.py), and both answers are checked to be equal. Prints ms per
report (median of several runs) for both and the speed-up.
"""

import secrets
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Max
from oscar.core.loading import get_model

from benchmarks import benchmark
from marketplace.reports import direct, selectors
from marketplace.reports.models import DailyShopSales, RollupWatermark
from marketplace.reports.selectors import Period, Scope
from marketplace.reports.services import rebuild_sales_rollups, refresh_sales_days
from marketplace.reports.tables import TABLES, Request
from shops.models import Shop

Line = get_model("order", "Line")
LARGE_LINES = 900_000
REPEATS = {"smoke": (2, 1), "full": (7, 3)}  # (rollup runs, naive runs)
GOAL_MS, GOAL_SPEEDUP = 300, 10


def tiny_city() -> None:
    from marketplace.demo_city.generator import Size, generate_city
    from marketplace.demo_city.loader import CityLoader

    size = Size(shops=6, products=200, order_lines=1_500, couriers=2, customers=30)
    centre = (settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE)
    city = generate_city(size, seed=11, today=date.today(), centre=centre)
    logins = {role: f"bench-{role.replace(' ', '')}@stadsmarkt.test" for role in (
        "consumer", "shop owner 1", "shop owner 2", "courier", "management",
    )}  # fmt: skip
    quiet = lambda *args: lambda count: None  # noqa: E731
    CityLoader(city, password=secrets.token_urlsafe(), demo_logins=logins, progress=quiet).load()


def ready_data(size: str) -> None:
    lines = Line.objects.count()
    if size == "full":
        if connection.vendor != "postgresql" or lines < LARGE_LINES:
            raise SystemExit(
                "reports --size full needs PostgreSQL with the large city: "
                "manage.py seed_demo_city --size large"
            )
    elif lines == 0:
        tiny_city()
    if not RollupWatermark.objects.exists():
        rebuild_sales_rollups()


def milliseconds(run: Callable, repeats: int) -> tuple[float, object]:
    times, answer = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        answer = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), answer


def key_figures(answer) -> list:
    names = ("gmv", "orders", "units", "commission", "refunds")
    return [{name: getattr(summary, name) for name in names} for summary in answer]


def gmv_by_day(answer) -> list:
    if isinstance(answer, dict):  # the naive series: {day: figures}
        return sorted((day, row["gmv"]) for day, row in answer.items())
    return sorted((row["period"], row["gmv"]) for row in answer if row["gmv"])


def gmv_of_rows(answer) -> list:
    rows = answer.values() if isinstance(answer, dict) else answer
    return sorted(row["gmv"] for row in rows)


def products(answer) -> list:
    return [(row["product_id"], row["gmv"]) for row in answer]


def service(answer) -> tuple:
    return (
        answer["deliveries"],
        answer["on_time"],
        answer["median_minutes_ready_to_collected"],
    )


def report_pairs(scope: Scope, period: Period) -> dict[str, tuple[Callable, Callable, Callable]]:
    """name: (rollup report, naive report, the comparable figures of an answer)."""
    both = (period, period.previous())
    where = {"scope": scope, "period": period}
    return {
        "summary": (
            lambda: [selectors.summary_for_scope(scope=scope, period=p) for p in both],
            lambda: [direct.summary_direct(scope=scope, period=p) for p in both],
            key_figures,
        ),
        "over_time": (
            lambda: selectors.time_series_for_scope(**where, granularity="day"),
            lambda: direct.time_series_direct(**where, granularity="day"),
            gmv_by_day,
        ),
        "per_shop": (
            lambda: selectors.shops_for_scope(**where),
            lambda: direct.shops_direct(**where),
            gmv_of_rows,
        ),
        "per_category": (
            lambda: selectors.categories_for_scope(**where),
            lambda: direct.categories_direct(**where),
            gmv_of_rows,
        ),
        "top_products": (
            lambda: selectors.top_products_for_scope(**where),
            lambda: direct.top_products_direct(**where),
            products,
        ),
        "top_products_uncached": (
            lambda: selectors.top_products_for_scope(**where, cached=False),
            lambda: direct.top_products_direct(**where),
            products,
        ),
        "delivery": (
            lambda: selectors.delivery_for_scope(**where),
            lambda: direct.delivery_direct(**where),
            service,
        ),
    }


def measure(scope: Scope, period: Period, size: str, prefix: str) -> dict:
    figures: dict = {}
    for name, pair in report_pairs(scope, period).items():
        figures |= measure_pair(f"{prefix}{name}", pair, size)
    page_ms, _ = milliseconds(lambda: page_tables(Request(scope, period)), REPEATS[size][0])
    figures[f"{prefix}page_all_tables_ms"] = round(page_ms, 1)
    return figures


def page_tables(request: Request) -> list:
    """Every table of the page, built from one request as the view does."""
    return [build(request) for build in TABLES.values()]


def measure_pair(name: str, pair: tuple[Callable, Callable, Callable], size: str) -> dict:
    ours, naive, comparable = pair
    rollup_runs, naive_runs = REPEATS[size]
    ours_ms, ours_answer = milliseconds(ours, rollup_runs)
    naive_ms, naive_answer = milliseconds(naive, naive_runs)
    if comparable(ours_answer) != comparable(naive_answer):
        raise RuntimeError(f"{name}: the rollup and the order lines disagree")
    return {
        f"{name}_ms": round(ours_ms, 1),
        f"{name}_naive_ms": round(naive_ms, 1),
        f"{name}_speedup": round(naive_ms / max(ours_ms, 0.01), 1),
    }


def top_products_of_other_lengths(last: date, size: str) -> dict:
    """The uncached ranking of a week and of a quarter too: other lengths, other blocks."""
    figures = {}
    for days in (7, 90):
        period = Period(start=last - timedelta(days=days - 1), end=last)
        pair = report_pairs(Scope(), period)["top_products_uncached"]
        figures |= measure_pair(f"centre_top_products_{days}_days_uncached", pair, size)
    return figures


def last_period() -> Period:
    last = DailyShopSales.objects.aggregate(last=Max("day"))["last"] or date.today()
    return Period(start=last - timedelta(days=29), end=last)


@benchmark("reports")
def reports(size: str) -> dict:
    ready_data(size)
    period = last_period()
    busiest = (
        DailyShopSales.objects.values("shop_id").annotate(n=Max("parts")).order_by("-n").first()
    )
    shop = Shop.objects.get(pk=busiest["shop_id"])
    figures = {"order_lines": Line.objects.count(), "period": f"{period.start}..{period.end}"}
    figures |= measure(Scope(), period, size, "centre_")
    figures |= top_products_of_other_lengths(period.end, size)
    figures |= measure(Scope(shop), period, size, "shop_")
    started = time.perf_counter()
    refresh_sales_days(days=[period.end])
    figures["refresh_one_day_ms"] = round((time.perf_counter() - started) * 1000, 1)
    # The goals of WORKLOADS.md are for the centre's reports; a shop's are reported beside.
    centre = [
        key[: -len("_ms")]
        for key in figures
        if key.startswith("centre_") and key.endswith("_naive_ms")
    ]
    centre = [key[: -len("_naive")] for key in centre]
    # WORKLOADS.md's goal is per report; the page of all ten is printed beside it.
    figures["slowest_report_ms"] = max(figures[f"{key}_ms"] for key in centre)
    figures["smallest_speedup"] = min(figures[f"{key}_speedup"] for key in centre)
    figures["slowest_shop_report_ms"] = max(
        value
        for key, value in figures.items()
        if key.startswith("shop_") and key.endswith("_ms") and "naive" not in key
    )
    figures["goal_met"] = (
        figures["slowest_report_ms"] <= GOAL_MS and figures["smallest_speedup"] >= GOAL_SPEEDUP
    )
    print(
        f"slowest report {figures['slowest_report_ms']} ms, smallest speed-up "
        f"{figures['smallest_speedup']}x over {figures['order_lines']:,} order lines; "
        f"the whole page of ten tables {figures['centre_page_all_tables_ms']} ms"
    )
    return figures
