"""The basket seen per shop: lines, subtotal, today's hours, and when it can be picked up."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from inventory_sync.availability import available_online
from logistics.models import DeliverySettings
from shops.hours import schedule_for
from shops.models import OpeningHours, Shop


@dataclass
class BasketGroup:
    shop: Shop
    lines: list
    subtotal: Decimal
    periods_today: tuple[tuple[time, time], ...]
    all_in_stock: bool
    pickup_today_from: time | None


def shops_for_partners(partner_ids: set[int]) -> dict[int, Shop]:
    """The shops with their opening hours and exceptions, by partner id."""
    shops = (
        Shop.objects.filter(partner_id__in=partner_ids)
        .select_related("partner")
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            "opening_exceptions",
        )
    )
    return {shop.partner_id: shop for shop in shops}


def lines_by_partner(lines: list) -> dict[int, list]:
    """The lines per shop's partner id, in the order the shops first appear."""
    grouped: dict[int, list] = {}
    for line in lines:
        grouped.setdefault(line.stockrecord.partner_id, []).append(line)
    return grouped


def line_in_stock(line, shop: Shop) -> bool:
    available = available_online(line.stockrecord, safety_buffer=shop.safety_buffer)
    return available >= line.quantity


def basket_groups(
    basket, *, now: datetime | None = None, rules: DeliverySettings | None = None
) -> list[BasketGroup]:
    """Groups the basket's lines by shop, in the order the shops first appear, with each
    shop's hours today and when the lines can be picked up. Placing an order needs less:
    see `order_groups`. `rules`: the delivery settings if the caller has read them."""
    now = timezone.localtime(now or timezone.now())
    lines = list(basket.all_lines())
    grouped = lines_by_partner(lines)
    if not grouped:
        return []
    shops = shops_for_partners(set(grouped))
    # Read once for all shops (one query), not once per shop.
    preparation = timedelta(minutes=(rules or DeliverySettings.current()).preparation_minutes)
    return [
        group_of(shops[partner_id], shop_lines, now, with_hours=True, preparation=preparation)
        for partner_id, shop_lines in grouped.items()
    ]


def lines_for_order(basket) -> list:
    """The basket's lines with product and class, stock record and shop, in one query.

    Oscar's all_lines() would also prefetch images and options and read each product's
    class; an order needs none of that. Oscar's totals reuse the evaluated lines.
    """
    lines = basket.lines.select_related(
        "product__product_class",
        "product__parent__product_class",
        "stockrecord__partner__shop",
    ).order_by("pk")
    basket._lines = lines
    return list(lines)  # evaluates the queryset Oscar's all_lines() now returns


BASKET_FACTS = """
SELECT (SELECT count(*) FROM order_order WHERE basket_id = %(basket)s),
       EXISTS (SELECT 1 FROM basket_basket_vouchers WHERE basket_id = %(basket)s),
       EXISTS (SELECT 1 FROM basket_lineattribute JOIN basket_line
               ON basket_line.id = basket_lineattribute.line_id
               WHERE basket_line.basket_id = %(basket)s),
       EXISTS (SELECT 1 FROM campaigns_campaign
               WHERE starts_at <= %(now)s AND ends_at > %(now)s)
"""


@dataclass(frozen=True)
class BasketFacts:
    earlier_orders: int
    has_vouchers: bool
    has_options: bool
    # A centre campaign (marketplace.campaigns) runs now: its offers must be applied.
    campaign_running: bool = False


def basket_facts(basket) -> BasketFacts:
    """How many orders the basket made, and whether it has vouchers or line options, in one
    round trip: these are read while the order holds its stock rows."""
    with connection.cursor() as cursor:
        cursor.execute(BASKET_FACTS, {"basket": basket.pk, "now": timezone.now()})
        earlier, vouchers, options, campaign = cursor.fetchone()
    return BasketFacts(int(earlier), bool(vouchers), bool(options), bool(campaign))


def order_groups(lines: list) -> list[BasketGroup]:
    """Groups lines read by `lines_for_order` by shop (shops and subtotals only), without a
    query."""
    now = timezone.localtime()
    return [
        group_of(shop_lines[0].stockrecord.partner.shop, shop_lines, now, with_hours=False)
        for shop_lines in lines_by_partner(lines).values()
    ]


def group_of(
    shop: Shop,
    lines: list,
    now: datetime,
    with_hours: bool,
    preparation: timedelta | None = None,
) -> BasketGroup:
    for line in lines:
        line.stockrecord.partner = shop.partner  # already loaded: no query per line later
    subtotal = sum((line.line_price_incl_tax for line in lines), Decimal("0.00"))
    in_stock = all(line_in_stock(line, shop) for line in lines)
    group = BasketGroup(
        shop=shop,
        lines=lines,
        subtotal=subtotal,
        periods_today=(),
        all_in_stock=in_stock,
        pickup_today_from=None,
    )
    if with_hours:
        schedule = schedule_for(shop)
        if preparation is None:
            preparation = timedelta(minutes=DeliverySettings.current().preparation_minutes)
        group.periods_today = schedule.periods_on(now.date())
        if in_stock:
            group.pickup_today_from = schedule.earliest_pickup_today(now, preparation)
    return group
