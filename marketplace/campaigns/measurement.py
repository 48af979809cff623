"""How a campaign did: per participating shop and in total, the campaign's period against
the period of the same length just before it.

Definitions (the report, its chart and its exports use exactly these):
- sale: a paid part (placed_at set) of a participating shop, not rejected or cancelled;
  its revenue is what the consumer paid for its goods (subtotal − campaign discounts).
- uptake: orders (and parts) during the period that used the campaign, and the discount
  given (goods discount + delivery fees waived).
- extra revenue: revenue during − revenue before.
- new customer: ordered at the shop (in total: at any participating shop) during the period
  and never before the campaign's start; returning: ordered there before.
- average basket: revenue / number of sales (per shop: parts; in total: orders).
A customer is the account, or the e-mail address of a guest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum

from logistics.models import OrderPart, PartStatus

from .models import Campaign, CampaignUse

ZERO = Decimal("0.00")
LOST = (PartStatus.REJECTED, PartStatus.CANCELLED, PartStatus.PENDING_PAYMENT)


@dataclass(frozen=True)
class Sale:
    part_id: int
    order_id: int
    shop_id: int
    customer: str
    placed_at: datetime | None
    revenue: Decimal
    discount: Decimal  # this campaign's, goods + delivery (0 when it did not apply)
    used: bool


@dataclass(frozen=True)
class Figures:
    label: str
    orders_using: int
    discount_given: Decimal
    revenue_during: Decimal
    revenue_before: Decimal
    new_customers: int
    returning_customers: int
    average_during: Decimal
    average_before: Decimal

    @property
    def extra_revenue(self) -> Decimal:
        return self.revenue_during - self.revenue_before


def average(total: Decimal, count: int) -> Decimal:
    return (total / count).quantize(Decimal("0.01")) if count else ZERO


def figures_of(
    label: str, *, during: list[Sale], before: list[Sale], known_before: set[str], by_order: bool
) -> Figures:
    """Pure: the figures of one shop (or the total) from its sales in both periods."""
    revenue_during = sum((sale.revenue for sale in during), ZERO)
    revenue_before = sum((sale.revenue for sale in before), ZERO)
    customers = {sale.customer for sale in during}

    def count(sales: list[Sale]) -> int:
        return len({sale.order_id for sale in sales}) if by_order else len(sales)

    return Figures(
        label=label,
        orders_using=len({sale.order_id for sale in during if sale.used}),
        discount_given=sum((sale.discount for sale in during), ZERO),
        revenue_during=revenue_during,
        revenue_before=revenue_before,
        new_customers=len(customers - known_before),
        returning_customers=len(customers & known_before),
        average_during=average(revenue_during, count(during)),
        average_before=average(revenue_before, count(before)),
    )


def customer_of(order) -> str:
    return f"user-{order.user_id}" if order.user_id else f"guest-{order.guest_email.lower()}"


def period_before(campaign: Campaign) -> tuple[datetime, datetime]:
    return campaign.starts_at - (campaign.ends_at - campaign.starts_at), campaign.starts_at


def sales_of(
    campaign: Campaign, shop_ids: Iterable[int], start: datetime, end: datetime
) -> list[Sale]:
    parts = list(
        OrderPart.objects.filter(
            shop_id__in=list(shop_ids), placed_at__gte=start, placed_at__lt=end
        )
        .exclude(status__in=LOST)
        .select_related("order", "shop")
        .order_by("pk")
    )
    all_discounts = dict(
        CampaignUse.objects.filter(part__in=parts)
        .values("part_id")
        .annotate(total=Sum("discount"))
        .values_list("part_id", "total")
    )
    mine = {
        use.part_id: use.discount + use.delivery_waived
        for use in CampaignUse.objects.filter(part__in=parts, campaign=campaign)
    }
    return [
        Sale(
            part_id=part.pk,
            order_id=part.order_id,
            shop_id=part.shop_id,
            customer=customer_of(part.order),
            placed_at=part.placed_at,
            revenue=part.subtotal_incl_vat - all_discounts.get(part.pk, ZERO),
            discount=mine.get(part.pk, ZERO),
            used=part.pk in mine,
        )
        for part in parts
    ]


def known_customers(shop_ids: Iterable[int], before: datetime) -> dict[int, set[str]]:
    """{shop id: customers with a sale there before `before`}."""
    parts = (
        OrderPart.objects.filter(shop_id__in=list(shop_ids), placed_at__lt=before)
        .exclude(status__in=LOST)
        .select_related("order")
    )
    found: dict[int, set[str]] = {}
    for part in parts.iterator():
        found.setdefault(part.shop_id, set()).add(customer_of(part.order))
    return found


def campaign_figures(campaign: Campaign) -> tuple[list[Figures], Figures]:
    """(per participating shop by name, total)."""
    shops = {
        p.shop_id: p.shop.name for p in campaign.participations.select_related("shop__partner")
    }
    during = sales_of(campaign, shops, campaign.starts_at, campaign.ends_at)
    start, end = period_before(campaign)
    before = sales_of(campaign, shops, start, end)
    known = known_customers(shops, campaign.starts_at)
    per_shop = [
        figures_of(
            name,
            during=[sale for sale in during if sale.shop_id == shop_id],
            before=[sale for sale in before if sale.shop_id == shop_id],
            known_before=known.get(shop_id, set()),
            by_order=False,
        )
        for shop_id, name in sorted(shops.items(), key=lambda item: (item[1], item[0]))
    ]
    everyone = set().union(*known.values()) if known else set()
    total = figures_of("", during=during, before=before, known_before=everyone, by_order=True)
    return per_shop, total
