"""Sums one day's parts and lines into rollup rows. Pure: plain rows in, plain rows out.

`services.refresh_sales_days` fetches the rows and writes what this returns; the rules
applied here are the ones `definitions` states.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from .definitions import (
    ZERO,
    SalesFigures,
    delivered_on_time,
    is_lost,
    is_sold,
    minutes_between,
    reversed_share,
)


@dataclass(frozen=True)
class PartRow:
    id: int
    order_id: int
    shop_id: int
    partner_id: int
    method: str
    status: str
    placed_at: datetime | None
    ready_at: datetime | None = None
    completed_at: datetime | None = None
    slot_date: date | None = None
    slot_ends: time | None = None
    gross: Decimal | None = None  # the commission snapshot's gross; None: no snapshot
    commission: Decimal = ZERO
    commission_vat: Decimal = ZERO
    refunded: Decimal = ZERO


@dataclass(frozen=True)
class LineRow:
    order_id: int
    partner_id: int
    product_id: int | None
    quantity: int
    incl_vat: Decimal
    excl_vat: Decimal
    commission: Decimal = ZERO


@dataclass
class ShopFigures(SalesFigures):
    pickup_minutes: Counter = field(default_factory=Counter)


@dataclass
class GoodsFigures:
    parts: int = 0
    lines: int = 0
    units: int = 0
    gmv: Decimal = ZERO
    gmv_excl_vat: Decimal = ZERO
    commission: Decimal = ZERO


@dataclass
class DayRollup:
    shops: dict[tuple[int, str], ShopFigures] = field(default_factory=dict)
    categories: dict[tuple[int, int | None, str], GoodsFigures] = field(default_factory=dict)
    products: dict[tuple[int, int], GoodsFigures] = field(default_factory=dict)


def roll_up(
    *,
    parts: list[PartRow],
    lines: list[LineRow],
    category_of: dict[int, int],
    first_part_of: dict[int, int],
) -> DayRollup:
    """`first_part_of` maps an order to its sold part with the lowest id (see definitions)."""
    result = DayRollup()
    by_key = {(part.order_id, part.partner_id): part for part in parts}
    for part in parts:
        add_part(result, part, first_part_of)
    parts_with_category: set[tuple[int, int | None]] = set()
    for line in lines:
        part = by_key.get((line.order_id, line.partner_id))
        if part is None or not (
            is_sold(part.status, part.placed_at) or is_lost(part.status, part.placed_at)
        ):
            continue
        if is_lost(part.status, part.placed_at):
            figures(
                result.shops, (part.shop_id, part.method), ShopFigures
            ).lost_value += line.incl_vat
            continue
        category = category_of.get(line.product_id) if line.product_id else None
        add_line(result, part, line, category, parts_with_category)
    return result


def figures(table: dict, key, kind):
    if key not in table:
        table[key] = kind()
    return table[key]


def add_part(result: DayRollup, part: PartRow, first_part_of: dict[int, int]) -> None:
    if is_lost(part.status, part.placed_at):
        figures(result.shops, (part.shop_id, part.method), ShopFigures).lost_parts += 1
        return
    if not is_sold(part.status, part.placed_at):
        return
    shop = figures(result.shops, (part.shop_id, part.method), ShopFigures)
    shop.parts += 1
    shop.orders += first_part_of.get(part.order_id) == part.id
    shop.refunds += part.refunded
    if part.gross is not None:
        shop.commission += part.commission - reversed_share(
            part.commission, refunded=part.refunded, gross=part.gross
        )
        shop.commission_vat += part.commission_vat - reversed_share(
            part.commission_vat, refunded=part.refunded, gross=part.gross
        )
    add_service(shop, part)


def add_service(shop: ShopFigures, part: PartRow) -> None:
    """On-time delivery and time from ready to collected (see definitions)."""
    if part.completed_at is None:
        return
    if part.method == "delivery" and part.slot_date and part.slot_ends:
        shop.deliveries_done += 1
        shop.deliveries_on_time += delivered_on_time(
            part.completed_at, part.slot_date, part.slot_ends
        )
    elif part.method == "collect" and part.ready_at:
        shop.pickup_minutes[minutes_between(part.ready_at, part.completed_at)] += 1


def add_line(result, part: PartRow, line: LineRow, category, parts_with_category: set) -> None:
    shop = figures(result.shops, (part.shop_id, part.method), ShopFigures)
    goods = figures(result.categories, (part.shop_id, category, part.method), GoodsFigures)
    product = (
        figures(result.products, (part.shop_id, line.product_id), GoodsFigures)
        if line.product_id
        else GoodsFigures()
    )
    for target in (shop, goods, product):
        target.lines += 1
        target.units += line.quantity
        target.gmv += line.incl_vat
    shop.gmv_excl_vat += line.excl_vat
    goods.gmv_excl_vat += line.excl_vat
    goods.commission += line.commission
    if (part.id, category) not in parts_with_category:
        parts_with_category.add((part.id, category))
        goods.parts += 1


def first_parts(parts: list[tuple[int, int, str, datetime | None]]) -> dict[int, int]:
    """(id, order_id, status, placed_at) of every part of some orders -> order: first sold part."""
    first: dict[int, int] = defaultdict(lambda: 0)
    for part_id, order_id, status, placed_at in parts:
        if is_sold(status, placed_at) and (not first[order_id] or part_id < first[order_id]):
            first[order_id] = part_id
    return dict(first)
