"""Reads of campaigns, each scoped to its caller: a shop sees campaigns and its own
participation only, never another shop's; the order page sees its own order's uses."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from .models import Campaign, CampaignKind, CampaignUse, Participation, Payer

OrderLineDiscount = get_model("order", "OrderLineDiscount")
ZERO = Decimal("0.00")


def campaigns_for_management():
    return Campaign.objects.order_by("-starts_at", "pk")


def campaigns_for_shop(*, shop, now: datetime | None = None):
    """Campaigns not ended yet, each with `taking_part` (this shop only) and `can_change`."""
    now = now or timezone.now()
    campaigns = list(
        Campaign.objects.filter(ends_at__gt=now)
        .annotate(
            taking_part=Exists(Participation.objects.filter(campaign=OuterRef("pk"), shop=shop))
        )
        .order_by("starts_at", "pk")
    )
    for campaign in campaigns:
        setattr(campaign, "can_change", now < campaign.starts_at)  # noqa: B010 (annotated row)
    return campaigns


def participating_shops(*, campaign: Campaign) -> list:
    """Management only."""
    return [
        p.shop
        for p in campaign.participations.select_related("shop__partner").order_by(
            "shop__partner__name"
        )
    ]


def uses_of_order(*, order) -> list[dict]:
    """What each campaign gave on an order, for the consumer's order page."""
    rows = (
        CampaignUse.objects.filter(order=order)
        .values("campaign__name", "campaign_id")
        .annotate(discount=Sum("discount"), delivery=Sum("delivery_waived"))
        .order_by("campaign_id")
    )
    return [
        {"name": row["campaign__name"], "discount": row["discount"], "delivery": row["delivery"]}
        for row in rows
    ]


def centre_contributions_of_part(part) -> dict[int, Decimal]:
    """{order line id: discount the centre pays}, for commission.contributions: the line
    discounts of the campaigns recorded on this part as paid by the centre."""
    offers = CampaignUse.objects.filter(part_id=part.pk, payer=Payer.CENTRE).values(
        "campaign__offer_id"
    )
    rows = OrderLineDiscount.objects.filter(
        line__order_id=part.order_id,
        line__partner_id=part.shop.partner_id,
        order_discount__offer_id__in=offers,
    ).values_list("line_id", "amount")
    found: dict[int, Decimal] = {}
    for line_id, amount in rows:
        found[line_id] = found.get(line_id, ZERO) + amount
    return found


def voucher_campaign_running(now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return Campaign.objects.filter(
        kind=CampaignKind.VOUCHER, starts_at__lte=now, ends_at__gt=now
    ).exists()
