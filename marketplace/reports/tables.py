"""Every report table as rows of typed values: the page, the charts, CSV and XLSX all read
these, so an export holds exactly the figures on screen."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from logistics.models import PartMethod

from . import selectors
from .selectors import Period, Scope, Summary

MONEY, COUNT, PERCENT, TEXT, DAY, MOMENT, MINUTES, FLAG, BY_ROW = (
    "money", "count", "percent", "text", "day", "moment", "minutes", "flag", "by_row",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass
class ReportTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    # For tables of one figure per row: each row's kind, used by its "by_row" columns.
    row_kinds: list[str] | None = None

    def column(self, key: str) -> list:
        index = [column.key for column in self.columns].index(key)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Request:
    """One page's question; its tables share what they both read (see `summary`)."""

    scope: Scope
    period: Period
    granularity: str = "day"
    found: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def summary(self, period: Period) -> selectors.Summary:
        if period not in self.found:
            self.found[period] = selectors.summary_for_scope(scope=self.scope, period=period)
        return self.found[period]


def percent(part, whole) -> float | None:
    return round(100 * float(part) / float(whole), 1) if whole else None


def change(now, before) -> float | None:
    return round(100 * (float(now) - float(before)) / float(before), 1) if before else None


def summary_rows(now: Summary, before: Summary) -> tuple[list[list], list[str]]:
    figures = [
        (_("GMV incl. VAT"), "gmv", MONEY),
        (_("VAT"), "vat", MONEY),
        (_("GMV excl. VAT"), "gmv_excl_vat", MONEY),
        (_("Refunds"), "refunds", MONEY),
        (_("Net sales"), "net_sales", MONEY),
        (_("Orders"), "orders", COUNT),
        (_("Average order value"), "average_order_value", MONEY),
        (_("Units sold"), "units", COUNT),
        (_("Order lines"), "lines", COUNT),
        (_("Commission earned"), "commission", MONEY),
        (_("VAT on commission"), "commission_vat", MONEY),
        (_("Rejected or cancelled parts"), "lost_parts", COUNT),
        (_("Value of rejected or cancelled parts"), "lost_value", MONEY),
    ]
    rows, kinds = [], []
    for label, name, kind in figures:
        value, previous = getattr(now, name), getattr(before, name)
        rows.append([str(label), value, previous, change(value, previous)])
        kinds.append(kind)
    for method in PartMethod:
        share = percent(now.by_method[method.value]["gmv"], now.gmv)
        earlier = percent(before.by_method[method.value]["gmv"], before.gmv)
        label = _("Share of GMV: %(method)s") % {"method": method.label}
        rows.append([str(label), share, earlier, None])
        kinds.append(PERCENT)
    return rows, kinds


def summary_table(request: Request) -> ReportTable:
    now, before = request.summary(request.period), request.summary(request.period.previous())
    rows, kinds = summary_rows(now, before)
    return ReportTable(
        "summary",
        str(_("Key figures")),
        [
            Column("figure", str(_("Figure"))),
            Column("period", str(_("This period")), BY_ROW),
            Column("previous", str(_("Previous period")), BY_ROW),
            Column("change", str(_("Change (%)")), PERCENT),
        ],
        rows,
        kinds,
    )


def over_time_table(request: Request) -> ReportTable:
    rows = selectors.time_series_for_scope(
        scope=request.scope, period=request.period, granularity=request.granularity
    )
    return ReportTable(
        "over_time",
        str(_("Over time")),
        [
            Column("period", str(_("From")), DAY),
            Column("gmv", str(_("GMV incl. VAT")), MONEY),
            Column("orders", str(_("Orders")), COUNT),
            Column("units", str(_("Units sold")), COUNT),
            Column("commission", str(_("Commission")), MONEY),
        ],
        [[r["period"], r["gmv"], r["orders"], r["units"], r["commission"]] for r in rows],
    )


def methods_table(request: Request) -> ReportTable:
    summary = request.summary(request.period)
    rows = []
    for method in PartMethod:
        figures = summary.by_method[method.value]
        rows.append(
            [
                str(method.label),
                figures["parts"],
                percent(figures["parts"], summary.parts),
                figures["gmv"],
                percent(figures["gmv"], summary.gmv),
            ]
        )
    return ReportTable(
        "methods",
        str(_("Click-and-collect and delivery")),
        [
            Column("method", str(_("Method"))),
            Column("parts", str(_("Shop orders")), COUNT),
            Column("parts_share", str(_("Share of shop orders (%)")), PERCENT),
            Column("gmv", str(_("GMV incl. VAT")), MONEY),
            Column("gmv_share", str(_("Share of GMV (%)")), PERCENT),
        ],
        rows,
    )


def shops_table(request: Request) -> ReportTable:
    rows = selectors.shops_for_scope(scope=request.scope, period=request.period)
    return ReportTable(
        "shops",
        str(_("Per shop")),
        [
            Column("shop", str(_("Shop"))),
            Column("parts", str(_("Shop orders")), COUNT),
            Column("gmv", str(_("GMV incl. VAT")), MONEY),
            Column("units", str(_("Units sold")), COUNT),
            Column("refunds", str(_("Refunds")), MONEY),
            Column("commission", str(_("Commission")), MONEY),
            Column("commission_vat", str(_("VAT on commission")), MONEY),
            Column("lost_parts", str(_("Rejected or cancelled")), COUNT),
        ],
        [
            [r["shop"], r["parts"], r["gmv"], r["units"], r["refunds"], r["commission"],
             r["commission_vat"], r["lost_parts"]]
            for r in rows
        ],
    )  # fmt: skip


