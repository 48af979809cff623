"""Writing campaigns: create one (its Oscar offer and voucher with it), shops opting in and
out, and at order placement what each campaign gave on each part (CampaignUse)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.offer.applicator import Applicator
from oscar.core.loading import get_model

from .models import Campaign, CampaignKind, CampaignUse, Participation, Payer
from .offers import (
    ParticipatingShopsCondition,
    ParticipatingShopsFreeDeliveryBenefit,
    ParticipatingShopsPercentageBenefit,
    all_products_range,
    class_path,
    participating_partner_ids,
)

ConditionalOffer = get_model("offer", "ConditionalOffer")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Voucher = get_model("voucher", "Voucher")
OrderLineDiscount = get_model("order", "OrderLineDiscount")
ZERO = Decimal("0.00")


class Refused(Exception):
    def __init__(self, message: str, *, field: str = "__all__"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CampaignTerms:
    name: str
    kind: str
    payer: str
    starts_at: datetime
    ends_at: datetime
    percentage: Decimal | None = None
    minimum_shops: int = 2
    code: str = ""


def create_campaign(*, terms: CampaignTerms, user=None) -> Campaign:
    """The campaign with its Oscar condition, benefit, offer (and voucher for a code), in one
    transaction. Raises Refused (nothing written) for a code already in use, also when a
    second submit races the first."""
    try:
        return _create_campaign(terms=terms, user=user)
    except IntegrityError as clash:
        raise code_in_use(terms.code) from clash


def code_in_use(code: str) -> Refused:
    return Refused(_("The voucher code %(code)s is already in use.") % {"code": code}, field="code")


def campaign_fields(terms: CampaignTerms) -> dict:
    """The campaign's own fields for `terms`, as its kind uses them: free delivery is paid by
    the centre and has no percentage, only a voucher has a code, only free delivery counts
    shops (1 otherwise, as its Oscar condition)."""
    free_delivery = terms.kind == CampaignKind.FREE_DELIVERY
    return {
        "name": terms.name,
        "kind": terms.kind,
        "percentage": None if free_delivery else terms.percentage,
        "minimum_shops": terms.minimum_shops if free_delivery else 1,
        "code": terms.code if terms.kind == CampaignKind.VOUCHER else "",
        "payer": Payer.CENTRE if free_delivery else terms.payer,
        "starts_at": terms.starts_at,
        "ends_at": terms.ends_at,
    }


def offer_label(name: str, campaign_id: int) -> str:
    """What the basket shows for the campaign's Oscar offer (and its voucher's name)."""
    return f"{name} #{campaign_id}"[:128]


def _create_campaign(*, terms: CampaignTerms, user=None) -> Campaign:
    """The campaign with its Oscar condition, benefit, offer (and voucher for a code), in one
    transaction. Raises Refused (nothing written) for a code already in use."""
    if terms.kind == CampaignKind.VOUCHER and Voucher.objects.filter(code=terms.code).exists():
        raise code_in_use(terms.code)
    with transaction.atomic():
        offer = ConditionalOffer.objects.create(
            name=f"campaign-{timezone.now().timestamp()}-{terms.code or terms.kind}"[:128],
            offer_type=ConditionalOffer.VOUCHER
            if terms.kind == CampaignKind.VOUCHER
            else ConditionalOffer.SITE,
            condition=condition_for(terms),
            benefit=benefit_for(terms),
            start_datetime=terms.starts_at,
            end_datetime=last_moment(terms.ends_at),
            exclusive=False,
        )
        campaign = Campaign.objects.create(**campaign_fields(terms), offer=offer, created_by=user)
        label = offer_label(terms.name, campaign.pk)
        ConditionalOffer.objects.filter(pk=offer.pk).update(name=label)
        if terms.kind == CampaignKind.VOUCHER:
            voucher = Voucher.objects.create(
                name=label,
                code=terms.code,
                usage=Voucher.MULTI_USE,
                start_datetime=terms.starts_at,
                end_datetime=last_moment(terms.ends_at),
            )
            voucher.offers.add(offer)
            Campaign.objects.filter(pk=campaign.pk).update(voucher=voucher)
            campaign.voucher = voucher
    return campaign


def last_moment(ends_at: datetime) -> datetime:
    """A campaign ends at `ends_at` (exclusive); Oscar's end is inclusive."""
    return ends_at - timedelta(microseconds=1)


def condition_for(terms: CampaignTerms):
    return Condition.objects.create(
        range=all_products_range(),
        type=Condition.COUNT,
        value=campaign_fields(terms)["minimum_shops"],
        proxy_class=class_path(ParticipatingShopsCondition),
    )


