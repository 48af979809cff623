"""What the basket and checkout show of campaigns: each campaign applied and how much."""

import json
from dataclasses import dataclass
from decimal import Decimal

from logistics.models import PartMethod

from .models import Campaign
from .services import free_delivery_campaigns

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AppliedCampaign:
    name: str
    discount: Decimal  # off the products
    free_delivery: bool = False


def applied_campaigns(basket) -> list[AppliedCampaign]:
    """Campaigns among the basket's offer applications (Oscar applied them to its lines)."""
    applications = getattr(basket, "offer_applications", None)
    if not applications:
        return []
    offers = [application["offer"] for application in applications]
    names = {
        campaign.offer_id: campaign.name
        for campaign in Campaign.objects.filter(offer_id__in=[offer.pk for offer in offers])
    }
    found = []
    for application in applications:
        offer = application["offer"]
        if offer.pk not in names:
            continue
        result = application["result"]
        found.append(
            AppliedCampaign(
                name=names[offer.pk],
                discount=ZERO if result.affects_shipping else application["discount"],
                free_delivery=result.affects_shipping,
            )
        )
    return found


def with_campaigns(totals: dict, *, basket, form) -> dict:
    """The checkout's totals (ordering.checkout_page.totals) with the campaigns' discounts
    taken off the products and the fees a free-delivery campaign waives set to 0."""
    applied = applied_campaigns(basket)
    if not applied:
        return {**totals, "campaigns": []}
    discount = sum((campaign.discount for campaign in applied), ZERO)
    fees = {int(key): Decimal(fee) for key, fee in json.loads(totals["fees_json"]).items()}
    waived = free_delivery_campaigns(basket)
    for partner_id in waived:
        fees[partner_id] = ZERO
    chosen = [key for key in fees if form[f"method_{key}"].value() == PartMethod.DELIVERY]
    delivery = sum((fees[key] for key in chosen), ZERO)
    products = totals["products"] - discount
    return {
        **totals,
        "products": products,
        "delivery": delivery,
        "total": products + delivery,
        "fees_json": json.dumps({str(key): str(fee) for key, fee in fees.items()}),
        "campaigns": applied,
    }