def categories_table(request: Request) -> ReportTable:
    rows = selectors.categories_for_scope(scope=request.scope, period=request.period)
    total = sum((r["gmv"] for r in rows), Decimal("0"))
    return ReportTable(
        "categories",
        str(_("Per category")),
        [
            Column("category", str(_("Category"))),
            Column("parts", str(_("Shop orders with it")), COUNT),
            Column("units", str(_("Units sold")), COUNT),
            Column("gmv", str(_("GMV incl. VAT")), MONEY),
            Column("gmv_share", str(_("Share of GMV (%)")), PERCENT),
            Column("commission", str(_("Commission on goods")), MONEY),
        ],
        [
            [r["category"] or str(_("No category")), r["parts"], r["units"], r["gmv"],
             percent(r["gmv"], total), r["commission"]]
            for r in rows
        ],
    )  # fmt: skip


def products_table(request: Request) -> ReportTable:
    rows = selectors.top_products_for_scope(scope=request.scope, period=request.period)
    return ReportTable(
        "products",
        str(_("Top products")),
        [
            Column("product", str(_("Product"))),
            Column("units", str(_("Units sold")), COUNT),
            Column("gmv", str(_("GMV incl. VAT")), MONEY),
        ],
        [[r["product"], r["units"], r["gmv"]] for r in rows],
    )


def searches_table(request: Request) -> ReportTable:
    rows = selectors.failed_searches_for_scope(scope=request.scope, period=request.period)
    return ReportTable(
        "searches",
        str(_("Searches that found nothing")),
        [
            Column("query", str(_("Search"))),
            Column("searches", str(_("Times searched")), COUNT),
            Column("last", str(_("Last searched")), MOMENT),
        ],
        [[r["query"], r["searches"], r["last"]] for r in rows],
    )


def delivery_table(request: Request) -> ReportTable:
    figures = selectors.delivery_for_scope(scope=request.scope, period=request.period)
    return ReportTable(
        "delivery",
        str(_("Delivery and collection")),
        [Column("figure", str(_("Figure"))), Column("value", str(_("Value")), BY_ROW)],
        [
            [str(_("Deliveries made")), figures["deliveries"]],
            [str(_("Delivered within the slot")), figures["on_time"]],
            [str(_("On-time rate (%)")), figures["on_time_rate"]],
            [str(_("Parts collected at the shop")), figures["collected"]],
            [
                str(_("Median minutes from ready to collected")),
                figures["median_minutes_ready_to_collected"],
            ],
        ],
        [COUNT, COUNT, PERCENT, COUNT, MINUTES],
    )


def stock_sync_table(request: Request) -> ReportTable:
    rows = selectors.stock_sync_for_scope(scope=request.scope)
    return ReportTable(
        "stock_sync",
        str(_("Stock sync per shop")),
        [
            Column("shop", str(_("Shop"))),
            Column("connection", str(_("Connection"))),
            Column("status", str(_("Status"))),
            Column("last_event", str(_("Last sign of life")), MOMENT),
            Column("stale", str(_("Stale")), FLAG),
            Column("errors", str(_("Failed syncs (7 days)")), COUNT),
            Column("last_error", str(_("Last error"))),
        ],
        [
            [r["shop"], r["connection"] or str(_("By hand")), r["status"], r["last_event"],
             r["stale"], r["errors"], r["last_error"]]
            for r in rows
        ],
    )  # fmt: skip


def discounts_table(request: Request) -> ReportTable:
    rows = selectors.discounts_for_scope(scope=request.scope, period=request.period)
    return ReportTable(
        "discounts",
        str(_("Offers and vouchers")),
        [
            Column("offer", str(_("Offer"))),
            Column("voucher", str(_("Voucher code"))),
            Column("orders", str(_("Orders")), COUNT),
            Column("discount", str(_("Discount given")), MONEY),
            Column("gmv", str(_("GMV of discounted lines")), MONEY),
        ],
        [[r["offer"], r["voucher"], r["orders"], r["discount"], r["gmv"]] for r in rows],
    )


TABLES: dict[str, Callable[[Request], ReportTable]] = {
    "summary": summary_table,
    "over_time": over_time_table,
    "methods": methods_table,
    "shops": shops_table,
    "categories": categories_table,
    "products": products_table,
    "searches": searches_table,
    "delivery": delivery_table,
    "stock_sync": stock_sync_table,
    "discounts": discounts_table,
}


def kind_of(table: ReportTable, row_index: int, column_index: int) -> str:
    kind = table.columns[column_index].kind
    return table.row_kinds[row_index] if kind == BY_ROW and table.row_kinds else kind


def cells(table: ReportTable) -> list[list[tuple]]:
    """Rows of (value, kind) for the page's tables."""
    return [
        [(value, kind_of(table, row_index, column_index)) for column_index, value in enumerate(row)]
        for row_index, row in enumerate(table.rows)
    ]