def benefit_for(terms: CampaignTerms):
    if terms.kind == CampaignKind.FREE_DELIVERY:
        return Benefit.objects.create(
            proxy_class=class_path(ParticipatingShopsFreeDeliveryBenefit), value=ZERO
        )
    return Benefit.objects.create(
        range=all_products_range(),
        type=Benefit.PERCENTAGE,
        value=terms.percentage,
        proxy_class=class_path(ParticipatingShopsPercentageBenefit),
    )


def opt_in(*, campaign: Campaign, shop, now: datetime | None = None) -> Participation:
    """Idempotent; refused once the campaign has started (its terms are then fixed)."""
    refuse_after_start(campaign, now)
    try:
        with transaction.atomic():
            return Participation.objects.create(campaign=campaign, shop=shop)
    except IntegrityError:
        return Participation.objects.get(campaign=campaign, shop=shop)


def opt_out(*, campaign: Campaign, shop, now: datetime | None = None) -> bool:
    refuse_after_start(campaign, now)
    deleted, _rows = Participation.objects.filter(campaign=campaign, shop=shop).delete()
    return bool(deleted)


def refuse_after_start(campaign: Campaign, now: datetime | None) -> None:
    if (now or timezone.now()) >= campaign.starts_at:
        raise Refused(_("This campaign has started: taking part can no longer change."))


# --- the basket and the order ----------------------------------------------------------


def apply_offers(*, basket, user) -> None:
    """Oscar's offers (campaigns among them) on the basket's lines as loaded now: the order
    is written from these very line objects, so their discounts reach the order."""
    Applicator().apply(basket, user if user and user.is_authenticated else None)


def free_delivery_campaigns(basket) -> dict[int, Campaign]:
    """{partner id: campaign} for the parts whose delivery a campaign makes free."""
    applications = getattr(basket, "offer_applications", None)
    if not applications:
        return {}
    found: dict[int, Campaign] = {}
    in_basket = {line.stockrecord.partner_id for line in basket.all_lines() if line.stockrecord_id}
    for application in applications.shipping_discounts:
        offer = application["offer"]
        campaign = Campaign.objects.filter(offer=offer, kind=CampaignKind.FREE_DELIVERY).first()
        if campaign is None:
            continue
        for partner_id in participating_partner_ids(offer) & in_basket:
            found.setdefault(partner_id, campaign)
    return found


def waive_delivery_fees(*, basket, fees: dict[int, Decimal]) -> dict[int, tuple[Campaign, Decimal]]:
    """Sets the fee of each part a free-delivery campaign covers to 0 (in `fees`, by partner
    id) and returns what was waived, for `record_campaign_uses`."""
    waived = {}
    for partner_id, campaign in free_delivery_campaigns(basket).items():
        if fees.get(partner_id, ZERO) > 0:
            waived[partner_id] = (campaign, fees[partner_id])
            fees[partner_id] = ZERO
    return waived


def record_campaign_uses(
    *, order, basket, parts, waived: dict[int, tuple[Campaign, Decimal]]
) -> list:
    """Inside the order's transaction, after its parts: one row per campaign and part, from
    Oscar's line discounts (goods) and the waived delivery fees. The payer is frozen here.
    No query at all when no offer applied to the basket (the order holds its stock rows)."""
    if not getattr(basket, "offer_applications", None) and not waived:
        return []
    part_of = {part.shop.partner_id: part for part in parts}
    uses: dict[tuple[int, int], CampaignUse] = {}
    discounts = OrderLineDiscount.objects.filter(line__order=order).select_related(
        "line", "order_discount"
    )
    campaigns = {
        campaign.offer_id: campaign
        for campaign in Campaign.objects.filter(
            offer_id__in={discount.order_discount.offer_id for discount in discounts}
        )
    }
    for discount in discounts:
        campaign = campaigns.get(discount.order_discount.offer_id)
        if campaign is None or discount.line.partner_id not in part_of:
            continue
        use = use_for(uses, campaign, part_of[discount.line.partner_id], order)
        use.discount += discount.amount
        if campaign.pays_centre:
            use.centre_contribution += discount.amount
    for partner_id, (campaign, fee) in waived.items():
        if partner_id in part_of:
            use_for(uses, campaign, part_of[partner_id], order).delivery_waived += fee
    return CampaignUse.objects.bulk_create(uses.values())


def use_for(uses, campaign: Campaign, part, order) -> CampaignUse:
    key = (campaign.pk, part.pk)
    if key not in uses:
        uses[key] = CampaignUse(
            campaign=campaign, part=part, order=order, shop=part.shop, payer=campaign.payer
        )
    return uses[key]
